"""Every handler, of commands and of the events this service consumes, registered in one place
(the consumer's queue is bound to exactly the events listed here)."""

from __future__ import annotations

from hms_contracts.appointments import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentNoShow,
    AppointmentRescheduled,
    NoShowPenaltyApplied,
)
from hms_contracts.auth import (
    ActivationCodeIssued,
    PasswordResetIssued,
    SessionsRevoked,
    SigningKeyRotated,
    UserDeactivated,
    UserRegistered,
    UserUpdated,
)
from hms_contracts.queue import PatientCalled, TurnApproaching
from hms_notifications.service_layer import commands as c
from hms_notifications.service_layer.handlers import contacts, queries, rules, sending
from hms_platform.messagebus import Handler
from hms_platform.revocation import record_sessions_revoked, record_signing_key_rotated

HANDLERS: dict[type, Handler] = {
    c.GetPreferences: queries.get_preferences,
    c.PutPreferences: queries.put_preferences,
    c.GetPushKey: queries.get_push_key,
    c.ListMine: queries.list_mine,
    c.ListMessages: queries.list_messages,
    c.RecordProviderStatus: queries.record_provider_status,
    c.SendDue: sending.send_due,
    # events, through the inbox
    UserRegistered: contacts.on_user_registered,
    UserUpdated: contacts.on_user_updated,
    UserDeactivated: contacts.on_user_deactivated,
    SessionsRevoked: record_sessions_revoked,
    SigningKeyRotated: record_signing_key_rotated,
    PasswordResetIssued: rules.on_password_reset_issued,
    ActivationCodeIssued: rules.on_activation_code_issued,
    AppointmentBooked: rules.on_appointment_booked,
    AppointmentRescheduled: rules.on_appointment_rescheduled,
    AppointmentCancelled: rules.on_appointment_cancelled,
    AppointmentNoShow: rules.on_appointment_no_show,
    NoShowPenaltyApplied: rules.on_penalty_applied,
    TurnApproaching: rules.on_turn_approaching,
    PatientCalled: rules.on_patient_called,
}
