"""Events leave with their state change, and only then; the relay can publish them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hms_auth import bootstrap
from hms_auth.adapters.keys import KeyCipher
from hms_auth.adapters.orm import OUTBOX
from hms_auth.adapters.unit_of_work import SqlAuthUnitOfWork
from hms_auth.service_layer import commands as c
from hms_contracts.envelope import Envelope
from hms_contracts.registry import parse_payload
from hms_platform.messaging.memory import InMemoryBus
from hms_platform.outbox import OutboxRelay
from hms_platform.testing.polling import eventually


async def rows(engine, sql: str) -> list[object]:
    async with engine.connect() as conn:
        return list((await conn.execute(sa.text(sql))).scalars())


async def test_registration_writes_the_user_and_its_event_together(db_bus, auth_engine) -> None:
    user = await db_bus.handle(c.RegisterPatient("0712345678", "password-1", "Amina",
                                                 email="amina@example.com"))
    [body] = await rows(auth_engine, "SELECT body FROM auth.outbox")
    assert await rows(auth_engine, "SELECT id FROM auth.users") == [user.id]
    assert body["name"] == "auth.user_registered.v1" and body["producer"] == "auth"
    assert body["payload"] == {
        "user_id": str(user.id), "role": "patient", "full_name": "Amina",
        "phone_number": "+254712345678", "email": "amina@example.com",
        "department": None, "room": None}


class FailingCommit(SqlAuthUnitOfWork):
    """Writes the outbox rows, then fails before COMMIT, as a crash or a lost connection
    would."""

    async def commit(self) -> None:
        pending = self.recorder.collect()
        if not pending:  # a throttle count before the state change: let it through
            await super().commit()
            return
        await OUTBOX.insert(self.connection, pending)
        raise ConnectionError("lost before commit")


async def test_a_failed_transaction_leaves_neither_the_user_nor_the_event(
        auth_engine, settings, make_db_bus) -> None:
    real = await make_db_bus()
    cipher = KeyCipher.from_base64(settings.key_encryption_key.get_secret_value())
    failing = bootstrap.bootstrap(
        lambda: FailingCommit(auth_engine, cipher), hasher=real.dependency("hasher"),
        contacts=real.dependency("contacts"), signer=real.dependency("signer"),
        new_key=real.dependency("new_key"), clock=real.dependency("clock"),
        policy=real.dependency("policy"), sealer=real.dependency("sealer"))
    with pytest.raises(ConnectionError):
        await failing.handle(c.RegisterPatient("0712345678", "password-1", "Amina"))
    assert await rows(auth_engine, "SELECT count(*) FROM auth.users") == [0]
    assert await rows(auth_engine, "SELECT count(*) FROM auth.outbox") == [0]


async def test_no_event_carries_a_password_or_a_hash(db_bus, auth_engine) -> None:
    await db_bus.handle(c.RegisterPatient("0712345678", "Sup3r-Secret-PW", "Amina"))
    await db_bus.handle(c.SignIn("0712345678", "Sup3r-Secret-PW", "10.0.0.1"))
    for bad in ("nobody-at-all", "0712345678"):
        with pytest.raises(Exception, match="Incorrect"):
            await db_bus.handle(c.SignIn(bad, "Sup3r-Secret-PX", "10.0.0.1"))
    bodies = " ".join(str(b) for b in await rows(auth_engine, "SELECT body FROM auth.outbox"))
    assert "Sup3r-Secret" not in bodies and "argon2" not in bodies
    assert "nobody-at-all" not in bodies and "n***" in bodies  # usernames are masked


async def test_the_relay_publishes_every_auth_event_as_its_contract(db_bus, auth_engine) -> None:
    user = await db_bus.handle(c.RegisterPatient("0712345678", "password-1", "Amina"))
    pair = await db_bus.handle(c.SignIn("0712345678", "password-1", "10.0.0.1"))
    await db_bus.handle(c.RefreshSession(pair.refresh_token))
    with pytest.raises(Exception, match="refresh token"):
        await db_bus.handle(c.RefreshSession(pair.refresh_token))
    await db_bus.handle(c.UpdateUser(user.id, {"full_name": "Amina W"}))
    await db_bus.handle(c.UpdateUser(user.id, {"active": False}))

    received: list[Envelope] = []

    async def collect(envelope: Envelope) -> None:
        received.append(envelope)

    bus = InMemoryBus()
    await bus.subscribe("reporting.events", ["auth.#"], collect)
    assert await OutboxRelay(auth_engine, OUTBOX, bus, listen=False).run_once() == 6
    await eventually(lambda: len(received) >= 6, timeout=5, interval=0.01)
    await bus.close()
    assert [e.name for e in received] == [
        "auth.user_registered.v1", "auth.login_succeeded.v1",
        "auth.refresh_token_reuse_detected.v1", "auth.user_updated.v1",
        "auth.sessions_revoked.v1", "auth.user_deactivated.v1"]
    payloads = [parse_payload(e) for e in received]  # every one is a valid contract event
    assert payloads[3].changed == ["full_name"]  # type: ignore[attr-defined]
    assert await rows(auth_engine, "SELECT count(*) FROM auth.outbox "
                                   "WHERE published_at IS NULL") == [0]
