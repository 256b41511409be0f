"""Web Push through the API: the public key the app subscribes with (null while Web Push is
off), and a subscription registered as a device through PUT /preferences, refused with a 422
problem saying why when it is not one or points at a push service this server does not use."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import SecretStr

from hms_notifications.adapters.channels.vapid import load_private_key, new_private_key, public_key
from hms_notifications.entrypoints.api.app import create_app
from hms_platform.testing.http import calling
from hms_platform.testing.modules import load_beside

PUSH = load_beside(__file__, "../push_service.py", "hms_notifications_e2e_push_service")
ENDPOINT = "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABm"


async def test_the_push_key_is_null_while_web_push_is_off(api) -> None:  # type: ignore[no-untyped-def]
    got = await api.call("patient", "GET", "/push/key")
    assert (got.status_code, got.json()) == (200, {"public_key": None})
    assert (await api.call("anonymous", "GET", "/push/key")).status_code == 401


async def test_the_push_key_is_the_vapid_public_key(db, settings, world, tokens, verifier) -> None:  # type: ignore[no-untyped-def]
    key = new_private_key()
    app = create_app(settings.model_copy(update={
        "vapid_private_key": SecretStr(key), "vapid_subject": "mailto:admin@clinic.example"}),
        engine=db, token_verifier=verifier)
    ids = {"patient": await world.person(), "admin": await world.person("admin")}
    async with calling(app, "/api/notifications", tokens.headers(ids)) as (_, call):
        for who in ids:
            got = (await call(who, "GET", "/push/key")).json()
            assert got == {"public_key": public_key(load_private_key(key))}
    assert len(PUSH.unb64url(got["public_key"])) == 65


async def test_a_subscription_is_kept_as_a_device_beside_fcm_tokens(api) -> None:  # type: ignore[no-untyped-def]
    browser = PUSH.Browser()
    subscription = browser.subscription(ENDPOINT)
    body = {"channels": ["push", "sms"], "devices": ["fcm-token-1", subscription]}
    put = await api.call("patient", "PUT", "/preferences", json=body)
    assert put.status_code == 200, put.text
    got = (await api.call("patient", "GET", "/preferences")).json()
    assert got["devices"] == ["fcm-token-1", subscription]
    # The browser subscribed again (new keys, same endpoint): one device for that endpoint.
    again = PUSH.Browser().subscription(ENDPOINT)
    await api.call("patient", "PUT", "/preferences", json={**body, "devices": [
        "fcm-token-1", subscription, again]})
    got = (await api.call("patient", "GET", "/preferences")).json()
    assert got["devices"] == ["fcm-token-1", again]


def bad(**change: Any) -> str:
    data = json.loads(PUSH.Browser().subscription(ENDPOINT))
    data.update({k: v for k, v in change.items() if k != "keys"})
    data["keys"].update(change.get("keys", {}))
    return json.dumps(data, separators=(",", ":"))


@pytest.mark.parametrize(("device", "why"), [
    ('{"endpoint":"https://fcm.googleapis.com/x"', "not valid JSON"),
    (bad(keys={"p256dh": "AAAA"}), "keys.p256dh is not a P-256 public key"),
    (bad(keys={"auth": "c2hvcnQ"}), "keys.auth must be 16 bytes"),
    (bad(endpoint="https://attacker.example/hook"),
     "the endpoint's origin https://attacker.example is not an allowed push service"),
    (bad(endpoint="http://updates.push.services.mozilla.com/wpush/v2/x"),
     "origin http://updates.push.services.mozilla.com is not an allowed push service"),
    (bad(endpoint="http://127.0.0.1:5432/"), "origin http://127.0.0.1:5432 is not an allowed"),
])
async def test_a_bad_subscription_is_a_422_saying_why(api, device: str, why: str) -> None:  # type: ignore[no-untyped-def]
    response = await api.call("patient", "PUT", "/preferences",
                              json={"channels": ["push"], "devices": ["fcm-token-1", device]})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    detail = response.json()["detail"]
    assert detail.startswith("devices[1] is not a valid Web Push subscription: ") and why in detail
    got = (await api.call("patient", "GET", "/preferences")).json()
    assert got["devices"] == []  # nothing stored
