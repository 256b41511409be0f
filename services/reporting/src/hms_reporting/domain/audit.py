"""The audit trail: which facts are recorded, as what action, by whom, on what. Entries carry
ids, times and statuses only; never clinical text, never contact details or codes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hms_reporting.domain.facts import Fact

SYSTEM = "system"  # the actor of what no person did (the no-show scheduler, the queue)

# kind -> (field naming the subject, field naming the actor or None, detail fields)
AUDITED: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    # A sign-in with a password set through a staff-issued reset code is its own action,
    # auth.login_after_staff_reset (see action_of), naming who issued the reset.
    "login_succeeded": ("user_id", "user_id", ("ip", "reset_issued_by")),
    "login_failed": ("user_id", "user_id", ("ip", "reason")),
    # One entry per throttle window with its count, never one per refused attempt; nobody
    # proven is behind the attempts, so no actor.
    "login_throttled": ("user_id", None,
                        ("ip", "limit", "attempts", "window_start", "window_end")),
    "refresh_token_reuse_detected": ("user_id", "user_id", ("family_id",)),
    "user_registered": ("user_id", None, ("role",)),
    "user_updated": ("user_id", "updated_by", ("changed",)),
    "user_deactivated": ("user_id", "deactivated_by", ()),
    "sessions_revoked": ("user_id", None, ("reason",)),
    "password_reset_issued": ("user_id", "issued_by", ("shown_to_issuer",)),
    "activation_code_issued": ("user_id", None, ()),
    "signing_key_rotated": ("kid", None, ("previous_kid", "retired_kids")),
    "appointment_booked": ("appointment_id", "booked_by", ("patient_id", "doctor_id")),
    "appointment_rescheduled": ("appointment_id", "rescheduled_by", ("old_start", "new_start")),
    "appointment_cancelled": ("appointment_id", "cancelled_by", ("late",)),
    "patient_checked_in": ("appointment_id", "checked_in_by", ("patient_id",)),
    "appointment_completed": ("appointment_id", "doctor_id", ()),
    "appointment_no_show": ("appointment_id", "marked_by", ("patient_id",)),
    "no_show_penalty_applied": ("penalty_id", None, ("appointment_id", "patient_id")),
    "penalty_waived": ("penalty_id", "waived_by", ("patient_id",)),
    "clinical_record_read": ("appointment_id", "reader_id", ("patient_id",)),
    "ticket_issued": ("ticket_id", "issued_by", ("patient_id", "doctor_id", "source")),
    "patient_called": ("ticket_id", "doctor_id", ()),
    "patient_served": ("ticket_id", "doctor_id", ()),
    "ticket_missed": ("ticket_id", "closed_by", ()),
    "ticket_cancelled": ("ticket_id", "closed_by", ()),
    "ticket_changed": ("ticket_id", "changed_by", ("urgency", "doctor_id")),
}


@dataclass(frozen=True)
class AuditEntry:
    event_id: str
    occurred_at: datetime
    action: str
    subject_id: uuid.UUID | None
    actor_id: uuid.UUID | None
    actor_role: str | None
    correlation_id: str | None
    detail: dict[str, Any] = field(default_factory=dict)


AFTER_STAFF_RESET = "auth.login_after_staff_reset"


def action_of(fact: Fact) -> str:
    """``auth.user_updated.v1`` changing the role -> ``auth.role_changed``; a sign-in after a
    staff reset -> ``auth.login_after_staff_reset``; else service.kind."""
    service = fact.name.split(".")[0]
    if fact.kind == "user_updated" and "role" in fact.data.get("changed", ()):
        return "auth.role_changed"
    if fact.kind == "login_succeeded" and fact.data.get("after_staff_reset"):
        return AFTER_STAFF_RESET
    return f"{service}.{fact.kind}"


def _uuid(value: Any) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value)) if value is not None else None
    except ValueError:
        return None


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID | datetime):
        return value.isoformat() if isinstance(value, datetime) else str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def audit_entry(fact: Fact, roles: dict[uuid.UUID, str]) -> AuditEntry | None:
    """The entry for a fact, or None if it is not audited. ``roles``: the roles known of the
    people involved (auth's events), for the actor's role when the fact does not say."""
    spec = AUDITED.get(fact.kind)
    if spec is None:
        return None
    subject_field, actor_field, detail_fields = spec
    d = fact.data
    raw_actor = d.get(actor_field) if actor_field else None
    actor = _uuid(raw_actor)
    role = roles.get(actor) if actor else (SYSTEM if raw_actor == "scheduler" else None)
    if fact.kind == "user_updated" and "role" in d.get("changed", ()):
        detail: dict[str, Any] = {"changed": ["role"], "role": d.get("role")}
    else:
        detail = {f: _plain(d[f]) for f in detail_fields if d.get(f) is not None}
    return AuditEntry(fact.event_id, fact.occurred_at, action_of(fact),
                      _uuid(d.get(subject_field)), actor, role, fact.correlation_id, detail)


def people_involved(fact: Fact) -> list[uuid.UUID]:
    """The actor whose role the audit entry needs looked up."""
    spec = AUDITED.get(fact.kind)
    actor = _uuid(fact.data.get(spec[1])) if spec and spec[1] else None
    return [actor] if actor else []
