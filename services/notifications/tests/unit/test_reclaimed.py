"""A message a killed sender left ``sending`` is looked for at the provider before it goes out
again (over fakes): found -> recorded sent with the provider's id, not sent; not found, or the
provider cannot be asked -> sent; a copy recorded for another message (the same text to the same
person) or claimed by another of the batch is not this one's; the normal path asks nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from hms_contracts.queue import PatientCalled
from hms_notifications.bootstrap import bootstrap
from hms_notifications.domain import model as m
from hms_notifications.domain.delivery import Outcome, RetryPolicy
from hms_notifications.domain.templates import Rendered
from hms_notifications.service_layer import commands as c
from hms_platform.testing.modules import load_beside

FAKES = load_beside(__file__, "../fakes.py", "hms_notifications_test_fakes")
LEASE = timedelta(seconds=2)  # the fake bus's (unit/conftest.py)


class Killed(BaseException):
    """The sender process dies here: nothing after it runs, nothing is recorded."""


class Dying:
    """Hands the first ``hand_over`` messages to the provider, then the sender is killed
    (before hearing back, or before the provider took the next one)."""

    name = "sms"

    def __init__(self, provider: object, hand_over: int) -> None:
        self.provider, self.hand_over = provider, hand_over

    async def send(self, address: str | tuple[str, ...], text: Rendered,
                   message: m.Message) -> Outcome:
        if self.hand_over > 0:
            self.hand_over -= 1
            await self.provider.send(address, text, message)  # type: ignore[attr-defined]
        raise Killed


@pytest.fixture
def twilio(fake):  # type: ignore[no-untyped-def]
    fake.store.prefs[fake.patient] = m.Preferences(fake.patient, frozenset({"sms"}))
    fake.channels["sms"] = FAKES.FakeTwilio(fake.clock)
    return fake.channels["sms"]


async def called(fake, ticket: uuid.UUID | None = None) -> None:  # type: ignore[no-untyped-def]
    """A turn_now SMS; every ticket's says the same ("ticket 12 ... room 3")."""
    await fake.bus.handle(PatientCalled(
        ticket_id=ticket or uuid.uuid4(), number=12, patient_id=fake.patient,
        doctor_id=uuid.uuid4(), room="3", called_at=fake.clock.now()), uow=fake.uow())


async def dead_sender(fake, twilio, hand_over: int) -> None:  # type: ignore[no-untyped-def]
    bus = bootstrap(fake.uow, clock=fake.clock, rules=fake.rules,
                    channels={"sms": Dying(twilio, hand_over)}, policy=RetryPolicy(),
                    rand=lambda: 0.0, lease=LEASE)
    await bus.handle(c.SendDue())
    assert {x.status for x in fake.store.of()} == {m.SENDING}


def sent_events(fake) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    return [(e.name, e.payload["attempts"]) for e in fake.store.published]


async def test_taken_before_the_sender_died_is_recorded_not_sent_again(fake, twilio) -> None:  # type: ignore[no-untyped-def]
    await called(fake)
    await dead_sender(fake, twilio, hand_over=1)
    [(_, _, _, sid)] = twilio.taken
    fake.clock.advance(seconds=1)
    assert await fake.bus.handle(c.SendDue()) == 0  # still leased to the dead sender
    fake.clock.advance(seconds=1)
    assert await fake.bus.handle(c.SendDue()) == 1
    [row] = fake.store.of()
    assert (row.status, row.provider_id, row.attempts) == (m.SENT, sid, 2)
    assert row.body == "HMS: ticket 12, it is your turn. Please go to room 3 now."
    assert len(twilio.taken) == 1  # not sent again
    [(to, body, since)] = twilio.lookups
    assert (to, body, since) == ("+254700000001", row.body, row.due_at - timedelta(seconds=2))
    assert sent_events(fake) == [("notifications.notification_sent.v1", 2)]


async def test_not_taken_is_sent(fake, twilio) -> None:  # type: ignore[no-untyped-def]
    await called(fake)
    await dead_sender(fake, twilio, hand_over=0)  # killed before the provider took it
    fake.clock.advance(seconds=2)
    await fake.bus.handle(c.SendDue())
    [row] = fake.store.of()
    assert len(twilio.lookups) == 1 and len(twilio.taken) == 1
    assert (row.status, row.provider_id) == (m.SENT, twilio.taken[0][3])


async def test_a_provider_that_cannot_be_asked_gets_it_again(fake, twilio) -> None:  # type: ignore[no-untyped-def]
    await called(fake)
    await dead_sender(fake, twilio, hand_over=1)
    twilio.lookup_fails = True
    fake.clock.advance(seconds=2)
    await fake.bus.handle(c.SendDue())
    [row] = fake.store.of()
    assert len(twilio.lookups) == 1
    assert len(twilio.taken) == 2  # a double rather than a loss
    assert (row.status, row.provider_id) == (m.SENT, twilio.taken[1][3])


async def test_the_normal_path_asks_nothing(fake, twilio) -> None:  # type: ignore[no-untyped-def]
    await called(fake)
    await fake.bus.handle(c.SendDue())
    assert fake.store.of()[0].status == m.SENT
    assert twilio.lookups == [] and len(twilio.taken) == 1


async def test_the_same_text_recorded_for_another_message_is_not_this_ones(fake, twilio) -> None:  # type: ignore[no-untyped-def]
    first = uuid.uuid4()
    await called(fake, first)
    await dead_sender(fake, twilio, hand_over=0)  # the first ticket's SMS: never left
    await called(fake)  # the second ticket's: the same text, sent and recorded
    assert await fake.bus.handle(c.SendDue()) == 1
    fake.clock.advance(seconds=2)
    assert await fake.bus.handle(c.SendDue()) == 1
    rows = fake.store.of()
    assert len(twilio.lookups) == 1 and len(twilio.taken) == 2  # found, but someone else's
    assert {x.status for x in rows} == {m.SENT}
    assert sorted(x.provider_id for x in rows) == sorted(t[3] for t in twilio.taken)


async def test_one_copy_at_the_provider_answers_for_one_message_of_a_batch(fake, twilio) -> None:  # type: ignore[no-untyped-def]
    await called(fake)
    await called(fake)  # two tickets, the same text
    await dead_sender(fake, twilio, hand_over=1)  # one taken, then killed
    fake.clock.advance(seconds=2)
    assert await fake.bus.handle(c.SendDue()) == 2
    rows = fake.store.of()
    assert len(twilio.lookups) == 2 and len(twilio.taken) == 2  # the other one sent
    assert {x.status for x in rows} == {m.SENT}
    assert sorted(x.provider_id for x in rows) == sorted(t[3] for t in twilio.taken)


async def test_a_channel_that_cannot_be_asked_sends_again(fake) -> None:  # type: ignore[no-untyped-def]
    """Email and push have no list to ask: a reclaimed one goes out again (README)."""
    fake.store.prefs[fake.patient] = m.Preferences(fake.patient, frozenset({"sms"}))
    plain = FAKES.FakeChannel("sms")
    fake.channels["sms"] = plain
    await called(fake)
    await dead_sender(fake, plain, hand_over=1)
    fake.clock.advance(seconds=2)
    await fake.bus.handle(c.SendDue())
    assert len(plain.sent) == 2 and fake.store.of()[0].status == m.SENT
