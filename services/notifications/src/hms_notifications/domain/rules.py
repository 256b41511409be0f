"""The notification rules (README, "Rules"): which event says what, to whom, on which
channels, under which dedup key (the table's id, with the kind: one message per key and
channel) and when;
then one person's preferences and contact details pick the channels (``plan``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hms_notifications.domain.model import (
    ACTIVATION_CODE,
    CODE_KINDS,
    EMAIL,
    PUSH,
    SMS,
    UNCAPPED_KINDS,
    URGENT_KINDS,
    Contact,
    Intent,
    Message,
    Preferences,
    destination,
)

# The window of the cap on messages per recipient (Rules.max_per_recipient_hour).
CAP_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Rules:
    clinic_tz: ZoneInfo
    reminder_leads: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=2))
    approaching_threshold: int = 3
    penalty_limit: int = 3
    penalty_window_days: int = 90
    # Messages of one kind, on one channel, to one person or address, planned within
    # CAP_WINDOW: more are recorded ``capped`` and never sent (codes and turn notices excepted).
    max_per_recipient_hour: int = 5

    # --- one function per row of the table -------------------------------------------
    def booked(self, appointment_id: uuid.UUID, patient_id: uuid.UUID, start: datetime,
               now: datetime, doctor_name: str = "") -> list[Intent]:
        confirmation = Intent(
            "appointment_booked", patient_id, (SMS, PUSH, EMAIL), f"{appointment_id}:booked", now,
            appointment_id,
            {"start": start.isoformat(), "doctor": doctor_name, "ref": str(appointment_id)})
        return [confirmation, *self.reminders(appointment_id, patient_id, start, now)]

    def reminders(self, appointment_id: uuid.UUID, patient_id: uuid.UUID, start: datetime,
                  now: datetime) -> list[Intent]:
        """One per lead time still ahead; the start is in the key, so a reschedule's are new."""
        intents = []
        for lead in self.reminder_leads:
            due = start - lead
            if due < now:
                continue
            minutes = int(lead.total_seconds()) // 60
            key = f"{appointment_id}:reminder:{minutes}m:{start:%Y%m%dT%H%M%SZ}"
            intents.append(Intent(
                "appointment_reminder", patient_id, (SMS, PUSH), key, due, appointment_id,
                {"start": start.isoformat(), "lead_minutes": int(lead.total_seconds()) // 60,
                 "ref": str(appointment_id)},
                not_after=start))
        return intents

    def cancelled(self, appointment_id: uuid.UUID, patient_id: uuid.UUID,
                  now: datetime) -> list[Intent]:
        return [Intent("appointment_cancelled", patient_id, (SMS, EMAIL),
                       f"{appointment_id}:cancelled", now, appointment_id,
                       {"ref": str(appointment_id)})]

    def turn_approaching(self, ticket_id: uuid.UUID, patient_id: uuid.UUID, people_ahead: int,
                         eta_minutes: int, now: datetime) -> list[Intent]:
        if people_ahead > self.approaching_threshold:
            return []
        return [Intent("turn_approaching", patient_id, (SMS, PUSH),
                       f"{ticket_id}:approaching:{self.approaching_threshold}", now, ticket_id,
                       {"people_ahead": people_ahead, "eta_minutes": eta_minutes})]

    def turn_now(self, ticket_id: uuid.UUID, patient_id: uuid.UUID, number: int, room: str,
                 called_at: datetime, now: datetime, label: str | None = None) -> list[Intent]:
        """The text names the ticket by its label ("B-002"); an event from before the queue
        sent labels, by its number."""
        # Each call has its own instant: a second call of the ticket is a second message, the
        # same call delivered again is not.
        params: dict[str, object] = {"number": number, "room": room}
        if label:
            params["label"] = label
        return [Intent("turn_now", patient_id, (SMS, PUSH),
                       f"{ticket_id}:called:{called_at:%Y%m%dT%H%M%S%fZ}", now, ticket_id,
                       params)]

    def penalty(self, penalty_id: uuid.UUID, patient_id: uuid.UUID, active_penalties: int,
                now: datetime) -> list[Intent]:
        return [Intent("no_show_penalty", patient_id, (EMAIL, SMS), f"{penalty_id}:penalty", now,
                       penalty_id, {"active": active_penalties, "limit": self.penalty_limit,
                                    "window_days": self.penalty_window_days})]

    def reset_code(self, user_id: uuid.UUID, sealed_code: str, expires_at: datetime,
                   now: datetime) -> list[Intent]:
        """The code stays sealed in the row; only the sender opens it, to send it."""
        return [Intent("password_reset_code", user_id, (SMS,),
                       f"password_reset:{user_id}:{expires_at:%Y%m%dT%H%M%S%fZ}", now, user_id,
                       {"sealed_code": sealed_code, "expires_at": expires_at.isoformat()},
                       not_after=expires_at)]

    def activation_code(self, user_id: uuid.UUID, sealed_code: str, expires_at: datetime,
                        now: datetime) -> list[Intent]:
        """A walk-in's code to set a first password; sealed until the sender opens it."""
        return [Intent(ACTIVATION_CODE, user_id, (SMS,),
                       f"activation:{user_id}:{expires_at:%Y%m%dT%H%M%S%fZ}", now, user_id,
                       {"sealed_code": sealed_code, "expires_at": expires_at.isoformat()},
                       not_after=expires_at)]

    # --- one person -------------------------------------------------------------------
    def plan(self, intent: Intent, contact: Contact | None, prefs: Preferences,
             enabled: frozenset[str], now: datetime) -> tuple[list[Message], list[str]]:
        """The messages ``intent`` becomes for this person, and why any channel was left out."""
        if contact is None:
            return [], ["no contact details"]
        if not contact.active:
            return [], ["user deactivated"]
        due = intent.due_at
        if intent.kind not in URGENT_KINDS and prefs.quiet_hours is not None:
            due = prefs.quiet_hours.release(due, self.clinic_tz)
        if intent.not_after is not None and due >= intent.not_after:
            return [], ["quiet hours last past the moment it is for"]
        chosen: list[str] = []
        skipped: list[str] = []
        for channel in intent.channels:
            # A code was asked for at the desk: it goes whatever the channel preferences say.
            if intent.kind not in CODE_KINDS and channel not in prefs.channels:
                skipped.append(f"{channel}: not wanted")
                continue
            if channel == PUSH and not prefs.devices:
                channel = SMS  # falls back; SMS's own checks follow
                if SMS not in prefs.channels:
                    skipped.append("push: no device")
                    continue
            reason = _unreachable(channel, contact, enabled)
            if reason:
                skipped.append(reason)
            elif channel not in chosen:
                chosen.append(channel)
        messages = [Message(uuid.uuid4(), intent.recipient_id, intent.kind, ch, intent.dedup_key,
                            due, now, intent.subject_id, dict(intent.params),
                            destination=destination(ch, contact)) for ch in chosen]
        return messages, skipped

    def capped(self, kind: str, already: int) -> bool:
        """Whether one more message of ``kind`` to someone who was already planned ``already``
        of them (same channel, person or address) within CAP_WINDOW goes over the cap."""
        return kind not in UNCAPPED_KINDS and already >= self.max_per_recipient_hour


def _unreachable(channel: str, contact: Contact, enabled: frozenset[str]) -> str | None:
    if channel not in enabled:
        return f"{channel}: channel off"
    if channel == SMS and not contact.phone_number:
        return "sms: no phone number"
    if channel == EMAIL and not contact.email:
        return "email: no email address"
    return None
