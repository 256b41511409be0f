"""Named displays over HTTP: only an admin makes, lists and revokes them (403 for everyone
else, 401 without a token); a named display's link still opens after more than 24 hours; its
stream hands the screen fresh short-lived tokens (again after half their life), which open the
page and stream too; revoking ends the open stream at once (a ``revoked`` event) and every
token of the display is refused from then on; the screens carry the doctor's name, never a
patient's."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta

import httpx
import pytest

from hms_platform.testing.sse import next_event, rest, until_event
from hms_queue.entrypoints.api.app import create_app

OTHERS = ("anonymous", "patient", "doctor", "receptionist")


async def make(api, name: str = "Ground floor waiting room", *doctors: str) -> dict:
    made = await api.call("admin", "POST", "/displays", json={
        "name": name, "doctor_ids": list(doctors) or [str(api.ids["doctor"])]})
    assert made.status_code == 201, made.text
    return made.json()


async def test_only_an_admin_manages_named_displays(api) -> None:
    body = {"name": "Hall", "doctor_ids": [str(api.ids["doctor"])]}
    for who in OTHERS:
        expected = 401 if who == "anonymous" else 403
        assert (await api.call(who, "POST", "/displays", json=body)).status_code == expected
        assert (await api.call(who, "GET", "/displays")).status_code == expected
    assert (await api.call("admin", "GET", "/displays")).json() == []
    made = await make(api, "Hall", str(api.ids["doctor"]), str(api.ids["other_doctor"]))
    assert made["name"] == "Hall" and made["revoked_at"] is None
    assert made["url"].startswith("/api/queue/display?token=")
    for who in OTHERS:
        answer = await api.call(who, "DELETE", f"/displays/{made['id']}")
        assert answer.status_code == (401 if who == "anonymous" else 403)
    assert (await api.call("admin", "GET", "/displays")).json() == [made]
    assert (await api.call("admin", "DELETE", f"/displays/{uuid.uuid4()}")).status_code == 404
    too_many = [str(uuid.uuid4()) for _ in range(13)]
    assert (await api.call("admin", "POST", "/displays",
                           json={"name": "Big", "doctor_ids": too_many})).status_code == 422
    assert (await api.call("admin", "POST", "/displays",
                           json={"name": "", "doctor_ids": too_many[:1]})).status_code == 422


async def test_a_named_display_outlives_a_day_rotates_its_token_and_stops_when_revoked(
        api, serving, db) -> None:
    made = await make(api)
    link = made["url"]
    api.clock.advance(hours=30)  # older than any expiring link may be
    await api.ticket("waiting")  # today's line
    page = await api.client.get(link)
    assert page.status_code == 200 and "Waiting room" in page.text
    stream_url = link.replace("/display?", "/display/stream?")
    async with serving(api.app) as base, httpx.AsyncClient(base_url=base, timeout=30) as client, \
            client.stream("GET", stream_url) as stream:
        lines = stream.aiter_lines()
        snapshot = await until_event(lines, "snapshot")
        assert snapshot["doctor_name"].startswith("doctor ") and snapshot["next"] == ["A-001"]
        assert str(api.ids["patient"]) not in str(snapshot)
        fresh = await until_event(lines, "token")
        life = datetime.fromisoformat(fresh["expires_at"]) - api.clock.now()
        assert life == timedelta(minutes=api.app.state.settings.display_token_minutes)
        await until_event(lines, "heartbeat")
        api.clock.advance(seconds=life.total_seconds() / 2 + 1)  # half its life: a new one
        newer = await until_event(lines, "token")
        assert newer["token"] != fresh["token"]
        for token in (fresh["token"], newer["token"]):  # the screen reloads with these
            assert (await client.get("/api/queue/display", params={"token": token})
                    ).status_code == 200
        api.clock.advance(seconds=life.total_seconds())
        assert (await client.get("/api/queue/display", params={"token": fresh["token"]})
                ).status_code == 403  # a fresh token expires; the admin's link does not
        # a second screen on an API process whose heartbeat is a minute away
        slow = create_app(api.app.state.settings.model_copy(
            update={"stream_heartbeat_seconds": 60}), engine=db,
            token_verifier=api.app.state.token_verifier, clock=api.clock)
        async with serving(slow) as slow_base, httpx.AsyncClient(
                base_url=slow_base, timeout=30) as slow_client, slow_client.stream(
                "GET", stream_url) as slow_stream:
            slow_lines = slow_stream.aiter_lines()
            await until_event(slow_lines, "token")
            revoked = await api.call("admin", "DELETE", f"/displays/{made['id']}")
            assert revoked.status_code == 204
            async with asyncio.timeout(10):  # at once (NOTIFY), not at the next heartbeat
                while (event := await next_event(slow_lines))[0] == "line":
                    pass  # a re-send when its LISTEN connection started
                assert event[0] == "revoked"
                assert await rest(slow_lines) == []
                while (await next_event(lines))[0] != "revoked":
                    pass
                assert await rest(lines) == []
        for token in (link.split("token=")[1], newer["token"]):
            page = await client.get("/api/queue/display", params={"token": token})
            assert page.status_code == 403 and "not valid" in page.text
            refused = await client.get("/api/queue/display/stream", params={"token": token})
            assert refused.status_code == 403
    (listed,) = (await api.call("admin", "GET", "/displays")).json()
    assert listed["revoked_at"] is not None and listed["url"] is None
    assert (await api.call("admin", "DELETE", f"/displays/{made['id']}")).status_code == 204


async def test_a_short_lived_link_still_expires_after_its_hours(api) -> None:
    made = await api.call("receptionist", "POST", "/displays",
                          json={"doctor_ids": [str(api.ids["doctor"])], "hours": 24})
    assert made.status_code == 201 and set(made.json()) == {"url", "expires_at"}
    api.clock.advance(hours=24, seconds=1)
    assert (await api.client.get(made.json()["url"])).status_code == 403


@pytest.mark.parametrize("name", ["Hall\\u0000B", "Hall \\ud800"])  # as JSON escapes
async def test_a_name_postgres_cannot_store_is_422_not_500(api, name: str) -> None:
    """(Schemathesis found a NUL byte answered with a 500 from the database.)"""
    body = f'{{"name": "{name}", "doctor_ids": ["{api.ids["doctor"]}"]}}'
    answer = await api.call("admin", "POST", "/displays", content=body.encode(),
                            headers={"content-type": "application/json"})
    assert answer.status_code == 422, answer.text
    assert (await api.call("admin", "GET", "/displays")).json() == []
