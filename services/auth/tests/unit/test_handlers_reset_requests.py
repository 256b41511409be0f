"""A patient asks for their own reset code by SMS: the password keeps working until the code is
used, staff and unknown numbers get nothing, and the number and the address are throttled."""

from __future__ import annotations

import pytest

from hms_auth.domain import errors
from hms_auth.service_layer import commands as c

PASSWORD = "correct horse"
PHONE = "0712345678"
IP = "10.0.0.1"


def resets(uow) -> list[dict]:
    return [e.payload for e in uow.events if e.name == "auth.password_reset_issued.v1"]


def code_of(payload: dict, sealer) -> str:
    return sealer.open(payload["sealed_code"], f"password_reset:{payload['user_id']}")


async def ask(bus, phone: str = PHONE, ip: str = IP) -> None:
    assert await bus.handle(c.RequestPasswordReset(phone, ip)) is None


async def test_the_password_keeps_working_until_the_code_sets_a_new_one(
        bus, uow, sealer, clock) -> None:
    user = await bus.handle(c.RegisterPatient(PHONE, PASSWORD, "Amina"))
    pair = await bus.handle(c.SignIn(PHONE, PASSWORD, IP))
    await ask(bus, "+254 712 345 678")  # any common spelling of the number
    [sent] = resets(uow)
    assert sent["user_id"] == sent["issued_by"] == str(user.id)
    assert not sent["shown_to_issuer"]
    # Someone who only knows the number has locked nobody out: the password and session work.
    assert await bus.handle(c.SignIn(PHONE, PASSWORD, IP))
    assert await bus.handle(c.RefreshSession(pair.refresh_token))
    assert "auth.sessions_revoked.v1" not in uow.event_names()
    clock.advance(seconds=1)
    await bus.handle(c.ResetPassword(PHONE, code_of(sent, sealer), "my new password", IP))
    with pytest.raises(errors.InvalidCredentials):
        await bus.handle(c.SignIn(PHONE, PASSWORD, IP))
    with pytest.raises(errors.InvalidRefreshToken):  # every session ended with the redeem
        await bus.handle(c.RefreshSession(pair.refresh_token))
    assert await bus.handle(c.SignIn(PHONE, "my new password", IP))
    revoked = [e.payload["reason"] for e in uow.events if e.name == "auth.sessions_revoked.v1"]
    assert revoked == ["password_reset"]
    # The user's own reset: no sign-in is audited as one after a staff reset.
    flags = [e.payload["after_staff_reset"] for e in uow.events
             if e.name == "auth.login_succeeded.v1"]
    assert flags and not any(flags)
    with pytest.raises(errors.InvalidActivationCode):  # used once
        await bus.handle(c.ResetPassword(PHONE, code_of(sent, sealer), "another password", IP))


async def test_a_new_request_replaces_the_earlier_code(bus, uow, sealer) -> None:
    await bus.handle(c.RegisterPatient(PHONE, PASSWORD, "Amina"))
    await ask(bus)
    await ask(bus)
    first, second = resets(uow)
    with pytest.raises(errors.InvalidActivationCode):
        await bus.handle(c.ResetPassword(PHONE, code_of(first, sealer), "my new password", IP))
    await bus.handle(c.ResetPassword(PHONE, code_of(second, sealer), "my new password", IP))
    assert await bus.handle(c.SignIn(PHONE, "my new password", IP))


async def test_staff_deactivated_and_unknown_numbers_get_no_code(bus, uow) -> None:
    await bus.handle(c.CreateStaffUser("dr.one", PASSWORD, "doctor", "Dr One",
                                       phone_number="0722000111", department="ENT", room="4"))
    gone = await bus.handle(c.RegisterPatient("0733000222", PASSWORD, "Gone"))
    await bus.handle(c.UpdateUser(gone.id, {"active": False}))
    for phone in ("0722000111", "0733000222", "0744000333"):
        await ask(bus, phone)
    assert resets(uow) == []
    assert await bus.handle(c.SignIn("dr.one", PASSWORD, IP))  # the doctor's password is intact


async def test_a_malformed_number_is_refused(bus) -> None:
    with pytest.raises(errors.InvalidPhoneNumber):
        await ask(bus, "not a phone")


async def test_three_codes_per_number_an_hour_then_nothing_is_sent(bus, uow, clock) -> None:
    await bus.handle(c.RegisterPatient(PHONE, PASSWORD, "Amina"))
    for n in range(4):  # from different addresses: the limit is the number's
        await ask(bus, ip=f"10.0.1.{n}")
    assert len(resets(uow)) == 3
    clock.advance(minutes=59)
    await ask(bus, ip="10.0.2.1")
    assert len(resets(uow)) == 3
    clock.advance(minutes=2)  # the hour has passed
    await ask(bus, ip="10.0.2.2")
    assert len(resets(uow)) == 4


async def test_an_address_asking_for_many_numbers_gets_429(bus, uow) -> None:
    for n in range(10):
        await ask(bus, f"07440{n:05d}")
    with pytest.raises(errors.TooManyResetRequests) as refused:
        await ask(bus, "0755000111")
    assert refused.value.retry_after > 0
    await ask(bus, "0755000111", ip="10.9.9.9")  # another address is not affected


async def test_a_reset_asked_for_after_a_staff_reset_still_sets_the_password(
        bus, uow, sealer) -> None:
    user = await bus.handle(c.RegisterPatient(PHONE, PASSWORD, "Amina"))
    desk = await bus.handle(c.CreateStaffUser("desk.one", PASSWORD, "receptionist", "Desk"))
    await bus.handle(c.IssuePasswordReset(desk.id, "receptionist", user.id))
    await ask(bus)
    staff_code, own = resets(uow)
    with pytest.raises(errors.InvalidActivationCode):  # replaced
        await bus.handle(c.ResetPassword(PHONE, code_of(staff_code, sealer), "my new one", IP))
    await bus.handle(c.ResetPassword(PHONE, code_of(own, sealer), "my new password", IP))
    assert await bus.handle(c.SignIn(PHONE, "my new password", IP))
