"""The token attack matrix (testing.tokens) against auth's own protected routes: every
forgery is a 401.

The forgeries are built around auth's real current signing key and kid, for the real admin's
id, so each differs from a token that works (the control) by exactly one property.
"""

from __future__ import annotations

from typing import Any

import pytest
from joserfc.jwk import ECKey

from hms_auth.service_layer.commands import EnsureSigningKey
from hms_platform.testing.tokens import TokenFactory

ROUTES = ["/api/auth/me", "/api/auth/users"]


class RealUserTokens(TokenFactory):
    """Tokens for one real user unless a test names another subject."""

    def __init__(self, subject: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.subject = subject

    def claims(self, sub: Any = None, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return super().claims(sub or self.subject, *args, **kwargs)


@pytest.fixture
async def forger(app, settings, api) -> RealUserTokens:
    key = await app.state.bus.handle(EnsureSigningKey())  # the current key, private half
    me = await api.client.get("/api/auth/me", headers=await api.admin())
    return RealUserTokens(
        me.json()["id"], kid=key.kid, key=ECKey.import_key(key.private_pem, {"kid": key.kid}),
        issuer=settings.jwt_issuer, audience=settings.jwt_audience)


async def test_the_control_token_is_accepted(forger, api) -> None:
    for route in ROUTES:
        response = await api.client.get(route, headers=api.bearer(forger.issue(role="admin")))
        assert response.status_code == 200, response.text


@pytest.mark.parametrize("attack", sorted(TokenFactory().attack_tokens()))
async def test_every_forgery_is_refused(forger, api, attack: str) -> None:
    token = forger.attack_tokens(role="admin")[attack]
    for route in ROUTES:
        response = await api.client.get(route,
                                        headers={"Authorization": f"Bearer {token}".strip()})
        assert response.status_code == 401, (attack, route, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_refresh_token_is_not_an_access_token(api) -> None:
    _, pair = await api.user_with_role("admin")
    response = await api.client.get("/api/auth/me", headers=api.bearer(pair["refresh_token"]))
    assert response.status_code == 401


async def test_tokens_of_deactivated_or_demoted_users_stop_working_at_once(api) -> None:
    admin = await api.admin()
    users = {role: await api.user_with_role(role) for role in ("doctor", "admin")}
    doctor, doctor_pair = users["doctor"]
    second_admin, admin_pair = users["admin"]
    await api.client.patch(f"/api/auth/users/{doctor['id']}", headers=admin,
                           json={"active": False})
    await api.client.patch(f"/api/auth/users/{second_admin['id']}", headers=admin,
                           json={"role": "receptionist"})
    me = await api.client.get("/api/auth/me", headers=api.bearer(doctor_pair["access_token"]))
    users_list = await api.client.get("/api/auth/users",
                                      headers=api.bearer(admin_pair["access_token"]))
    assert (me.status_code, users_list.status_code) == (401, 401)
    refreshed = await api.client.post("/api/auth/token/refresh",
                                      json={"refresh_token": admin_pair["refresh_token"]})
    assert refreshed.status_code == 200  # a demoted user may refresh: the new token says so
    demoted = api.bearer(refreshed.json()["access_token"])
    assert (await api.client.get("/api/auth/users", headers=demoted)).status_code == 403
