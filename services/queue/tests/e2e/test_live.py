"""The live line: a stream that hears a call made through another API process (its own OS
process, its own database connections: the change travels as a Postgres NOTIFY), and the
waiting-room links and page."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from hms_contracts.appointments import PatientCheckedIn
from hms_platform.testing.infra import free_port
from hms_platform.testing.polling import until_answered
from hms_platform.testing.ports import on_free_ports
from hms_platform.testing.sse import next_event
from hms_queue.entrypoints.api.app import create_app


def tail(log: Path) -> str:
    return log.read_text()[-2000:]


@contextlib.asynccontextmanager
async def other_api_process(database_url: str, jwks_url: str, issuer: str,
                            log: Path) -> AsyncIterator[tuple[str, asyncio.subprocess.Process]]:
    port = free_port()
    env = {**os.environ, "QUEUE_DATABASE_URL": database_url, "QUEUE_ENVIRONMENT": "test",
           "QUEUE_JWKS_URL": jwks_url, "QUEUE_JWT_ISSUER": issuer}
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "hms-queue"), "api", "--port", str(port), env=env,
        stdout=log.open("w"), stderr=asyncio.subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        async with asyncio.timeout(60), httpx.AsyncClient(base_url=base) as client:
            await until_answered(client, "/api/queue/readyz",
                                 died=lambda: process.returncode is not None and tail(log))
        yield base, process
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()


async def test_a_stream_hears_a_call_made_through_another_api_process(
        db, settings, world, tokens, verifier, migrated_url, tmp_path, serving) -> None:
    doctor = await world.register("doctor", room="12")
    patients = [await world.register("patient") for _ in range(2)]
    desk = {"Authorization": f"Bearer {tokens.issue(uuid.uuid4(), role='receptionist')}"}
    doc = {"Authorization": f"Bearer {tokens.issue(doctor, role='doctor')}"}
    jwks = Starlette(routes=[Route("/jwks", lambda _: JSONResponse(tokens.jwks()))])
    here = create_app(settings, engine=db, token_verifier=verifier)  # the system clock
    async with serving(jwks) as jwks_base, serving(here) as a_base, on_free_ports(
            lambda: other_api_process(migrated_url, f"{jwks_base}/jwks", tokens.issuer,
                                      tmp_path / "api-b.log")) as (b_base, _), \
            httpx.AsyncClient(base_url=a_base, timeout=30) as a, \
            httpx.AsyncClient(base_url=b_base, timeout=30) as b:
        labels = []
        for patient in patients:
            issued = await b.post("/api/queue/tickets", headers=desk, json={
                "patient_id": str(patient), "doctor_id": str(doctor)})
            assert issued.status_code == 201, issued.text
            labels.append(issued.json()["label"])
        assert (await a.get(f"/api/queue/doctors/{doctor}/stream")).status_code == 401
        async with asyncio.timeout(30), a.stream(
                "GET", f"/api/queue/doctors/{doctor}/stream", headers=doc) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.aiter_lines()
            kind, board = await next_event(lines)
            assert kind == "snapshot"
            assert board == {"doctor_id": str(doctor), "room": "12", "called": None,
                             "next": labels, "waiting": 2,
                             "doctor_name": f"doctor {str(doctor)[:4]}"}  # never a patient's
            # heartbeats while nothing changes (a re-send on the LISTEN connection's start
            # carries the same board: streams catch up on anything missed while connecting)
            while (event := await next_event(lines)) != ("heartbeat", None):
                assert event == ("line", board)
            called = await b.post(f"/api/queue/doctors/{doctor}/call-next", headers=doc)
            assert called.status_code == 200
            while (event := await next_event(lines))[0] == "heartbeat":
                pass
            assert event == ("line", {**board, "called": labels[0], "next": labels[1:],
                                      "waiting": 1})
            served = await a.post(f"/api/queue/tickets/{called.json()['id']}/serve",
                                  headers=doc)
            assert served.status_code == 200
            while (event := await next_event(lines))[0] == "heartbeat":
                pass
            assert event[1]["called"] is None and event[1]["next"] == labels[1:]


async def test_display_links_and_page(api) -> None:
    ids = api.ids
    await api.ticket("waiting")
    made = await api.call("receptionist", "POST", "/displays",
                          json={"doctor_ids": [str(ids["doctor"])], "hours": 2})
    assert made.status_code == 201
    url, expires = made.json()["url"], made.json()["expires_at"]
    assert url.startswith("/api/queue/display?token=")
    assert expires.startswith((api.clock.now() + timedelta(hours=2)).isoformat()[:16])
    page = await api.client.get(url)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp
    assert "http" not in page.text.replace("http-equiv", "")  # no external assets
    for secret in (str(ids["patient"]), str(ids["doctor"])):
        assert secret not in page.text
    token = url.split("token=")[1]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "nonsense", ""):
        refused = await api.client.get("/api/queue/display", params={"token": bad})
        assert refused.status_code in (403, 422)
        if refused.status_code == 403:
            assert "not valid" in refused.text
    stream = await api.client.get("/api/queue/display/stream", params={"token": tampered})
    assert stream.status_code == 403
    api.clock.advance(hours=3)
    expired = await api.client.get(url)
    assert expired.status_code == 403 and "not valid" in expired.text
    too_long = await api.call("admin", "POST", "/displays",
                              json={"doctor_ids": [str(ids["doctor"])], "hours": 24 * 40})
    assert too_long.status_code == 422


async def test_an_open_stream_does_not_hold_the_api_process_at_shutdown(
        db, world, tokens, migrated_url, tmp_path, serving) -> None:
    """uvicorn's graceful shutdown waits for open responses, and a stream never ends by
    itself: the API ends its streams as soon as it is told to stop, as complete responses
    (the client reads to the end, no connection reset), and the process exits."""
    doctor = await world.register("doctor")
    admin = {"Authorization": f"Bearer {tokens.issue(uuid.uuid4(), role='admin')}"}
    jwks = Starlette(routes=[Route("/jwks", lambda _: JSONResponse(tokens.jwks()))])
    async with serving(jwks) as jwks_base, on_free_ports(lambda: other_api_process(
            migrated_url, f"{jwks_base}/jwks", tokens.issuer, tmp_path / "api.log")) as (
            base, process), httpx.AsyncClient(base_url=base, timeout=30) as client, \
            client.stream("GET", f"/api/queue/doctors/{doctor}/stream", headers=admin) as stream:
        lines = stream.aiter_lines()
        assert (await next_event(lines))[0] == "snapshot"
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(60):  # guards against hanging; nothing is timed
            rest = [line async for line in lines]  # the response ends properly (no reset)
            await process.wait()
        assert process.returncode is not None
        assert all(not line.startswith("event: ") or line == "event: line" for line in rest)


async def test_serving_an_appointments_ticket_says_the_appointment_needs_completing(
        api) -> None:
    check_in = PatientCheckedIn(appointment_id=uuid.uuid4(), patient_id=api.ids["patient"],
                                doctor_id=api.ids["doctor"], urgency=3,
                                arrived_at=api.clock.now())
    uow = api.bus.uow_factory()  # on the app's clock, as the consumer would be
    async with uow:
        await api.bus.handle(check_in, uow=uow)
        await uow.commit()
    api.clock.advance(seconds=1)
    walk_in = await api.ticket("waiting", patient="other_patient")
    for expected in ((str(check_in.appointment_id), True), (None, False)):
        called = await api.call("doctor", "POST", f"/doctors/{api.ids['doctor']}/call-next")
        served = await api.call("doctor", "POST", f"/tickets/{called.json()['id']}/serve")
        assert served.status_code == 200
        body = served.json()
        assert (body["appointment_id"], body["appointment_to_complete"]) == expected
        assert body["status"] == "served"
    assert body["id"] == str(walk_in)
