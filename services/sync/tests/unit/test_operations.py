"""Each operation of the contract becomes its owner's normal request; anything else is refused
before an owner is asked."""

from __future__ import annotations

import uuid

import pytest

from hms_sync.domain.operations import Caller, Operation, Refused, preferences_body, request_for

DESK = Caller(uuid.UUID("0d5c0000-0000-4000-8000-000000000001"), "receptionist")
REC = uuid.UUID("0d5c0000-0000-4000-8000-000000000002")  # fixed: it names test ids
AT = "2026-03-02T10:01:00+03:00"


def op(entity: str, action: str, id: uuid.UUID | None = REC, stamp: str | None = AT,
       **fields: object) -> Operation:
    return Operation("op-1", entity, action, id, fields, stamp)


@pytest.mark.parametrize(("operation", "method", "path", "body", "params"), [
    (op("patient", "register", stamp=None, phone_number="+254700000001", full_name="Wanjiru"),
     "POST", "/api/auth/patients",
     {"id": str(REC), "phone_number": "+254700000001", "full_name": "Wanjiru"}, {}),
    (op("patient", "update", full_name="W. K."), "PATCH", f"/api/auth/patients/{REC}",
     {"full_name": "W. K.", "client_updated_at": AT}, {}),
    (op("ticket", "issue", stamp=None, patient_id="p", doctor_id="d", urgency=2),
     "POST", "/api/queue/tickets",
     {"id": str(REC), "patient_id": "p", "doctor_id": "d", "urgency": 2}, {}),
    (op("ticket", "update", urgency=1), "PATCH", f"/api/queue/tickets/{REC}",
     {"urgency": 1, "client_updated_at": AT}, {}),
    (op("ticket", "serve"), "POST", f"/api/queue/tickets/{REC}/serve",
     {"client_updated_at": AT}, {}),
    (op("ticket", "miss", stamp=None), "POST", f"/api/queue/tickets/{REC}/no-show", None, {}),
    (op("ticket", "leave"), "DELETE", f"/api/queue/tickets/{REC}", None,
     {"client_updated_at": "2026-03-02T10:01:00+03:00"}),
    (op("appointment", "book", stamp=None, patient_id="p", doctor_id="d", start=AT),
     "POST", "/api/appointments", {"id": str(REC), "patient_id": "p", "doctor_id": "d",
                                   "start": AT}, {}),
    (op("appointment", "check_in"), "POST", f"/api/appointments/{REC}/check-in",
     {"client_updated_at": AT}, {}),
    (op("appointment", "cancel", reason="ill"), "POST", f"/api/appointments/{REC}/cancel",
     {"reason": "ill", "client_updated_at": AT}, {}),
    (op("appointment", "reschedule", start=AT), "POST",
     f"/api/appointments/{REC}/reschedule", {"start": AT, "client_updated_at": AT}, {}),
    (op("preferences", "update", id=None, stamp=None, channels=["sms"]), "PUT",
     "/api/notifications/preferences", {"channels": ["sms"]}, {}),
])
def test_each_operation_goes_to_its_owners_route(operation, method, path, body,
                                                 params) -> None:  # type: ignore[no-untyped-def]
    request = request_for(operation, DESK)
    assert (request.method, request.path, request.body, request.params) == (
        method, path, body, params)


def test_a_patient_updates_their_own_profile_through_me_and_books_for_themselves() -> None:
    me = Caller(uuid.uuid4(), "patient")
    assert request_for(op("patient", "update", id=me.user_id, email="a@b.c"), me).path \
        == "/api/auth/me"
    booking = request_for(op("appointment", "book", stamp=None, patient_id=str(me.user_id),
                             doctor_id="d", start=AT), me)
    assert "patient_id" not in (booking.body or {})


def test_a_walk_in_registered_earlier_in_the_batch_comes_with_auths_voucher() -> None:
    issue = op("ticket", "issue", stamp=None, patient_id="p1", doctor_id="d")
    assert request_for(issue, DESK, {"p1": "v.o.ucher"}).body["patient_voucher"] == "v.o.ucher"  # type: ignore[index]
    assert "patient_voucher" not in request_for(issue, DESK, {"p2": "x"}).body  # type: ignore[operator]


@pytest.mark.parametrize(("operation", "why"), [
    (op("ward", "admit"), "Unknown operation ward.admit"),
    (op("ticket", "explode"), "Unknown operation ticket.explode"),
    (op("ticket", "update", urgency=1, status="served"), "may not write status"),
    (op("patient", "update", role="admin"), "may not write role"),
    (op("ticket", "serve", id=None), "needs the record's id"),
    (op("ticket", "update", stamp="yesterday", urgency=1), "not an RFC 3339 time"),
    (op("ticket", "update", stamp="2026-03-02T10:01:00", urgency=1), "needs its offset"),
])
def test_what_cannot_be_forwarded_is_refused(operation: Operation, why: str) -> None:
    with pytest.raises(Refused, match=why):
        request_for(operation, DESK)


def test_preferences_keep_what_the_operation_does_not_change() -> None:
    current = {"user_id": "u", "channels": ["sms", "email"], "quiet_hours": None,
               "devices": ["fcm-token"]}
    assert preferences_body(current, {"quiet_hours": {"start": "22:00", "end": "06:00"}}) == {
        "channels": ["sms", "email"], "quiet_hours": {"start": "22:00", "end": "06:00"},
        "devices": ["fcm-token"]}
