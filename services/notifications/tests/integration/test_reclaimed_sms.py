"""An SMS a killed sender left ``sending`` is looked for in Twilio's Messages list (a local
server speaking the API, tests/twilio_server.py) before it goes out again: a sender process
SIGKILLed after Twilio took the message, then a second sender after the lease -> one SMS at
Twilio, recorded with its sid; killed before Twilio took it -> sent once; the list's filters,
paging and failures as the channel reads them."""

from __future__ import annotations

import asyncio
import signal
import sys
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from hms_contracts.queue import PatientCalled
from hms_notifications.adapters.channels.twilio_sms import TwilioChannel
from hms_notifications.domain.templates import Rendered
from hms_notifications.service_layer import commands as c

SID, TOKEN, FROM, TO = "AC" + "0" * 32, "twilio-auth-token", "+15005550006", "+254700000001"
TEXT = Rendered("", "HMS: ticket 12, it is your turn. Please go to room 3 now.")

# A sender whose SMS Twilio takes, and that is killed before it records the answer.
KILLED_AFTER_TAKEN = """
import asyncio, sys
from datetime import datetime, timedelta
from hms_notifications.adapters.channels.twilio_sms import TwilioChannel
from hms_notifications.adapters.unit_of_work import sql_uow_factory
from hms_notifications.bootstrap import bootstrap
from hms_notifications.config import NotificationsSettings
from hms_notifications.service_layer.commands import SendDue
from hms_platform.db import make_engine
from hms_platform.testing.clock import FakeClock

class TakenThenStuck:
    name = "sms"
    def __init__(self, twilio):
        self.twilio = twilio
    async def send(self, address, text, message):
        outcome = await self.twilio.send(address, text, message)
        print("taken", outcome.provider_id, flush=True)
        await asyncio.Event().wait()

async def main():
    url, now, twilio_url = sys.argv[1], datetime.fromisoformat(sys.argv[2]), sys.argv[3]
    settings = NotificationsSettings(environment="test", database_url=url)
    twilio = TwilioChannel(*sys.argv[4:7], base_url=twilio_url)
    bus = bootstrap(sql_uow_factory(make_engine(url, pool_size=2)), clock=FakeClock(now),
                    rules=settings.rules(), channels={"sms": TakenThenStuck(twilio)},
                    lease=timedelta(seconds=60))
    await bus.handle(SendDue())

asyncio.run(main())
"""


@pytest.fixture
async def channel(twilio):  # type: ignore[no-untyped-def]
    made = TwilioChannel(SID, TOKEN, FROM, base_url=twilio.url)
    yield made
    await made.close()


async def call(world) -> None:  # type: ignore[no-untyped-def]
    patient = await world.person(email=None)
    await world.deliver(PatientCalled(
        ticket_id=uuid.uuid4(), number=12, patient_id=patient, doctor_id=uuid.uuid4(),
        room="3", called_at=world.clock.now()))


async def test_killed_after_twilio_took_it_one_sms_after_the_lease(world, twilio, channel) -> None:  # type: ignore[no-untyped-def]
    await call(world)
    url = world.settings.database_url.get_secret_value()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", KILLED_AFTER_TAKEN, url, world.clock.now().isoformat(),
        twilio.url, SID, TOKEN, FROM, stdout=asyncio.subprocess.PIPE)
    try:
        assert process.stdout is not None
        line = (await process.stdout.readline()).split()
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    assert line[0] == b"taken"
    sid = line[1].decode()
    [row] = await world.messages()
    assert (row.status, row.attempts, row.provider_id) == ("sending", 1, None)
    bus = world.make_bus({"sms": channel})
    world.clock.advance(seconds=59)
    assert await bus.handle(c.SendDue()) == 0  # still leased to the dead sender
    world.clock.advance(seconds=1)
    assert await bus.handle(c.SendDue()) == 1
    assert len(twilio.requests) == 1  # one SMS at Twilio
    assert [(q["To"], q["From"]) for q in twilio.lookups] == [(TO, FROM)]
    [row] = await world.messages()
    assert (row.status, row.attempts, row.provider_id) == ("sent", 2, sid)
    [event] = await world.rows("SELECT body FROM notifications.outbox")
    assert event.body["name"] == "notifications.notification_sent.v1"


async def test_killed_before_twilio_took_it_sent_once(world, twilio, channel) -> None:  # type: ignore[no-untyped-def]
    await call(world)
    async with world.bus.uow_factory() as uow:  # a sender that claims and dies at once
        await uow.messages.claim_due(world.clock.now(), world.clock.now() + timedelta(seconds=60),
                                     10, uuid.uuid4())
        await uow.commit()
    world.clock.advance(seconds=60)
    assert await world.make_bus({"sms": channel}).handle(c.SendDue()) == 1
    assert len(twilio.lookups) == 1 and len(twilio.requests) == 1
    [row] = await world.messages()
    assert (row.status, row.provider_id) == ("sent", twilio.messages[0]["sid"])


async def test_the_list_as_the_channel_reads_it(twilio, channel) -> None:  # type: ignore[no-untyped-def]
    since = datetime.now(UTC) - timedelta(minutes=1)
    twilio.took(TO, FROM, TEXT.body, at=since - timedelta(minutes=5))  # before: not this one
    for i in range(70):  # a page and a half of other texts, newer than the match
        twilio.took(TO, FROM, f"HMS: other {i}")
    twilio.took("+254700000002", FROM, TEXT.body)  # another number
    twilio.took(TO, "+15005550007", TEXT.body)  # another sender
    twilio.queued = True
    queued = twilio.took(TO, FROM, TEXT.body)  # not sent yet: no date_sent
    twilio.queued = False
    for i in range(70):
        twilio.took(TO, FROM, f"HMS: later {i}")
    assert await channel.sent_since(TO, TEXT, since) == [queued["sid"]]
    assert len(twilio.lookups) == 3  # three pages of 50, newest first
    assert twilio.lookups[1]["PageToken"] and twilio.lookups[1]["Page"] == "1"
    twilio.messages[-71]["status"] = "failed"  # Twilio never sent it
    assert await channel.sent_since(TO, TEXT, since) == []


async def test_a_list_that_fails_raises(twilio, channel) -> None:  # type: ignore[no-untyped-def]
    twilio.list_script = [(500, {"code": 20500, "message": "Internal Server Error",
                                 "status": 500}, {})]
    with pytest.raises(Exception):  # noqa: B017 (any error: the sender then sends)
        await channel.sent_since(TO, TEXT, datetime.now(UTC))
    await twilio.stop()
    with pytest.raises(Exception):  # noqa: B017
        await channel.sent_since(TO, TEXT, datetime.now(UTC))
