"""Admins only (403 for every other role, 401 without a token or with a revoked one), and the
requests refused with a 422 problem."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from hms_contracts.auth import SessionsRevoked

ROUTES = ["/api/reports/appointments", "/api/reports/no-shows", "/api/reports/penalties",
          "/api/reports/queue", "/api/reports/notifications", "/api/audit"]


@pytest.mark.parametrize("path", ROUTES)
async def test_only_admins_read_reports(api, path: str) -> None:
    for who in ("receptionist", "doctor", "patient"):
        refused = await api.client.get(path, headers=api.headers[who])
        assert refused.status_code == 403, who
        assert refused.headers["content-type"].startswith("application/problem+json")
    assert (await api.client.get(path, headers=api.headers["anonymous"])).status_code == 401
    assert (await api.client.get(path, headers=api.headers["admin"])).status_code == 200


@pytest.mark.parametrize("query", [
    "from=2026-03-02&to=2026-03-01",  # from after to
    "from=2024-01-01&to=2026-03-01",  # over two years
    "group_by=colour",                # unknown grouping
    "from=2026-02-30",                # no such date
    "from=yesterday",                 # not a date
    "format=xlsx",                    # unknown format
])
async def test_bad_input_is_a_422_problem(api, query: str) -> None:
    answer = await api.client.get(f"/api/reports/appointments?{query}",
                                  headers=api.headers["admin"])
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")


async def test_a_bad_cursor_and_an_unknown_grouping_elsewhere_are_422(api) -> None:
    admin = api.headers["admin"]
    assert (await api.client.get("/api/audit?cursor=bm9wZQ", headers=admin)).status_code == 422
    assert (await api.client.get("/api/reports/penalties?group_by=day",
                                 headers=admin)).status_code == 422
    assert (await api.client.get("/api/reports/queue?doctor_id=7",
                                 headers=admin)).status_code == 422


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize("cursor", [
    _cursor("2026-03-02T08:00:00+00:00|99999999999999999999999"),  # was a 500: past BIGINT
    _cursor(f"2026-03-02T08:00:00+00:00|{2**63}"), _cursor("2026-03-02T08:00:00+00:00|-5"),
    _cursor("0001-01-01T00:00:00+05:00|1"),  # was a 500: before year 1 in UTC
    _cursor("9999-12-31T23:59:59-05:00|1"), _cursor("0000-01-01T00:00:00+00:00|1"),
    _cursor("10000-01-01T00:00:00+00:00|1"), _cursor("2026-03-02T08:00:00|1"),
    _cursor("2026-03-02T08:00:00+00:00|1|2"), _cursor("2026-03-02T08:00:00+00:00"),
    "not base64!", "é", _cursor("\udcff".encode("utf-8", "surrogatepass").decode("latin-1")),
])
async def test_every_malformed_cursor_is_a_422_problem(api, cursor: str) -> None:
    answer = await api.client.get("/api/audit", params={"cursor": cursor},
                                  headers=api.headers["admin"])
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("cursor", [
    _cursor("0001-01-01T00:00:00+00:00|1"), _cursor(f"9999-12-31T23:59:59+00:00|{2**63 - 1}")])
async def test_cursors_at_the_edges_of_their_ranges_are_answered(api, cursor: str) -> None:
    answer = await api.client.get("/api/audit", params={"cursor": cursor, "from": "2026-03-01"},
                                  headers=api.headers["admin"])
    assert answer.status_code == 200, answer.text


async def test_the_default_period_is_the_last_30_clinic_days(api, clock) -> None:
    body = (await api.client.get("/api/reports/appointments",
                                 headers=api.headers["admin"])).json()
    today = clock.now().date()  # 12:00 in Nairobi: the same date there
    assert (body["from"], body["to"]) == (str(today - timedelta(days=29)), str(today))


async def test_a_revoked_token_is_refused(api, producer) -> None:
    # the token was issued just now (real time): revoke everything before a minute from now
    later = datetime.now(UTC) + timedelta(seconds=60)
    await producer.send(SessionsRevoked(user_id=api.ids["admin"], not_before=later,
                                        reason="logout"))
    answer = await api.client.get("/api/audit", headers=api.headers["admin"])
    assert answer.status_code == 401


async def test_health_answers_under_both_prefixes(api) -> None:
    for prefix in ("/api/reporting", "/api/reports"):  # the service's and the gateway's
        for probe in ("healthz", "readyz"):
            assert (await api.client.get(f"{prefix}/{probe}")).status_code == 200


async def test_forged_and_expired_tokens_are_401_everywhere(api, tokens) -> None:
    for name, token in tokens.attack_tokens(role="admin").items():
        for path in ROUTES:
            answer = await api.client.get(path, headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 401, (name, path)
            assert answer.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_nothing_changes_the_reports_or_the_audit_trail(api, method: str) -> None:
    for path in ROUTES:
        answer = await api.client.request(method, path, headers=api.headers["admin"])
        assert answer.status_code == 405, (method, path)
