"""The live surfaces under abuse: garbage and forged screen links (403, never 500, no
traceback), links naming too many lines, too many streams per user or per link (429), a
thousand-stream line costing one read per change, streams on a small database pool, streams
outliving the access they were opened with (expiry, logout), and clients that leave."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from structlog.testing import capture_logs

from hms_contracts.auth import SessionsRevoked, SigningKeyRotated
from hms_contracts.envelope import Envelope
from hms_platform.db import make_engine
from hms_platform.testing.polling import eventually
from hms_platform.testing.sse import next_event, rest, until_event
from hms_queue.entrypoints.api.app import create_app
from hms_queue.entrypoints.api.display_links import _mac
from hms_queue.service_layer.commands import LineSnapshot

STREAM = "/api/queue/doctors/{}/stream"


def bearer(api, user: uuid.UUID | None = None, role: str = "patient", **claims: Any) -> dict:
    token = api.tokens.issue(user or uuid.uuid4(), role=role, **claims)
    return {"Authorization": f"Bearer {token}"}


@contextlib.contextmanager
def no_error_logs(caplog: pytest.LogCaptureFixture):
    """Fails when anything logs an error or a traceback: our structlog loggers, the stdlib's
    (uvicorn's "Exception in ASGI application", SQLAlchemy's pool, asyncio's unretrieved
    task exceptions)."""
    caplog.set_level(logging.WARNING)
    with capture_logs() as logs:
        yield logs
    bad = [e for e in logs if e["log_level"] in ("error", "critical", "exception")
           or "exc_info" in e]
    assert not bad, bad
    records = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not records, [(r.name, r.getMessage()) for r in records]


def app_with(api, engine, **settings: Any):
    """Another app over ``engine`` and the same clock, with these settings changed."""
    changed = api.app.state.settings.model_copy(update=settings)
    return create_app(changed, engine=engine, token_verifier=api.app.state.token_verifier,
                      clock=api.clock)


# --- display links --------------------------------------------------------------------------

def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def garbage_links(secret: str, doctor: uuid.UUID) -> list[str]:
    later = int((datetime.now(UTC) + timedelta(days=400)).timestamp())

    def forged(claims: Any) -> str:  # signed: as whoever learnt the secret could
        body = b64(json.dumps(claims).encode())
        return f"{body}.{_mac(secret, body)}"

    d = [str(doctor)]
    return [
        forged({"d": d, "exp": 1e308}), forged({"d": d, "exp": 10**40}),
        forged({"d": d, "exp": -5}), forged({"d": d, "exp": 1.5}), forged({"d": d, "exp": True}),
        forged({"d": d, "exp": str(later)}), forged({"d": d}), forged({"exp": later}),
        forged({"d": d, "exp": later, "x": 1}), forged({"d": [1, 2], "exp": later}),
        forged({"d": [], "exp": later}), forged({"d": "x", "exp": later}),
        forged({"d": [str(uuid.UUID(int=i)) for i in range(1, 14)], "exp": later}),  # 13 lines
        forged([d, later]), forged("x"), forged(None),
        "", "x", ".", "a.b.c", "%00", "é.é", "a" * 5000,
        b64(b"not json") + "." + _mac(secret, b64(b"not json")),
        forged({"d": d, "exp": later}) + ".more",
        forged({"d": d, "exp": later})[:-3] + "abc",
    ]


async def test_garbage_and_forged_display_links_are_403_never_500(api, caplog) -> None:
    secret = api.app.state.settings.display_secret.get_secret_value()
    with no_error_logs(caplog):
        for token in garbage_links(secret, api.ids["doctor"]):
            page = await api.client.get("/api/queue/display", params={"token": token})
            assert page.status_code == 403, (token, page.status_code)
            assert page.headers["content-type"].startswith("text/html")
            assert "not valid" in page.text
            stream = await api.client.get("/api/queue/display/stream", params={"token": token})
            assert stream.status_code == 403, (token, stream.status_code)
            assert stream.headers["content-type"] == "application/problem+json"
        for path in ("/api/queue/display", "/api/queue/display/stream"):
            assert (await api.client.get(path)).status_code == 403  # no token at all


async def test_a_display_link_names_at_most_display_max_doctors_lines(api) -> None:
    many = [str(uuid.UUID(int=i)) for i in range(1, 14)]
    refused = await api.call("receptionist", "POST", "/displays", json={"doctor_ids": many})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert "at most 12" in refused.json()["detail"]
    repeated = [str(api.ids["doctor"])] * 75  # one line named 75 times is one line
    made = await api.call("receptionist", "POST", "/displays", json={"doctor_ids": repeated})
    assert made.status_code == 201
    token = made.json()["url"].split("token=")[1]
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert claims["d"] == [str(api.ids["doctor"])]
    assert (await api.client.get(made.json()["url"])).status_code == 200


# --- stream limits --------------------------------------------------------------------------

async def test_streams_per_user_are_capped_and_freed_when_a_stream_closes(api, serving,
                                                                          db) -> None:
    app = app_with(api, db, streams_per_user=3)
    doctor, me, other = api.ids["doctor"], bearer(api), bearer(api)
    url = STREAM.format(doctor)
    async with serving(app) as base, httpx.AsyncClient(base_url=base, timeout=30) as client, \
            contextlib.AsyncExitStack() as streams:
        mine = []
        for _ in range(3):
            stream = await streams.enter_async_context(client.stream("GET", url, headers=me))
            assert stream.status_code == 200
            mine.append(stream)
        refused = await client.get(url, headers=me)
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        assert int(refused.headers["retry-after"]) > 0 and refused.json()["retry_after"] > 0
        async with client.stream("GET", url, headers=other) as theirs:  # others are served
            assert theirs.status_code == 200
            assert (await next_event(theirs.aiter_lines()))[0] == "snapshot"
        await mine[0].aclose()  # the client goes away: its slot is given back

        async def served() -> bool:
            async with client.stream("GET", url, headers=me) as again:
                return again.status_code == 200

        await eventually(served, timeout=10)


async def test_streams_per_display_link_are_capped(api, serving, db) -> None:
    app = app_with(api, db, streams_per_display=2)
    links = []
    for _ in range(2):
        made = await api.call("receptionist", "POST", "/displays",
                              json={"doctor_ids": [str(api.ids["doctor"])]})
        links.append(made.json()["url"].replace("/display?", "/display/stream?"))
        api.clock.advance(seconds=1)  # a link made in the same second is the same link
    assert links[0] != links[1]
    async with serving(app) as base, httpx.AsyncClient(base_url=base, timeout=30) as client, \
            contextlib.AsyncExitStack() as streams:
        first = [await streams.enter_async_context(client.stream("GET", links[0]))
                 for _ in range(2)]
        assert [s.status_code for s in first] == [200, 200]
        refused = await client.get(links[0])
        assert refused.status_code == 429 and "retry-after" in refused.headers
        async with client.stream("GET", links[1]) as other_link:
            assert other_link.status_code == 200
        await first[0].aclose()

        async def served() -> bool:
            async with client.stream("GET", links[0]) as again:
                return again.status_code == 200

        await eventually(served, timeout=10)


# --- shared reads ---------------------------------------------------------------------------

def count_snapshot_reads(api, monkeypatch) -> Counter[uuid.UUID]:
    reads: Counter[uuid.UUID] = Counter()
    bus = api.app.state.bus
    handle = bus.handle

    async def counting(message: Any, **kwargs: Any) -> Any:
        if isinstance(message, LineSnapshot):
            reads[message.doctor_id] += 1
        return await handle(message, **kwargs)

    monkeypatch.setattr(bus, "handle", counting)
    return reads


async def listening(app) -> None:
    watcher = app.state.line_watcher
    async with watcher.subscribe(), asyncio.timeout(20):
        await watcher.listening.wait()


async def test_the_streams_of_a_line_cost_one_read_per_change(api, serving,
                                                              monkeypatch) -> None:
    doctor = api.ids["doctor"]
    reads = count_snapshot_reads(api, monkeypatch)
    await listening(api.app)
    async with serving(api.app) as base, httpx.AsyncClient(
            base_url=base, timeout=30, limits=httpx.Limits(max_connections=100)) as client, \
            contextlib.AsyncExitStack() as stack:
        opened = await asyncio.gather(*(stack.enter_async_context(
            client.stream("GET", STREAM.format(doctor), headers=bearer(api)))
            for _ in range(40)))
        lines = [s.aiter_lines() for s in opened]
        boards = await asyncio.gather(*(until_event(line, "snapshot") for line in lines))
        assert {b["waiting"] for b in boards} == {0}
        assert reads[doctor] == 1  # 40 streams connecting: one read
        reads.clear()
        await api.ticket("waiting")
        await asyncio.gather(*(until_event(line, "line", waiting=1) for line in lines))
        assert reads[doctor] == 1  # one change, 40 streams: one read


async def test_many_streams_on_a_small_pool_all_hear_every_change(api, serving, migrated_url,
                                                                  caplog) -> None:
    """50 streams, 6 changes at once, 2 pooled connections: every stream hears every change,
    nothing fails, and the streams borrow no connection each per change (one read per
    change: the pool lends fewer connections in all than there are streams)."""
    small = make_engine(migrated_url, pool_size=2)
    checkouts = Counter[str]()
    sa.event.listen(small.sync_engine.pool, "checkout",
                    lambda *_: checkouts.update(["all"]))
    try:
        app = app_with(api, small)
        desk = api.headers["receptionist"]
        patients = [await api.world.register("patient") for _ in range(6)]
        with no_error_logs(caplog) as logs:
            async with serving(app) as base, httpx.AsyncClient(
                    base_url=base, timeout=60,
                    limits=httpx.Limits(max_connections=100)) as client, \
                    contextlib.AsyncExitStack() as stack:
                await listening(app)
                opened = await asyncio.gather(*(stack.enter_async_context(
                    client.stream("GET", STREAM.format(api.ids["doctor"]), headers=bearer(api)))
                    for _ in range(50)))
                assert {s.status_code for s in opened} == {200}
                lines = [s.aiter_lines() for s in opened]
                await asyncio.gather(*(until_event(line, "snapshot") for line in lines))
                checkouts.clear()
                issued = await asyncio.gather(*(client.post(
                    "/api/queue/tickets", headers=desk,
                    json={"patient_id": str(p), "doctor_id": str(api.ids["doctor"])})
                    for p in patients))
                assert {r.status_code for r in issued} == {201}
                async with asyncio.timeout(30):
                    await asyncio.gather(*(until_event(line, "line", waiting=6)
                                           for line in lines))
                assert checkouts["all"] < 50, checkouts  # 6 changes + at most 6 reads + a few
        assert not [e for e in logs if e["event"] in ("overloaded", "queue.line_read_failed")]
    finally:
        await small.dispose()


# --- access ending --------------------------------------------------------------------------

@contextlib.asynccontextmanager
async def streaming(api, serving, url: str, headers: dict | None = None):  # type: ignore[no-untyped-def]
    """``url`` streamed from the app on a real port, past its snapshot: (client, lines)."""
    async with serving(api.app) as base, httpx.AsyncClient(base_url=base, timeout=30) as client, \
            client.stream("GET", url, headers=headers) as stream:
        lines = stream.aiter_lines()
        assert (await next_event(lines))[0] == "snapshot"
        yield client, lines


async def ends_before_a_change(api, lines, cache) -> None:  # type: ignore[no-untyped-def]
    """With ``cache`` (revocations or signing keys) reloaded at once, not at its 2 s refresh,
    the line changes: the stream ends without that change."""
    cache._loaded_at = None
    await api.ticket("waiting", patient="other_patient")
    async with asyncio.timeout(10):
        after = await rest(lines)
    assert not any(line.startswith("event: ") for line in after), after


async def test_a_stream_opened_before_logout_ends_after_it(api, serving) -> None:
    patient, url = api.ids["patient"], STREAM.format(api.ids["doctor"])
    await listening(api.app)  # no re-send when it starts listening
    async with streaming(api, serving, url, api.headers["patient"]) as (client, lines):
        await api.world.consumer(Envelope.of(SessionsRevoked(
            user_id=patient, not_before=datetime.now(UTC) + timedelta(seconds=5),
            reason="logout")))
        await ends_before_a_change(api, lines, api.app.state.revocations)
        assert (await client.get(url, headers=api.headers["patient"])).status_code == 401


async def test_a_stream_ends_when_auth_retires_its_signing_key(api, serving) -> None:
    await listening(api.app)
    async with streaming(api, serving, STREAM.format(api.ids["doctor"]),
                         api.headers["patient"]) as (_, lines):
        await api.world.consumer(Envelope.of(SigningKeyRotated(
            kid="next", previous_kid="between", retired_kids=[api.tokens.kid])))
        await ends_before_a_change(api, lines, api.app.state.signing_keys)


async def test_a_stream_ends_when_its_access_token_expires(api, serving) -> None:
    async with streaming(api, serving, STREAM.format(api.ids["doctor"]),
                         bearer(api, expires_in=2)) as (_, lines):
        async with asyncio.timeout(10):
            await rest(lines)


async def test_a_display_stream_ends_when_its_link_expires(api, serving) -> None:
    made = await api.call("receptionist", "POST", "/displays",
                          json={"doctor_ids": [str(api.ids["doctor"])], "hours": 1})
    url = made.json()["url"].replace("/display?", "/display/stream?")
    async with streaming(api, serving, url) as (client, lines):
        await until_event(lines, "heartbeat")
        api.clock.advance(hours=1, seconds=1)
        async with asyncio.timeout(10):
            await rest(lines)
        assert (await client.get(url)).status_code == 403


# --- clients that leave ---------------------------------------------------------------------

async def test_a_client_leaving_mid_read_cancels_nothing_and_logs_no_error(
        api, serving, db, caplog, monkeypatch) -> None:
    """Two streams of a line wait for its read, held in Postgres by a lock; one client goes
    (its response is cancelled mid-read). The read goes on for the other, which gets it: one
    read, no error logged, and the leaver's subscription and slot are given back."""
    doctor, leaver = api.ids["doctor"], uuid.uuid4()
    await api.ticket("waiting")
    reads = count_snapshot_reads(api, monkeypatch)
    await listening(api.app)
    watchers = api.app.state.line_watcher._subscribers
    with no_error_logs(caplog):
        async with serving(api.app) as base, httpx.AsyncClient(
                base_url=base, timeout=30) as client, db.connect() as locker:
            await locker.execute(sa.text("LOCK TABLE queue.tickets IN ACCESS EXCLUSIVE MODE"))
            async with client.stream("GET", STREAM.format(doctor),
                                     headers=api.headers["patient"]) as staying:
                stays = staying.aiter_lines()
                assert await anext(stays) == "retry: 3000"
                async with client.stream("GET", STREAM.format(doctor),
                                         headers=bearer(api, leaver)) as leaving:
                    assert await anext(leaving.aiter_lines()) == "retry: 3000"
                    await asyncio.sleep(0.5)  # both wait for the line's read
                await eventually(lambda: len(watchers.get(doctor, ())) == 1, timeout=10)
                await locker.rollback()  # the read goes on
                kind, board = await next_event(stays)
                assert (kind, board["waiting"]) == ("snapshot", 1)
                assert reads[doctor] == 1
    assert api.app.state.stream_limits.open(f"user:{leaver}") == 0


async def test_a_client_gone_mid_stream_is_no_error_for_the_server(api, caplog) -> None:
    """Servers on ASGI 2.4 report a closed client by failing ``send`` (OSError): the stream
    ends there, quietly. (Starlette turns it into ClientDisconnect, which a server logs as
    "Exception in ASGI application" with a traceback if it reaches it.)"""
    doctor = api.ids["doctor"]
    token = api.headers["patient"]["Authorization"].encode()
    scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"},
             "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": STREAM.format(doctor), "raw_path": STREAM.format(doctor).encode(),
             "root_path": "", "query_string": b"", "headers": [(b"authorization", token)],
             "client": ("127.0.0.1", 50000), "server": ("hms", 80)}
    sent: list[dict] = []

    async def receive() -> dict:
        await asyncio.Event().wait()  # the client says nothing more
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.body" and len(sent) >= 2:
            raise OSError("the client closed the connection")
        sent.append(message)

    with no_error_logs(caplog):
        async with asyncio.timeout(10):
            await api.app(scope, receive, send)  # returns: nothing raised to the server
    assert sent[0]["status"] == 200
    assert not api.app.state.line_watcher._subscribers.get(doctor)
    assert api.app.state.stream_limits.open(f"user:{api.ids['patient']}") == 0
