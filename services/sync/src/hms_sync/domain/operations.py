"""An offline operation and the owner's route it becomes: each (entity, action) goes to the
normal route of the service that owns it, with the fields the contract lets a client write.
Roles, ownership and every rule stay the owner's: this only translates."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hms_platform.roles import PATIENT


@dataclass(frozen=True)
class Operation:
    """One operation of a batch, as the client sent it (``id``: the record's, chosen by the
    client for a create)."""

    op_id: str
    entity: str
    action: str
    id: uuid.UUID | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)
    client_updated_at: str | None = None  # RFC 3339, with its offset (checked by check())


@dataclass(frozen=True)
class Caller:
    """Who sent the batch: what picks /me over /patients/{id} and drops a patient's own id."""

    user_id: uuid.UUID
    role: str


@dataclass(frozen=True)
class OwnerRequest:
    """An HTTP request to an owner's route (``body`` None: none sent)."""

    method: str
    path: str
    body: dict[str, Any] | None = None
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Kind:
    """What an (entity, action) may carry and where it goes."""

    fields: frozenset[str]
    creates: bool = False  # the client's ``id`` becomes the new record's
    needs_id: bool = True  # acts on an existing record named by ``id``
    stamped: bool = True  # the owner takes client_updated_at (last write wins)


def _kind(*names: str, creates: bool = False, needs_id: bool = True,
          stamped: bool = True) -> Kind:
    return Kind(frozenset(names), creates, needs_id, stamped)


KINDS: dict[tuple[str, str], Kind] = {
    ("patient", "register"): _kind("phone_number", "full_name", "email", creates=True,
                                   needs_id=False, stamped=False),
    ("patient", "update"): _kind("full_name", "email", "phone_number"),
    ("preferences", "update"): _kind("channels", "quiet_hours", needs_id=False, stamped=False),
    ("ticket", "issue"): _kind("patient_id", "doctor_id", "urgency", creates=True,
                               needs_id=False, stamped=False),
    ("ticket", "update"): _kind("urgency", "doctor_id"),
    ("ticket", "serve"): _kind(),
    ("ticket", "miss"): _kind(),
    ("ticket", "leave"): _kind(),
    ("appointment", "book"): _kind("patient_id", "doctor_id", "start", "urgency", "reason",
                                   creates=True, needs_id=False, stamped=False),
    ("appointment", "check_in"): _kind(),
    ("appointment", "cancel"): _kind("reason"),
    ("appointment", "reschedule"): _kind("start"),
}

AUTH, QUEUE, APPOINTMENTS = "/api/auth", "/api/queue", "/api/appointments"
PREFERENCES = "/api/notifications/preferences"
_ACTIONS = {  # (entity, action) -> method, path after the record's
    ("ticket", "update"): ("PATCH", ""), ("ticket", "serve"): ("POST", "/serve"),
    ("ticket", "miss"): ("POST", "/no-show"), ("ticket", "leave"): ("DELETE", ""),
    ("appointment", "check_in"): ("POST", "/check-in"),
    ("appointment", "cancel"): ("POST", "/cancel"),
    ("appointment", "reschedule"): ("POST", "/reschedule"),
}
_HOMES = {"ticket": f"{QUEUE}/tickets", "appointment": APPOINTMENTS}


class Refused(Exception):
    """The operation cannot be forwarded as sent: rejected (422) without asking an owner."""


def check(op: Operation) -> Kind:
    """The operation's kind, or :class:`Refused` saying what is wrong with it."""
    kind = KINDS.get((op.entity, op.action))
    if kind is None:
        known = ", ".join(f"{e}.{a}" for e, a in KINDS)
        raise Refused(f"Unknown operation {op.entity}.{op.action}; known: {known}.")
    extra = sorted(set(op.fields) - kind.fields)
    if extra:
        allowed = ", ".join(sorted(kind.fields)) or "none"
        raise Refused(f"{op.entity}.{op.action} may not write {', '.join(extra)} "
                      f"(fields: {allowed}).")
    if kind.needs_id and op.id is None:
        raise Refused(f"{op.entity}.{op.action} needs the record's id.")
    _stamp(op)
    return kind


def _stamp(op: Operation) -> str | None:
    """client_updated_at as the owners read it; one without an offset, or not a time, is
    refused here (a time far off is the owner's to judge: clamped or refused)."""
    if op.client_updated_at is None:
        return None
    try:
        stamp = datetime.fromisoformat(op.client_updated_at)
    except ValueError:
        raise Refused("client_updated_at is not an RFC 3339 time.") from None
    if stamp.tzinfo is None or stamp.utcoffset() is None:
        raise Refused("client_updated_at needs its offset (e.g. 2026-03-02T10:01:00+03:00).")
    return stamp.isoformat()


def request_for(op: Operation, caller: Caller,
                vouchers: Mapping[str, str] | None = None) -> OwnerRequest:
    """The owner's request for ``op`` (checked first); ``vouchers``: patient id -> the voucher
    auth answered when this batch registered them, passed on to the queue so that a walk-in
    registered a moment ago can be given a ticket at once. (preferences.update needs the
    current document first: :func:`preferences_body`.)"""
    kind = check(op)
    fields = dict(op.fields)
    key = (op.entity, op.action)
    if key == ("patient", "register"):
        return OwnerRequest("POST", f"{AUTH}/patients", _with_id(op, fields))
    if key == ("patient", "update"):
        path = (f"{AUTH}/me" if op.id == caller.user_id
                else f"{AUTH}/patients/{op.id}")
        return OwnerRequest("PATCH", path, _stamped(op, fields))
    if key == ("preferences", "update"):
        return OwnerRequest("PUT", PREFERENCES, fields)
    if key == ("ticket", "issue"):
        body = _with_id(op, fields)
        voucher = (vouchers or {}).get(str(body.get("patient_id")))
        if voucher:
            body["patient_voucher"] = voucher
        return OwnerRequest("POST", f"{QUEUE}/tickets", body)
    if key == ("appointment", "book"):
        body = _with_id(op, fields)
        if caller.role == PATIENT and str(body.get("patient_id")) == str(caller.user_id):
            body.pop("patient_id")  # a patient books for themselves, never names anyone
        return OwnerRequest("POST", APPOINTMENTS, body)
    method, tail = _ACTIONS[key]
    path = f"{_HOMES[op.entity]}/{op.id}{tail}"
    if method == "DELETE":
        stamp = _stamp(op)
        return OwnerRequest(method, path, None, {"client_updated_at": stamp} if stamp else {})
    body = _stamped(op, fields) if kind.stamped else fields
    return OwnerRequest(method, path, body or None)


def _with_id(op: Operation, fields: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(op.id), **fields} if op.id is not None else fields


def _stamped(op: Operation, fields: dict[str, Any]) -> dict[str, Any]:
    stamp = _stamp(op)
    return {**fields, "client_updated_at": stamp} if stamp else fields


def preferences_body(current: Mapping[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    """The whole document the notifications service's PUT replaces: the current one (its GET's
    answer) with the operation's fields over it; devices stay as they are."""
    body = {name: current.get(name) for name in ("channels", "quiet_hours", "devices")
            if name in current}
    body.update(fields)
    return body
