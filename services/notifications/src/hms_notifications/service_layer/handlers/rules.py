"""Events of appointments, queue and auth -> messages due in the log (EVENTS.md "Notification
rules"). They run inside the consumer's unit of work; nothing is sent here: the sender process
sends what is due, so a slow provider never holds up the line of events."""

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
from hms_notifications.domain.errors import ContactNotYetKnown
from hms_notifications.domain.model import Contact, Intent, Preferences
from hms_notifications.domain.rules import Rules
from hms_notifications.service_layer.ports import UnitOfWork
from hms_platform.clock import Clock

log = structlog.get_logger(__name__)
REMINDER = "appointment_reminder"


async def record_intents(uow: UnitOfWork, intents: Sequence[Intent], rules: Rules,
                         enabled: frozenset[str], clock: Clock) -> int:
    """Plan each intent for its recipient and add the messages (a key and channel already in
    the log is skipped: the same event again, or another replica, adds nothing)."""
    planned = []
    people: dict[uuid.UUID, tuple[Contact | None, Preferences]] = {}
    for intent in intents:
        if intent.recipient_id not in people:  # an event's intents share their recipient
            people[intent.recipient_id] = (await uow.contacts.get(intent.recipient_id),
                                           await uow.preferences.get(intent.recipient_id))
        contact, prefs = people[intent.recipient_id]
        messages, skipped = rules.plan(intent, contact, prefs, enabled, clock.now())
        for reason in skipped:
            log.info("notification.channel_skipped", kind=intent.kind,
                     recipient_id=str(intent.recipient_id), reason=reason)
        planned.extend(messages)
    return await uow.messages.add(planned)


async def on_appointment_booked(event: AppointmentBooked, uow: UnitOfWork, rules: Rules,
                                enabled: frozenset[str], clock: Clock) -> None:
    doctor = await uow.contacts.get(event.doctor_id)
    intents = rules.booked(event.appointment_id, event.patient_id, event.start, clock.now(),
                           doctor.full_name if doctor else "")
    await record_intents(uow, intents, rules, enabled, clock)


async def on_appointment_rescheduled(event: AppointmentRescheduled, uow: UnitOfWork,
                                     rules: Rules, enabled: frozenset[str],
                                     clock: Clock) -> None:
    """The pending reminders go; new ones for the new start take their place."""
    await uow.messages.cancel_pending(event.appointment_id, REMINDER)
    patient = event.patient_id or await uow.messages.recipient_of(event.appointment_id)
    if patient is None:
        log.info("notification.reschedule_unknown", appointment_id=str(event.appointment_id))
        return
    intents = rules.reminders(event.appointment_id, patient, event.new_start, clock.now())
    await record_intents(uow, intents, rules, enabled, clock)


async def on_appointment_cancelled(event: AppointmentCancelled, uow: UnitOfWork, rules: Rules,
                                   enabled: frozenset[str], clock: Clock) -> None:
    await uow.messages.cancel_pending(event.appointment_id, REMINDER)
    intents = rules.cancelled(event.appointment_id, event.patient_id, clock.now())
    await record_intents(uow, intents, rules, enabled, clock)


async def on_appointment_no_show(event: AppointmentNoShow, uow: UnitOfWork) -> None:
    await uow.messages.cancel_pending(event.appointment_id, REMINDER)


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
                             event.called_at, clock.now())
    await record_intents(uow, intents, rules, enabled, clock)


async def on_activation_code_issued(event: ActivationCodeIssued, uow: UnitOfWork,
                                    rules: Rules, enabled: frozenset[str],
                                    clock: Clock) -> None:
    """A walk-in's code. The walk-in's registration (their phone number) leaves auth in the
    same transaction and may not have been handled yet: until it has, the event is retried."""
    if await uow.contacts.get(event.user_id) is None:
        raise ContactNotYetKnown(f"no contact details for {event.user_id} yet")
    intents = rules.activation_code(event.user_id, event.sealed_code, event.expires_at,
                                    clock.now())
    await record_intents(uow, intents, rules, enabled, clock)


async def on_password_reset_issued(event: PasswordResetIssued, uow: UnitOfWork, rules: Rules,
                                   enabled: frozenset[str], clock: Clock) -> None:
    """The code stays sealed in the log row; the sender opens it only to send it."""
    intents = rules.reset_code(event.user_id, event.sealed_code, event.expires_at, clock.now())
    await record_intents(uow, intents, rules, enabled, clock)
