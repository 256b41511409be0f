"""Password change, staff reset, reset codes, registration throttling, token revocation."""

from __future__ import annotations

import pytest

from hms_auth.domain import errors
from hms_auth.service_layer import commands as c
from hms_platform.sealing import SealingError

PASSWORD = "correct horse"


async def patient(bus, phone: str = "0712345678"):
    return await bus.handle(c.RegisterPatient(phone, PASSWORD, "Amina"))


async def staff(bus, role: str = "doctor", phone: str | None = "0722000111"):
    return await bus.handle(c.CreateStaffUser(f"{role}.one", PASSWORD, role, f"A {role}",
                                              phone_number=phone, department="ENT", room="4"))


def sent_code(uow, sealer, user_id) -> str:
    """The code of the user's last reset, as notifications opens it to send the SMS."""
    [*_, event] = [e for e in uow.events if e.name == "auth.password_reset_issued.v1"
                   and e.payload["user_id"] == str(user_id)]
    return sealer.open(event.payload["sealed_code"], f"password_reset:{user_id}")


async def test_a_password_change_needs_the_current_one_and_ends_every_session(
        bus, uow, clock) -> None:
    user = await patient(bus)
    pair = await bus.handle(c.SignIn("0712345678", PASSWORD, "10.0.0.1"))
    issued = clock.now().timestamp()
    with pytest.raises(errors.CurrentPasswordIncorrect):
        await bus.handle(c.ChangePassword(user.id, "not it", "a new password", "10.0.0.1"))
    clock.advance(seconds=1)
    await bus.handle(c.ChangePassword(user.id, PASSWORD, "a new password", "10.0.0.1"))
    with pytest.raises(errors.InvalidRefreshToken):
        await bus.handle(c.RefreshSession(pair.refresh_token))
    with pytest.raises(errors.StaleAccessToken):  # the access token in hand is dead too
        await bus.handle(c.ConfirmCaller(user.id, "patient", issued))
    with pytest.raises(errors.InvalidCredentials):
        await bus.handle(c.SignIn("0712345678", PASSWORD, "10.0.0.1"))
    assert await bus.handle(c.SignIn("0712345678", "a new password", "10.0.0.1"))
    await bus.handle(c.ConfirmCaller(user.id, "patient", clock.now().timestamp()))
    revoked = [e.payload for e in uow.events if e.name == "auth.sessions_revoked.v1"]
    assert revoked == [{"user_id": str(user.id), "reason": "password_changed",
                        "not_before": revoked[0]["not_before"]}]


async def test_guessing_the_current_password_is_throttled(bus) -> None:
    user = await patient(bus)
    for _ in range(5):
        with pytest.raises(errors.CurrentPasswordIncorrect):
            await bus.handle(c.ChangePassword(user.id, "guess", "a new password", "10.0.0.9"))
    with pytest.raises(errors.TooManyAttempts):
        await bus.handle(c.ChangePassword(user.id, PASSWORD, "a new password", "10.0.0.9"))


@pytest.mark.parametrize(("reason", "change"), [
    ("deactivated", {"active": False}), ("role_changed", {"role": "receptionist"})])
async def test_deactivation_and_role_change_refuse_earlier_tokens(bus, uow, clock, reason,
                                                                  change) -> None:
    user = await staff(bus)
    issued = clock.now().timestamp()
    await bus.handle(c.ConfirmCaller(user.id, "doctor", issued))
    clock.advance(seconds=2)
    await bus.handle(c.UpdateUser(user.id, change))
    with pytest.raises(errors.StaleAccessToken):
        await bus.handle(c.ConfirmCaller(user.id, user.role.value if "role" not in change
                                         else "receptionist", issued))
    assert [e.payload["reason"] for e in uow.events
            if e.name == "auth.sessions_revoked.v1"] == [reason]


async def test_logout_refuses_the_access_tokens_issued_before_it(bus, clock) -> None:
    user = await patient(bus)
    await bus.handle(c.SignIn("0712345678", PASSWORD, "10.0.0.1"))
    before = clock.now().timestamp()
    clock.advance(seconds=1)
    await bus.handle(c.SignOut(user.id))
    with pytest.raises(errors.StaleAccessToken):
        await bus.handle(c.ConfirmCaller(user.id, "patient", before))
    with pytest.raises(errors.StaleAccessToken):  # a token without iat cannot be placed
        await bus.handle(c.ConfirmCaller(user.id, "patient", None))
    clock.advance(seconds=1)
    await bus.handle(c.SignIn("0712345678", PASSWORD, "10.0.0.1"))
    await bus.handle(c.ConfirmCaller(user.id, "patient", clock.now().timestamp()))


async def test_only_an_admin_resets_staff_and_the_desk_resets_patients(bus) -> None:
    doctor, pat = await staff(bus), await patient(bus)
    desk = await staff(bus, "receptionist", phone="0722000222")
    with pytest.raises(errors.ResetNotAllowed):
        await bus.handle(c.IssuePasswordReset(desk.id, "receptionist", doctor.id))
    assert await bus.handle(c.IssuePasswordReset(desk.id, "receptionist", pat.id))
    assert await bus.handle(c.IssuePasswordReset(desk.id, "admin", doctor.id))


async def test_a_reset_voids_the_password_and_its_code_sets_a_new_one_once(
        bus, uow, clock, sealer) -> None:
    doctor = await staff(bus)
    pair = await bus.handle(c.SignIn("doctor.one", PASSWORD, "10.0.0.1"))
    clock.advance(seconds=1)
    admin_id = doctor.id  # who issued it is recorded as given
    reset = await bus.handle(c.IssuePasswordReset(admin_id, "admin", doctor.id))
    assert reset.code is None  # sent, never shown, to an admin either
    code = sent_code(uow, sealer, doctor.id)
    with pytest.raises(errors.InvalidCredentials):  # the old password no longer works
        await bus.handle(c.SignIn("doctor.one", PASSWORD, "10.0.0.1"))
    with pytest.raises(errors.InvalidRefreshToken):
        await bus.handle(c.RefreshSession(pair.refresh_token))
    [event] = [e for e in uow.events if e.name == "auth.password_reset_issued.v1"]
    body = event.to_json().decode()
    bare = code.replace("-", "")
    assert code not in body and bare not in body  # never in clear in the outbox
    sealed = event.payload["sealed_code"]
    with pytest.raises(SealingError):  # bound to this user
        sealer.open(sealed, f"password_reset:{admin_id}x")
    assert event.payload["issued_by"] == str(admin_id)
    with pytest.raises(errors.InvalidActivationCode):
        await bus.handle(c.ResetPassword("doctor.one", "AAAAA-AAAAA", "new password 1"))
    await bus.handle(c.ResetPassword("Doctor.One", code.lower(), "new password 1"))
    assert await bus.handle(c.SignIn("doctor.one", "new password 1", "10.0.0.1"))
    with pytest.raises(errors.InvalidActivationCode):  # once
        await bus.handle(c.ResetPassword("doctor.one", code, "another password"))


async def test_a_patient_redeems_a_reset_by_phone_number(bus, uow, sealer) -> None:
    pat = await patient(bus)
    await bus.handle(c.IssuePasswordReset(pat.id, "receptionist", pat.id))
    code = sent_code(uow, sealer, pat.id)
    await bus.handle(c.ResetPassword("+254 712 345 678", code, "new password 1"))
    assert await bus.handle(c.SignIn("0712345678", "new password 1"))


async def test_registration_is_throttled_per_address(bus, policy) -> None:
    for n in range(policy.registrations_per_address):
        await bus.handle(c.RegisterPatient(f"07220001{n:02d}", PASSWORD, "P", client_ip="1.2.3.4"))
    with pytest.raises(errors.TooManyAttempts) as throttled:
        await bus.handle(c.RegisterPatient("0733000111", PASSWORD, "P", client_ip="1.2.3.4"))
    assert throttled.value.retry_after > 0
    assert await bus.handle(c.RegisterPatient("0733000111", PASSWORD, "P", client_ip="1.2.3.5"))


async def test_a_taken_number_is_found_before_any_hashing(bus, hasher) -> None:
    await patient(bus)
    hashes = hasher.hashed
    for _ in range(3):
        with pytest.raises(errors.AlreadyRegistered):
            await bus.handle(c.RegisterPatient("0712345678", PASSWORD, "X", client_ip="1.2.3.4"))
    assert hasher.hashed == hashes


async def test_contact_changes_count_against_the_address(bus, policy) -> None:
    user = await patient(bus)
    other = await patient(bus, "0722000999")
    for _ in range(policy.registrations_per_address):
        with pytest.raises(errors.AlreadyRegistered):
            await bus.handle(c.UpdateProfile(user.id, {"phone_number": "0722000999"},
                                             "5.6.7.8"))
    with pytest.raises(errors.TooManyAttempts):
        await bus.handle(c.UpdateProfile(user.id, {"phone_number": "0722000999"}, "5.6.7.8"))
    assert await bus.handle(c.UpdateProfile(user.id, {"full_name": "A"}, "5.6.7.8"))  # no limit
    assert other.id != user.id
