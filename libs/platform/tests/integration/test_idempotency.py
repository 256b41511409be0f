"""Idempotency keys on a service app over the demo schema (real Postgres): a replay gets the
first answer and changes nothing; another request under the key is 422; the same key in flight
is 409; the effect and its record commit together (a failure between them leaves neither);
keys belong to their caller and expire."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Annotated, Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import Depends, Request
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.auth.verifier import Principal
from hms_platform.db import SqlUnitOfWork
from hms_platform.domain_errors import Conflict
from hms_platform.idempotency import IdempotencyStore, idempotency_table
from hms_platform.outbox import OutboxTables
from hms_platform.web.app import create_service_app

TABLES = OutboxTables(sa.MetaData(), "demo")
KEYS = idempotency_table(sa.MetaData(), "demo")
ITEMS = "demo.items"


class Body(BaseModel):
    id: int
    name: str


class Taken(Conflict):
    pass


class Gate:
    """Holds a write inside its transaction until the test lets it go."""

    def __init__(self) -> None:
        self.inside, self.release = asyncio.Event(), asyncio.Event()
        self.closed = False


def make_app(engine: AsyncEngine, store: IdempotencyStore, gate: Gate) -> Any:
    app = create_service_app("demo", prefix="/api/demo", idempotency=store)

    async def who(request: Request) -> None:  # what get_principal leaves on request.state
        user = request.headers.get("x-test-user")
        if user:
            request.state.principal = Principal(uuid.UUID(user), "patient", {})

    @app.post("/api/demo/items", status_code=201, dependencies=[Depends(who)])
    async def add(body: Body, fail: Annotated[str | None, None] = None) -> dict[str, Any]:
        async with SqlUnitOfWork(engine, TABLES) as uow:
            await uow.connection.execute(sa.text(
                f"INSERT INTO {ITEMS} (id, name) VALUES (:id, :name)"),
                {"id": body.id, "name": body.name})
            if gate.closed:
                gate.inside.set()
                await gate.release.wait()
            if body.name == "taken":  # a domain refusal after the write: it is undone
                raise Taken("That name is taken.")
            if body.name == "crash":
                raise RuntimeError("boom")
            await uow.commit()
        reader = SqlUnitOfWork(engine, TABLES)
        reader.read_only = True
        async with reader:  # a read after the write, in the same request, sees it
            count = await reader.connection.scalar(sa.text(f"SELECT count(*) FROM {ITEMS}"))
        return {"id": body.id, "name": body.name, "items": count, "nonce": uuid.uuid4().hex}

    return app


@pytest.fixture
async def keyed(demo_engine: AsyncEngine) -> AsyncIterator[tuple[Any, IdempotencyStore, Gate]]:
    async with demo_engine.begin() as conn:
        await conn.run_sync(lambda c: KEYS.metadata.create_all(c, tables=[KEYS]))
        await conn.execute(sa.delete(KEYS))
    store = IdempotencyStore(demo_engine, KEYS, timedelta(hours=24))
    gate = Gate()
    yield make_app(demo_engine, store, gate), store, gate


def client(app: Any, address: str = "10.0.0.1") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 5000)),
                             base_url="http://test")


async def items(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(sa.text(f"SELECT count(*) FROM {ITEMS}")) or 0)


async def test_a_replay_gets_the_first_answer_and_changes_nothing(keyed, demo_engine) -> None:
    app, _, _ = keyed
    async with client(app) as http:
        first = await http.post("/api/demo/items", json={"id": 1, "name": "a"},
                                headers={"Idempotency-Key": "k-1"})
        again = await http.post("/api/demo/items", json={"id": 1, "name": "a"},
                                headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()  # the nonce too: not run again
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert again.headers["x-request-id"] != first.headers["x-request-id"]
    assert await items(demo_engine) == 1


async def test_without_a_key_every_write_runs(keyed, demo_engine) -> None:
    app, _, _ = keyed
    async with client(app) as http:
        assert (await http.post("/api/demo/items", json={"id": 1, "name": "a"})).status_code == 201
        again = await http.post("/api/demo/items", json={"id": 1, "name": "a"})
    assert again.status_code == 500  # the duplicate id: it ran again
    assert await items(demo_engine) == 1


async def test_another_request_under_the_same_key_is_422(keyed, demo_engine) -> None:
    app, _, _ = keyed
    async with client(app) as http:
        await http.post("/api/demo/items", json={"id": 1, "name": "a"},
                        headers={"Idempotency-Key": "k-1"})
        other = await http.post("/api/demo/items", json={"id": 2, "name": "b"},
                                headers={"Idempotency-Key": "k-1"})
    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert "different request" in other.json()["detail"]
    assert await items(demo_engine) == 1


async def test_the_same_key_twice_at_once_has_one_effect(keyed, demo_engine) -> None:
    app, _, gate = keyed
    gate.closed = True
    body, headers = {"id": 1, "name": "a"}, {"Idempotency-Key": "k-1"}
    async with client(app) as http:
        first = asyncio.create_task(http.post("/api/demo/items", json=body, headers=headers))
        await asyncio.wait_for(gate.inside.wait(), 10)
        second = await http.post("/api/demo/items", json=body, headers=headers)
        gate.release.set()
        answered = await first
        third = await http.post("/api/demo/items", json=body, headers=headers)
    assert second.status_code == 409, second.text
    assert "still being processed" in second.json()["detail"]
    assert answered.status_code == 201
    assert third.json() == answered.json()  # once the first finished: its answer
    assert await items(demo_engine) == 1


async def test_a_key_belongs_to_its_caller(keyed, demo_engine) -> None:
    app, _, _ = keyed
    amina, baraka = str(uuid.uuid4()), str(uuid.uuid4())
    async with client(app) as http:
        mine = await http.post("/api/demo/items", json={"id": 1, "name": "a"},
                               headers={"Idempotency-Key": "k-1", "x-test-user": amina})
        theirs = await http.post("/api/demo/items", json={"id": 2, "name": "b"},
                                 headers={"Idempotency-Key": "k-1", "x-test-user": baraka})
    assert theirs.status_code == 201 and "idempotent-replayed" not in theirs.headers
    assert theirs.json()["id"] == 2 != mine.json()["id"]
    async with client(app, "10.0.0.2") as elsewhere:  # anonymous, from another address
        anon = await elsewhere.post("/api/demo/items", json={"id": 3, "name": "c"},
                                    headers={"Idempotency-Key": "k-1"})
    assert anon.status_code == 201 and anon.json()["id"] == 3
    assert await items(demo_engine) == 3


async def test_a_refusal_records_nothing_and_its_write_is_undone(keyed, demo_engine) -> None:
    app, _, _ = keyed
    async with client(app) as http:
        first = await http.post("/api/demo/items", json={"id": 1, "name": "taken"},
                                headers={"Idempotency-Key": "k-1"})
        assert first.status_code == 409
        assert await items(demo_engine) == 0
        fixed = await http.post("/api/demo/items", json={"id": 1, "name": "taken"},
                                headers={"Idempotency-Key": "k-1"})
    assert fixed.status_code == 409 and "idempotent-replayed" not in fixed.headers  # ran again
    assert await items(demo_engine) == 0


async def test_a_server_error_records_nothing_and_the_retry_runs(keyed, demo_engine) -> None:
    app, _, _ = keyed
    async with client(app) as http:
        failed = await http.post("/api/demo/items", json={"id": 1, "name": "crash"},
                                 headers={"Idempotency-Key": "k-1"})
        assert failed.status_code == 500
        assert await items(demo_engine) == 0
        retried = await http.post("/api/demo/items", json={"id": 1, "name": "crash"},
                                  headers={"Idempotency-Key": "k-1"})
    assert retried.status_code == 500 and "idempotent-replayed" not in retried.headers


async def test_effect_and_record_commit_together(keyed, demo_engine, monkeypatch) -> None:
    """The record fails after the effect was written (as a crash between them would): the
    effect is gone too, and the retry applies it once."""
    app, store, _ = keyed
    real_save = store.save

    async def broken(*args: Any, **kwargs: Any) -> None:
        raise ConnectionResetError("the database went away")

    monkeypatch.setattr(store, "save", broken)
    body, headers = {"id": 1, "name": "a"}, {"Idempotency-Key": "k-1"}
    async with client(app) as http:
        assert (await http.post("/api/demo/items", json=body, headers=headers)).status_code >= 500
        assert await items(demo_engine) == 0
        monkeypatch.setattr(store, "save", real_save)
        retried = await http.post("/api/demo/items", json=body, headers=headers)
        replayed = await http.post("/api/demo/items", json=body, headers=headers)
    assert retried.status_code == 201 and replayed.json() == retried.json()
    assert await items(demo_engine) == 1


async def test_a_bad_key_is_400(keyed) -> None:
    app, _, _ = keyed
    async with client(app) as http:
        for key in (b"", b"has space", b"x" * 256, "é".encode()):
            answer = await http.post("/api/demo/items", json={"id": 1, "name": "a"},
                                     headers={b"Idempotency-Key": key})
            assert answer.status_code == 400, key
            assert answer.headers["content-type"] == "application/problem+json"


async def test_expired_keys_are_not_served_and_are_purged(keyed, demo_engine) -> None:
    app, store, _ = keyed
    async with client(app) as http:
        await http.post("/api/demo/items", json={"id": 1, "name": "a"},
                        headers={"Idempotency-Key": "k-1"})
        async with demo_engine.begin() as conn:
            await conn.execute(sa.update(KEYS).values(
                created_at=sa.func.now() - timedelta(hours=25)))
        fresh = await http.post("/api/demo/items", json={"id": 2, "name": "b"},
                                headers={"Idempotency-Key": "k-1"})
    assert fresh.status_code == 201 and fresh.json()["id"] == 2  # a new request
    async with demo_engine.begin() as conn:
        await conn.execute(sa.text(
            "INSERT INTO demo.idempotency_keys (caller, key, fingerprint, status, headers, "
            "body, created_at) VALUES ('x', 'old', 'f', 200, '[]', '', now() - interval '2d')"))
        assert await store.purge(conn) == 1
        assert await conn.scalar(sa.select(sa.func.count()).select_from(KEYS)) == 1
