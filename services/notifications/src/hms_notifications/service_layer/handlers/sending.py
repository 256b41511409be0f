"""The sender: claim due messages under a lease, send them outside any transaction, record each
outcome (only while the lease is still ours). A sender killed between the claim and the record
leaves the row ``sending``; once the lease ends another sender claims it again, and asks the
provider first whether it took the message already (lookup.py). What a message says of a
booking is checked again at send time against the appointment's tombstone."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import structlog

from hms_notifications.domain import model as m
from hms_notifications.domain.delivery import (
    Failed,
    Outcome,
    Retry,
    RetryPolicy,
    Sent,
    Undeliverable,
)
from hms_notifications.domain.events import NotificationFailed, NotificationSent
from hms_notifications.domain.templates import Rendered, as_logged, render
from hms_notifications.service_layer.commands import SendDue
from hms_notifications.service_layer.handlers.lookup import taken_already
from hms_notifications.service_layer.ports import Channel, UnitOfWork
from hms_platform.clock import Clock
from hms_platform.sealing import Sealer, SealingError

log = structlog.get_logger(__name__)


class Skip(Exception):
    """Nothing to send to: no contact, deactivated, no address, channel off."""


class Void(Exception):
    """What it speaks of no longer holds (the appointment was cancelled, or moved): cancelled."""


async def send_due(cmd: SendDue, uow: UnitOfWork, new_uow: Callable[[], UnitOfWork],
                   clock: Clock, channels: Mapping[str, Channel], policy: RetryPolicy,
                   lease: timedelta, sealer: Sealer | None, rand: Callable[[], float],
                   clinic_tz: Any) -> int:
    token = uuid.uuid4()
    now = clock.now()
    async with uow:
        claimed = await uow.messages.claim_due(now, now + lease, cmd.batch_size, token)
        if not claimed:  # the poll's usual answer: nothing more to read
            await uow.commit()
            return 0
        # The recipients' contact details, preferences and devices in one read
        people = (await uow.planning.read(list({msg.recipient_id for msg in claimed}))).people
        marks = await uow.appointments.get_many(list(
            {msg.subject_id for msg in claimed
             if msg.kind in m.ABOUT_A_BOOKING and msg.subject_id is not None}))
        await uow.commit()
    contacts = {user: contact for user, (contact, _) in people.items() if contact is not None}
    prefs = {user: preferences for user, (_, preferences) in people.items()}

    found_in_batch: set[str] = set()  # provider ids this batch's reclaimed messages took

    async def one(msg: m.Message) -> None:
        contact = contacts.get(msg.recipient_id)
        try:
            mark = marks.get(msg.subject_id) if msg.subject_id is not None else None
            why = mark.voids(msg) if mark is not None else None
            if why is not None:
                raise Void(why)
            address, text, logged = _prepare(msg, contact, prefs[msg.recipient_id], channels,
                                             sealer, clinic_tz, now)
            msg.subject, msg.body = logged.title or None, logged.body
            channel = channels[msg.channel]
            outcome: Outcome | Skip | Void | None = await taken_already(
                msg, channel, address, text, new_uow, found_in_batch)
            if outcome is None:
                outcome = await channel.send(address, text, msg)
        except (Skip, Void) as nothing:
            outcome = nothing
        except Exception as error:  # a bug or an unforeseen client error: try again later
            log.warning("notification.send_error", channel=msg.channel,
                        error=type(error).__name__)
            outcome = Retry(type(error).__name__)
        await _recorded(msg, outcome, token, new_uow, clock, policy, rand, contact, lease)

    # A record that still fails when the lease nears its end leaves its row claimed: it is
    # sent again once the lease ends. The others are recorded all the same.
    for failure in await asyncio.gather(*(one(msg) for msg in claimed), return_exceptions=True):
        if isinstance(failure, BaseException):
            log.warning("notification.record_failed", error=type(failure).__name__)
    return len(claimed)


def _prepare(msg: m.Message, contact: m.Contact | None, prefs: m.Preferences,
             channels: Mapping[str, Channel], sealer: Sealer | None, tz: Any, now: datetime,
             ) -> tuple[str | tuple[str, ...], Rendered, Rendered]:
    """The address, the text to send and the text to log (its code masked)."""
    if m.too_late(msg, now):
        raise Skip("too late: its moment has passed")
    if contact is None:
        raise Skip("no contact details")
    if not contact.active:
        raise Skip("user deactivated")
    if msg.channel not in channels:
        raise Skip(f"{msg.channel} channel off")
    address: str | tuple[str, ...] | None = {
        m.SMS: contact.phone_number, m.EMAIL: contact.email, m.PUSH: prefs.devices or None,
    }[msg.channel]
    if address is None:
        raise Skip(f"no {msg.channel} address")
    code = None
    if msg.kind in m.CODE_KINDS:
        if sealer is None:
            raise Skip("no code key configured")
        try:
            purpose = m.CODE_PURPOSES[msg.kind]
            code = sealer.open(msg.params["sealed_code"], f"{purpose}:{msg.recipient_id}")
        except (SealingError, KeyError):
            raise Skip("the code does not open with this key") from None
    return (address, render(msg.kind, msg.channel, msg.params, tz, name=contact.full_name,
                            code=code),
            as_logged(msg.kind, msg.channel, msg.params, tz, name=contact.full_name))


async def _recorded(msg: m.Message, outcome: Outcome | Skip | Void, token: uuid.UUID,
                    new_uow: Callable[[], UnitOfWork], clock: Clock, policy: RetryPolicy,
                    rand: Callable[[], float], contact: m.Contact | None,
                    lease: timedelta) -> None:
    """Record the outcome, again while the database is away (restarting, failing over) for up
    to half the lease: a message the provider took and nobody recorded is sent again once the
    lease ends. Safe to repeat: the record holds only while the claim is still ours."""
    loop = asyncio.get_running_loop()
    deadline, pause = loop.time() + lease.total_seconds() / 2, 0.1
    while True:
        try:
            await _record(msg, outcome, token, new_uow(), clock, policy, rand, contact)
            return
        except Exception as error:
            if loop.time() + pause > deadline:
                raise
            log.warning("notification.record_retried", notification_id=str(msg.id),
                        error=type(error).__name__)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 2.0)


async def _record(msg: m.Message, outcome: Outcome | Skip | Void, token: uuid.UUID,
                  uow: UnitOfWork,
                  clock: Clock, policy: RetryPolicy, rand: Callable[[], float],
                  contact: m.Contact | None) -> None:
    now = clock.now()
    event: type[NotificationSent] | type[NotificationFailed] | None = None
    fallback: m.Message | None = None
    if isinstance(outcome, Sent):
        msg.status, msg.sent_at, msg.provider_id = m.SENT, now, outcome.provider_id
        msg.last_error, event = None, NotificationSent
    elif isinstance(outcome, Skip):
        msg.status, msg.last_error = m.SKIPPED, str(outcome)
    elif isinstance(outcome, Void):
        msg.status, msg.last_error = m.CANCELLED, str(outcome)
    elif isinstance(outcome, Retry):
        delay = policy.delay(msg.attempts, outcome.retry_after, rand)
        msg.last_error = outcome.reason
        if delay is None:
            msg.status, event = m.FAILED, NotificationFailed
        else:
            msg.status, msg.due_at = m.PENDING, now + delay
    elif isinstance(outcome, Failed):
        msg.status, msg.last_error, event = m.FAILED, outcome.reason, NotificationFailed
    else:  # Undeliverable push: SMS instead
        msg.status, event = m.FAILED, NotificationFailed
        msg.last_error = f"{outcome.reason}; sms instead"
        if contact is not None and contact.phone_number:
            fallback = m.Message(uuid.uuid4(), msg.recipient_id, msg.kind, m.SMS, msg.dedup_key,
                                 now, now, msg.subject_id, dict(msg.params),
                                 destination=m.destination(m.SMS, contact))
    async with uow:
        if not await uow.messages.finish(msg, token):
            log.info("notification.lease_lost", notification_id=str(msg.id))
            return
        if isinstance(outcome, Sent | Undeliverable) and outcome.dead_tokens:
            await uow.preferences.drop_devices(outcome.dead_tokens)
        if fallback is not None:
            await uow.messages.add([fallback])
        if event is not None and msg.kind in m.KINDS:
            uow.emit(event(notification_id=msg.id, recipient_id=msg.recipient_id,
                           channel=msg.channel, kind=msg.kind, dedup_key=msg.dedup_key,
                           attempts=max(1, msg.attempts)))
        await uow.commit()
    log.info("notification.recorded", notification_id=str(msg.id), channel=msg.channel,
             kind=msg.kind, status=msg.status, attempts=msg.attempts, reason=msg.last_error)
