"""SqlUnitOfWork over a fake engine and connection: rollback unless committed, events written
with the commit; the outbox, inbox and relay SQL compiled for PostgreSQL."""

import json
from types import SimpleNamespace
from typing import Any, cast

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from hms_contracts.envelope import Envelope
from hms_platform.db import SqlUnitOfWork
from hms_platform.outbox.relay import OutboxRelay
from hms_platform.outbox.tables import OutboxTables


class FakeConnection:
    """Records the calls SqlUnitOfWork makes, in order, into the engine's shared log."""

    def __init__(self, log: list[tuple[str, Any, Any]], row: object) -> None:
        self.log, self.row = log, row
        self.fail_commit = False

    async def execute(self, stmt: Any, params: Any = None) -> Any:
        self.log.append(("execute", stmt, params))
        return SimpleNamespace(first=lambda: self.row)  # a Result, as far as the UoW looks

    async def commit(self) -> None:
        self.log.append(("commit", None, None))
        if self.fail_commit:
            raise ConnectionError("database went away")

    async def rollback(self) -> None:
        self.log.append(("rollback", None, None))

    async def close(self) -> None:
        self.log.append(("close", None, None))

    async def start(self) -> "FakeConnection":
        return self


class FakeEngine:
    """``connect()`` hands out a new fake connection, as the pool would."""

    def __init__(self, row: object = None) -> None:
        self.log: list[tuple[str, Any, Any]] = []
        self.row = row
        self.connections = 0

    def connect(self) -> FakeConnection:
        self.connections += 1
        return FakeConnection(self.log, self.row)

    def kinds(self) -> list[str]:
        return [kind for kind, _, _ in self.log]

    def outbox_inserts(self, tables: OutboxTables) -> list[list[str]]:
        """The event names of each outbox insert (rows as a JSON array, then NOTIFY), in
        order."""
        return [[row["name"] for row in json.loads(params["rows"])]
                for kind, stmt, params in self.log
                if kind == "execute" and 'INSERT INTO "svc".outbox' in sql(stmt)]


PG = postgresql.dialect()


def sql(stmt: Any) -> str:
    return " ".join(str(stmt.compile(dialect=PG)).split())


def event(name: str = "auth.user_registered.v1") -> Envelope:
    return Envelope(name=name, producer="auth", payload={}, correlation_id="corr-1")


@pytest.fixture
def tables() -> OutboxTables:
    return OutboxTables(sa.MetaData(), "svc")


def make_uow(factory: FakeEngine, tables: OutboxTables) -> SqlUnitOfWork:
    return SqlUnitOfWork(cast(Any, factory), tables)


async def test_leaving_without_commit_rolls_back_and_writes_nothing(tables: OutboxTables) -> None:
    factory = FakeEngine()
    async with make_uow(factory, tables) as uow:
        uow.add_event(event())
    assert factory.kinds() == ["rollback", "close"]
    assert not uow.committed


async def test_exception_in_block_rolls_back_and_propagates(tables: OutboxTables) -> None:
    factory = FakeEngine()
    with pytest.raises(LookupError):
        async with make_uow(factory, tables) as uow:
            uow.add_event(event())
            raise LookupError("no such slot")
    assert factory.kinds() == ["rollback", "close"]


async def test_commit_writes_outbox_then_notifies_then_commits(tables: OutboxTables) -> None:
    factory, envelope = FakeEngine(), event()
    async with make_uow(factory, tables) as uow:
        uow.add_event(envelope)
        await uow.commit()
    # one statement, before the commit: the rows (id, created_at and the rest from server
    # defaults) in a data-modifying CTE, then NOTIFY, which Postgres delivers at commit
    assert factory.kinds() == ["execute", "commit", "rollback", "close"]
    (_, written, params) = factory.log[0]
    compiled = sql(written)
    assert compiled.startswith('WITH written AS ( INSERT INTO "svc".outbox '
                               "(event_id, name, body, correlation_id) SELECT ")
    assert "SELECT pg_notify(" in compiled.split("RETURNING id )")[1]
    assert json.loads(params["rows"]) == [
        {"event_id": str(envelope.event_id), "name": envelope.name,
         "body": envelope.model_dump(mode="json"), "correlation_id": "corr-1"}]
    assert params["channel"] == "hms_outbox_svc"
    assert written is tables.insert_statement  # built once: compiled once per engine
    assert uow.committed


async def test_failed_commit_propagates_and_rolls_back(tables: OutboxTables) -> None:
    factory = FakeEngine()
    with pytest.raises(ConnectionError):
        async with make_uow(factory, tables) as uow:
            cast(Any, uow.connection).fail_commit = True
            uow.add_event(event())
            await uow.commit()
    assert factory.kinds()[-2:] == ["rollback", "close"]
    assert not uow.committed


async def test_events_are_not_carried_into_the_next_commit(tables: OutboxTables) -> None:
    factory = FakeEngine()
    async with make_uow(factory, tables) as uow:
        uow.add_event(event("a.first.v1"))
        await uow.commit()
        uow.add_event(event("a.second.v1"))
        await uow.commit()
        await uow.commit()
    assert factory.outbox_inserts(tables) == [["a.first.v1"], ["a.second.v1"]]
    assert factory.kinds().count("commit") == 3


async def test_rollback_discards_pending_events(tables: OutboxTables) -> None:
    factory = FakeEngine()
    async with make_uow(factory, tables) as uow:
        uow.add_event(event("a.dropped.v1"))
        await uow.rollback()
        uow.add_event(event("a.kept.v1"))
        await uow.commit()
    assert factory.outbox_inserts(tables) == [["a.kept.v1"]]


@pytest.mark.parametrize(("row", "claimed"), [((1,), True), (None, False)])
async def test_claim_inbox_delegates_to_the_tables(
    tables: OutboxTables, row: object, claimed: bool
) -> None:
    factory, envelope = FakeEngine(row), event()
    async with make_uow(factory, tables) as uow:
        assert await uow.claim_inbox("notifier", envelope) is claimed
    _, stmt, params = factory.log[0]
    assert (params["consumer"], params["event_id"], params["name"]) == (
        "notifier", envelope.event_id, envelope.name)
    claim_sql = sql(stmt)
    assert claim_sql.startswith("INSERT INTO svc.inbox (consumer, event_id, name) VALUES")
    assert claim_sql.endswith("ON CONFLICT DO NOTHING RETURNING svc.inbox.event_id")


def test_relay_claims_unpublished_rows_with_skip_locked(tables: OutboxTables) -> None:
    relay = OutboxRelay(cast(Any, None), tables, cast(Any, None), batch_size=7)
    query = relay.claim_query()
    text = sql(query)
    assert "svc.outbox.published_at IS NULL" in text
    assert "svc.outbox.next_attempt_at <= now()" in text
    assert "ORDER BY svc.outbox.id" in text
    assert text.endswith("FOR UPDATE SKIP LOCKED")
    assert 7 in query.compile(dialect=PG).params.values()
    assert "svc.outbox.id >" not in text  # never "ids above the last one seen"


async def test_a_nested_block_joins_the_outer_transaction(tables: OutboxTables) -> None:
    factory = FakeEngine()
    uow = make_uow(factory, tables)
    async with uow:
        outer = uow.connection
        async with uow:  # a handler opening the consumer's unit of work again
            assert uow.connection is outer
        assert [c[0] for c in factory.log] == []  # the inner exit neither rolled back nor closed
        await uow.commit()
    assert factory.connections == 1
    assert [c[0] for c in factory.log] == ["commit", "rollback", "close"]


async def test_an_exception_in_a_nested_block_rolls_back_the_outer_one(
    tables: OutboxTables,
) -> None:
    factory = FakeEngine()
    uow = make_uow(factory, tables)
    with pytest.raises(RuntimeError):
        async with uow, uow:
            raise RuntimeError("handler failed")
    assert [c[0] for c in factory.log] == ["rollback", "close"]
    async with uow:  # and the unit of work is usable again afterwards
        pass
    assert [c[0] for c in factory.log][-2:] == ["rollback", "close"]
