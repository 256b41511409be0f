"""Registering patients and staff, and the activation-code flow, over fakes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hms_auth.domain import errors
from hms_auth.service_layer import commands as c
from hms_platform.sealing import SealingError


async def test_self_registration_normalises_the_phone_and_never_keeps_the_password(
        bus, uow) -> None:
    user = await bus.handle(c.RegisterPatient("0712 345 678", "correct horse", "Amina",
                                              email="Amina@Example.COM"))
    assert (user.username, user.phone_number, user.email) == (
        "+254712345678", "+254712345678", "Amina@example.com")
    stored = uow.users.rows[user.id]
    assert stored.password_hash and "correct horse" not in stored.password_hash
    [event] = uow.events
    assert event.name == "auth.user_registered.v1"
    assert event.payload["phone_number"] == "+254712345678"
    assert event.payload["role"] == "patient"
    assert "password" not in event.to_json().decode() and "fake$" not in event.to_json().decode()


async def test_a_phone_number_is_one_patient_however_it_is_written(bus, uow) -> None:
    await bus.handle(c.RegisterPatient("+254 712 345678", "correct horse", "Amina"))
    with pytest.raises(errors.AlreadyRegistered) as taken:
        await bus.handle(c.RegisterPatient("0712-345-678", "other password", "Someone"))
    assert taken.value.field == "phone_number"
    assert len(uow.users.rows) == 1 and uow.event_names() == ["auth.user_registered.v1"]


async def test_usernames_are_unique_whatever_their_case(bus) -> None:
    await bus.handle(c.CreateStaffUser("Dr.Otieno", "password-1", "doctor", "Dr Otieno",
                                       department="ENT", room="4"))
    with pytest.raises(errors.AlreadyRegistered) as taken:
        await bus.handle(c.RegisterPatient("0722000111", "password-2", "X", username="dr.otieno"))
    assert taken.value.field == "username"


@pytest.mark.parametrize(("command", "error"), [
    (c.RegisterPatient("12345", "correct horse", "A"), errors.InvalidPhoneNumber),
    (c.RegisterPatient("not a phone", "correct horse", "A"), errors.InvalidPhoneNumber),
    (c.RegisterPatient("0712345678", "correct horse", "A", email="nope@"), errors.InvalidEmail),
    (c.RegisterPatient("0712345678", "short", "A"), errors.InvalidPassword),
    (c.RegisterPatient("0712345678", "correct horse", "A", username="9lives"),
     errors.InvalidUsername),
    (c.CreateStaffUser("dr.who", "password-1", "doctor", "Who"), errors.DoctorDetailsMissing),
    (c.CreateStaffUser("boss", "password-1", "superuser", "Boss"), errors.InvalidRole),
])
async def test_bad_registrations_are_refused_before_anything_is_stored(
        bus, uow, command, error) -> None:
    with pytest.raises(error):
        await bus.handle(command)
    assert uow.users.rows == {} and uow.events == []


async def test_staff_carry_department_and_room_into_the_event(bus, uow) -> None:
    user = await bus.handle(c.CreateStaffUser("dr.otieno", "password-1", "doctor", "Dr Otieno",
                                              phone_number="0722 000 111", department="ENT",
                                              room="4"))
    assert user.role.value == "doctor" and user.phone_number == "+254722000111"
    payload = uow.events[-1].payload
    assert (payload["department"], payload["room"], payload["role"]) == ("ENT", "4", "doctor")


async def test_the_first_admin_is_created_once(bus, uow) -> None:
    first = await bus.handle(c.EnsureFirstAdmin("admin", "admin-password"))
    again = await bus.handle(c.EnsureFirstAdmin("other", "admin-password"))
    assert first is not None and first.role.value == "admin" and again is None
    assert [u.username for u in uow.users.rows.values()] == ["admin"]


async def test_a_weak_first_admin_password_is_refused(bus) -> None:
    with pytest.raises(errors.InvalidPassword):
        await bus.handle(c.EnsureFirstAdmin("admin", "short"))


async def walk_in(bus) -> c.WalkInRegistration:
    return await bus.handle(c.RegisterWalkInPatient("0712 345 678", "Walk In"))


async def test_a_walk_in_patient_gets_a_code_and_no_password(bus, uow) -> None:
    registration = await walk_in(bus)
    assert not registration.user.activated
    stored = uow.activation_codes.rows[registration.user.id]
    assert registration.activation_code.replace("-", "") not in stored.code_hash
    assert stored.expires_at - stored.issued_at == timedelta(hours=24)
    with pytest.raises(errors.InvalidCredentials):  # no password yet: cannot sign in
        await bus.handle(c.SignIn("0712345678", "anything-at-all"))


async def test_each_activation_code_leaves_only_sealed_for_an_sms(bus, uow, sealer) -> None:
    registration = await walk_in(bus)
    again = await bus.handle(c.IssueActivationCode(registration.user.id))  # a replacement
    events = [e for e in uow.events if e.name == "auth.activation_code_issued.v1"]
    assert len(events) == 2
    for event, issued in zip(events, (registration, again), strict=True):
        body = event.to_json().decode()
        code = issued.activation_code
        assert code not in body and code.replace("-", "") not in body  # never in clear
        assert event.payload["user_id"] == str(registration.user.id)
        sealed = event.payload["sealed_code"]
        assert sealer.open(sealed, f"activation:{registration.user.id}") == code
        with pytest.raises(SealingError):  # bound to this user and this purpose
            sealer.open(sealed, f"password_reset:{registration.user.id}")


async def test_the_code_sets_the_password_once(bus, uow) -> None:
    registration = await walk_in(bus)
    code = registration.activation_code.lower()  # as typed: any case
    await bus.handle(c.ActivatePatient("+254 712 345 678", code, "my new password"))
    assert uow.users.rows[registration.user.id].activated
    assert (await bus.handle(c.SignIn("0712345678", "my new password"))).access_token
    with pytest.raises(errors.InvalidActivationCode):
        await bus.handle(c.ActivatePatient("0712345678", code, "another password"))


async def test_an_expired_code_a_wrong_code_and_an_unknown_phone_answer_alike(
        bus, uow, clock) -> None:
    registration = await walk_in(bus)
    attempts = [("0712345678", "WRONG-CODE1"), ("0799999999", registration.activation_code)]
    refusals = []
    for phone, code in attempts:
        with pytest.raises(errors.InvalidActivationCode) as refused:
            await bus.handle(c.ActivatePatient(phone, code, "my new password"))
        refusals.append(str(refused.value))
    clock.advance(hours=24)
    with pytest.raises(errors.InvalidActivationCode) as refused:
        await bus.handle(c.ActivatePatient("0712345678", registration.activation_code, "pw-1234!"))
    assert len({*refusals, str(refused.value)}) == 1
    assert not uow.users.rows[registration.user.id].activated


async def test_guessing_codes_is_throttled_like_sign_in(bus, policy) -> None:
    registration = await walk_in(bus)
    for _ in range(policy.account_address_failures):
        with pytest.raises(errors.InvalidActivationCode):
            await bus.handle(c.ActivatePatient("0712345678", "AAAAA-AAAAA", "pw-123456"))
    with pytest.raises(errors.TooManyAttempts) as throttled:
        await bus.handle(c.ActivatePatient("0712345678", registration.activation_code,
                                           "pw-123456"))
    assert 0 < throttled.value.retry_after <= 900


async def test_a_new_code_replaces_the_last(bus) -> None:
    first = await walk_in(bus)
    second = await bus.handle(c.IssueActivationCode(first.user.id))
    with pytest.raises(errors.InvalidActivationCode):
        await bus.handle(c.ActivatePatient("0712345678", first.activation_code, "pw-123456"))
    await bus.handle(c.ActivatePatient("0712345678", second.activation_code, "pw-123456"))


async def test_no_new_code_once_the_patient_has_a_password(bus) -> None:
    registration = await walk_in(bus)
    await bus.handle(c.ActivatePatient("0712345678", registration.activation_code, "pw-123456"))
    with pytest.raises(errors.AlreadyActivated):  # else the desk could take the account over
        await bus.handle(c.IssueActivationCode(registration.user.id))
    self_registered = await bus.handle(c.RegisterPatient("0722000111", "password-1", "Self"))
    with pytest.raises(errors.AlreadyActivated):
        await bus.handle(c.IssueActivationCode(self_registered.id))


async def test_codes_are_only_for_patients(bus) -> None:
    staff = await bus.handle(c.CreateStaffUser("rec.one", "password-1", "receptionist", "R"))
    with pytest.raises(errors.UserNotFound):
        await bus.handle(c.IssueActivationCode(staff.id))
