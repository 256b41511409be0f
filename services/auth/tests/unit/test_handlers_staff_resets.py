"""Resets issued by staff: the code goes to the user's phone, never to the staff member (a
walk-in who has never set a password excepted), and the sign-ins it leads to say so.

The attack these close: a receptionist resets a patient's password, reads the code off the
answer, sets a password with it and signs in as the patient to read their clinical notes.
"""

from __future__ import annotations

import pytest

from hms_auth.domain import errors
from hms_auth.service_layer import commands as c

PASSWORD = "correct horse"
PHONE = "0712345678"


async def receptionist(bus):
    return await bus.handle(c.CreateStaffUser("desk.one", PASSWORD, "receptionist", "Desk"))


def resets(uow) -> list:
    return [e for e in uow.events if e.name == "auth.password_reset_issued.v1"]


def sign_ins(uow) -> list[dict]:
    return [e.payload for e in uow.events if e.name == "auth.login_succeeded.v1"]


async def test_the_desk_never_sees_the_reset_code_of_a_patient_it_goes_by_sms(
        bus, uow, sealer) -> None:
    patient = await bus.handle(c.RegisterPatient(PHONE, PASSWORD, "Amina"))
    desk = await receptionist(bus)
    reset = await bus.handle(c.IssuePasswordReset(desk.id, "receptionist", patient.id))
    assert reset.code is None  # nothing for the desk to redeem
    assert reset.sent_to == "+2547••••678"
    [event] = resets(uow)
    assert event.payload["issued_by"] == str(desk.id) and not event.payload["shown_to_issuer"]
    # The code is in the event notifications turns into the SMS, sealed for this user only.
    code = sealer.open(event.payload["sealed_code"], f"password_reset:{patient.id}")
    # Nor can the desk get a code to show by asking for an activation code instead: the
    # reset voided the password, but the patient activated long ago.
    with pytest.raises(errors.AlreadyActivated):
        await bus.handle(c.IssueActivationCode(patient.id))
    await bus.handle(c.ResetPassword(PHONE, code, "the patient's own"))  # the patient, by SMS
    assert await bus.handle(c.SignIn(PHONE, "the patient's own"))


async def test_a_walk_in_who_never_set_a_password_may_get_the_code_at_the_desk(
        bus, uow, sealer) -> None:
    walk_in = (await bus.handle(c.RegisterWalkInPatient(PHONE, "Walk In"))).user
    desk = await receptionist(bus)
    reset = await bus.handle(c.IssuePasswordReset(desk.id, "receptionist", walk_in.id))
    assert reset.code is not None and reset.sent_to == "+2547••••678"
    [event] = resets(uow)
    assert event.payload["shown_to_issuer"] is True  # the audit trail knows the desk saw it
    assert sealer.open(event.payload["sealed_code"], f"password_reset:{walk_in.id}") == reset.code
    await bus.handle(c.ResetPassword(PHONE, reset.code, "a first password"))
    # Activated now: the next reset goes by SMS only.
    again = await bus.handle(c.IssuePasswordReset(desk.id, "receptionist", walk_in.id))
    assert again.code is None and resets(uow)[-1].payload["shown_to_issuer"] is False


async def test_an_account_without_a_phone_number_gets_no_code_at_all(bus, uow) -> None:
    desk = await receptionist(bus)  # staff need no phone number
    with pytest.raises(errors.NoPhoneForCode):
        await bus.handle(c.IssuePasswordReset(desk.id, "admin", desk.id))
    assert resets(uow) == []
    assert await bus.handle(c.SignIn("desk.one", PASSWORD))  # nothing was voided


async def test_every_sign_in_with_a_password_a_staff_reset_set_is_flagged(
        bus, uow, sealer) -> None:
    patient = await bus.handle(c.RegisterPatient(PHONE, PASSWORD, "Amina"))
    desk = await receptionist(bus)
    await bus.handle(c.SignIn(PHONE, PASSWORD))
    await bus.handle(c.IssuePasswordReset(desk.id, "receptionist", patient.id))
    code = sealer.open(resets(uow)[-1].payload["sealed_code"], f"password_reset:{patient.id}")
    await bus.handle(c.ResetPassword(PHONE, code, "set with the code"))
    await bus.handle(c.SignIn(PHONE, "set with the code"))
    await bus.handle(c.SignIn(PHONE, "set with the code"))
    # The patient changes it themselves: from then on it is no longer the reset's password.
    await bus.handle(c.ChangePassword(patient.id, "set with the code", "my very own"))
    await bus.handle(c.SignIn(PHONE, "my very own"))
    flags = [(p["after_staff_reset"], p["reset_issued_by"]) for p in sign_ins(uow)]
    assert flags == [(False, None), (True, str(desk.id)), (True, str(desk.id)), (False, None)]


async def test_a_reset_code_redeemed_as_an_activation_code_is_flagged_too(bus, uow) -> None:
    walk_in = (await bus.handle(c.RegisterWalkInPatient(PHONE, "Walk In"))).user
    desk = await receptionist(bus)
    reset = await bus.handle(c.IssuePasswordReset(desk.id, "receptionist", walk_in.id))
    await bus.handle(c.ActivatePatient(PHONE, reset.code, "a first password"))
    await bus.handle(c.SignIn(PHONE, "a first password"))
    [payload] = sign_ins(uow)
    assert payload["after_staff_reset"] is True and payload["reset_issued_by"] == str(desk.id)


async def test_a_walk_in_activating_with_their_activation_code_is_not_flagged(bus, uow) -> None:
    registration = await bus.handle(c.RegisterWalkInPatient(PHONE, "Walk In"))
    await bus.handle(c.ActivatePatient(PHONE, registration.activation_code, "a first password"))
    await bus.handle(c.SignIn(PHONE, "a first password"))
    assert [p["after_staff_reset"] for p in sign_ins(uow)] == [False]
