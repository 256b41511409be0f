"""Events of appointments, queue and auth -> messages due in the log (README,
"Rules"). They run inside the consumer's unit of work; nothing is sent here: the sender process
sends what is due, so a slow provider never holds up the line of events.

Two guards before a message is added: an appointment's tombstone (cancelled, no-show, moved)
voids messages about its booking, whichever order the events came in; and the hourly cap per
recipient and address, counted under advisory locks in this same transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import structlog

from hms_contracts.appointments import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentNoShow,
    AppointmentRescheduled,
    NoShowPenaltyApplied,
)
from hms_contracts.auth import ActivationCodeIssued, PasswordResetIssued
from hms_contracts.queue import PatientCalled, TurnApproaching
from hms_notifications.domain import model as m
from hms_notifications.domain.errors import ContactNotYetKnown
from hms_notifications.domain.events import NotificationFailed
from hms_notifications.domain.model import Contact, Intent, Message
from hms_notifications.domain.rules import CAP_WINDOW, Rules
from hms_notifications.service_layer.ports import PlanningReads, UnitOfWork
from hms_platform.clock import Clock
from hms_platform.log_masking import mask_text

log = structlog.get_logger(__name__)
REMINDER = "appointment_reminder"


async def record_intents(uow: UnitOfWork, intents: Sequence[Intent], rules: Rules,
                         enabled: frozenset[str], clock: Clock,
                         read: PlanningReads | None = None) -> int:
    """Plan each intent for its recipient and add the messages (a key and channel already in
    the log is skipped: the same event again, or another replica, adds nothing). Messages that
    ``read.mark`` voids are added ``cancelled``, those over the hourly cap ``capped``: recorded
    with their reason, never sent. ``read``: what the handler read already (the recipients
    it lacks are read here, in one round trip). Returns how many rows were new."""
    if not intents:
        return 0
    missing = [u for u in dict.fromkeys(i.recipient_id for i in intents)
               if read is None or u not in read.people]
    people = dict(read.people) if read is not None else {}
    if missing:
        people.update((await uow.planning.read(missing)).people)
    planned: list[Message] = []
    for intent in intents:
        contact, prefs = people[intent.recipient_id]
        messages, skipped = rules.plan(intent, contact, prefs, enabled, clock.now())
        for reason in skipped:
            log.info("notification.channel_skipped", kind=intent.kind,
                     recipient_id=str(intent.recipient_id), reason=reason)
        planned.extend(messages)
    mark = read.mark if read is not None else None
    for msg in planned:
        why = mark.voids(msg) if mark is not None else None
        if why is not None:
            msg.status, msg.last_error = m.CANCELLED, why
            log.info("notification.void", kind=msg.kind, channel=msg.channel,
                     subject_id=str(msg.subject_id), reason=why)
    capped = await _cap(uow, planned, rules, clock, {u: c for u, (c, _) in people.items()})
    new = set(await uow.messages.add(planned))
    for msg in capped:
        # Reported like a failure, as capped (codes, the kinds outside the contract, are
        # never capped): reporting counts them apart.
        if msg.id in new and msg.kind in m.KINDS:
            uow.emit(NotificationFailed(
                notification_id=msg.id, recipient_id=msg.recipient_id, channel=msg.channel,
                kind=msg.kind, dedup_key=msg.dedup_key, attempts=1, reason="capped"))
    return len(new)


async def _cap(uow: UnitOfWork, planned: Sequence[Message], rules: Rules, clock: Clock,
               contacts: dict[uuid.UUID, Contact | None]) -> list[Message]:
    """Mark ``capped`` each pending message over its hourly cap, and return those. The counts
    are taken under advisory locks on every recipient and address involved (released at
    commit), so two replicas planning for one person at once count each other's messages:
    the locks in one round trip, then every group's count in one more."""
    counted = [x for x in planned if x.status == m.PENDING and x.kind not in m.UNCAPPED_KINDS]
    if not counted:
        return []
    await uow.messages.lock_recipients(
        [f"user:{x.recipient_id}" for x in counted]
        + [f"address:{x.destination}" for x in counted if x.destination])
    # One count a group (person, address, kind, channel), taken for its first message.
    firsts: dict[tuple[object, ...], Message] = {}
    for msg in counted:
        firsts.setdefault((msg.recipient_id, msg.destination, msg.kind, msg.channel), msg)
    counts = await uow.messages.count_recent(list(firsts.values()), clock.now() - CAP_WINDOW)
    already = dict(zip(firsts, counts, strict=True))
    capped = []
    for msg in counted:
        group = (msg.recipient_id, msg.destination, msg.kind, msg.channel)
        if not rules.capped(msg.kind, already[group]):
            already[group] += 1
            continue
        msg.status = m.CAPPED
        msg.last_error = (f"capped: {already[group]} {msg.kind} by {msg.channel} within the "
                          f"hour (at most {rules.max_per_recipient_hour})")
        capped.append(msg)
        log.warning("notification.capped", kind=msg.kind, channel=msg.channel,
                    recipient_id=str(msg.recipient_id),
                    to=_masked(msg.channel, contacts.get(msg.recipient_id)),
                    recent=already[group], limit=rules.max_per_recipient_hour)
    return capped


def _masked(channel: str, contact: Contact | None) -> str | None:
    """The address a message goes to, as logs may show it (+*********01, a***@example.org)."""
    if contact is None:
        return None
    address = {m.SMS: contact.phone_number, m.EMAIL: contact.email}.get(channel)
    return mask_text(address) if address else None


async def on_appointment_booked(event: AppointmentBooked, uow: UnitOfWork, rules: Rules,
                                enabled: frozenset[str], clock: Clock) -> None:
    """A cancellation, no-show or reschedule handled before this booking voids what it says."""
    await uow.appointments.lock(event.appointment_id)
    read = await uow.planning.read([event.patient_id, event.doctor_id], event.appointment_id)
    doctor, _ = read.people[event.doctor_id]
    intents = rules.booked(event.appointment_id, event.patient_id, event.start, clock.now(),
                           doctor.full_name if doctor else "")
    await record_intents(uow, intents, rules, enabled, clock, read)


async def on_appointment_rescheduled(event: AppointmentRescheduled, uow: UnitOfWork,
                                     rules: Rules, enabled: frozenset[str],
                                     clock: Clock) -> None:
    """The pending reminders go; new ones for the new start take their place (none if the
    appointment was cancelled meanwhile, whichever event came first)."""
    await uow.appointments.lock(event.appointment_id)
    await uow.appointments.moved(event.appointment_id, event.old_start)
    await uow.messages.cancel_pending(event.appointment_id, {REMINDER},
                                      "appointment rescheduled")
    patient = event.patient_id or await uow.messages.recipient_of(event.appointment_id)
    if patient is None:
        log.info("notification.reschedule_unknown", appointment_id=str(event.appointment_id))
        return
    intents = rules.reminders(event.appointment_id, patient, event.new_start, clock.now())
    if intents:
        await record_intents(uow, intents, rules, enabled, clock,
                             await uow.planning.read([patient], event.appointment_id))


async def on_appointment_cancelled(event: AppointmentCancelled, uow: UnitOfWork, rules: Rules,
                                   enabled: frozenset[str], clock: Clock) -> None:
    """Leaves a tombstone: a booking or reschedule event handled later plans no reminder."""
    await _close(uow, event.appointment_id, "cancelled")
    intents = rules.cancelled(event.appointment_id, event.patient_id, clock.now())
    await record_intents(uow, intents, rules, enabled, clock)


async def on_appointment_no_show(event: AppointmentNoShow, uow: UnitOfWork) -> None:
    await _close(uow, event.appointment_id, "no_show")


async def _close(uow: UnitOfWork, appointment_id: uuid.UUID, how: str) -> None:
    """The tombstone, and what is still pending about the booking is cancelled."""
    await uow.appointments.lock(appointment_id)
    await uow.appointments.close(appointment_id, how)
    await uow.messages.cancel_pending(appointment_id, m.ABOUT_A_BOOKING, m.closed_reason(how))


async def on_penalty_applied(event: NoShowPenaltyApplied, uow: UnitOfWork, rules: Rules,
                             enabled: frozenset[str], clock: Clock) -> None:
    intents = rules.penalty(event.penalty_id, event.patient_id, event.active_penalties,
                            clock.now())
    await record_intents(uow, intents, rules, enabled, clock)


async def on_turn_approaching(event: TurnApproaching, uow: UnitOfWork, rules: Rules,
                              enabled: frozenset[str], clock: Clock) -> None:
    intents = rules.turn_approaching(event.ticket_id, event.patient_id, event.people_ahead,
                                     event.eta_minutes, clock.now())
    await record_intents(uow, intents, rules, enabled, clock)


async def on_patient_called(event: PatientCalled, uow: UnitOfWork, rules: Rules,
                            enabled: frozenset[str], clock: Clock) -> None:
    intents = rules.turn_now(event.ticket_id, event.patient_id, event.number, event.room,
                             event.called_at, clock.now(), event.label)
    await record_intents(uow, intents, rules, enabled, clock)


async def on_activation_code_issued(event: ActivationCodeIssued, uow: UnitOfWork,
                                    rules: Rules, enabled: frozenset[str],
                                    clock: Clock) -> None:
    """A walk-in's code. The walk-in's registration (their phone number) leaves auth in the
    same transaction and may not have been handled yet: until it has, the event is retried."""
    read = await uow.planning.read([event.user_id])
    if read.people[event.user_id][0] is None:
        raise ContactNotYetKnown(f"no contact details for {event.user_id} yet")
    intents = rules.activation_code(event.user_id, event.sealed_code, event.expires_at,
                                    clock.now())
    await record_intents(uow, intents, rules, enabled, clock, read)


async def on_password_reset_issued(event: PasswordResetIssued, uow: UnitOfWork, rules: Rules,
                                   enabled: frozenset[str], clock: Clock) -> None:
    """The code stays sealed in the log row; the sender opens it only to send it."""
    intents = rules.reset_code(event.user_id, event.sealed_code, event.expires_at, clock.now())
    await record_intents(uow, intents, rules, enabled, clock)
