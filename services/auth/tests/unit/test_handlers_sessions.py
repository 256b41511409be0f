"""Sign-in, throttling, refresh rotation and sign-out, over fakes."""

from __future__ import annotations

import pytest

from hms_auth.domain import errors
from hms_auth.domain.refresh import hash_refresh_token
from hms_auth.service_layer import commands as c

PASSWORD = "correct horse"


async def patient(bus):
    return await bus.handle(c.RegisterPatient("0712345678", PASSWORD, "Amina"))


async def test_sign_in_by_phone_in_any_format_issues_a_pair(bus, uow) -> None:
    user = await patient(bus)
    pair = await bus.handle(c.SignIn(" 0712 345 678 ", PASSWORD, "10.0.0.1"))
    kid, subject, role, _ = pair.access_token.split("|")
    assert (kid, subject, role) == ("key-1", str(user.id), "patient")
    assert pair.expires_in == 900 and pair.token_type == "bearer"
    assert hash_refresh_token(pair.refresh_token) in uow.refresh_tokens.tokens
    event = uow.events[-1]
    assert event.name == "auth.login_succeeded.v1"
    assert event.payload == {"user_id": str(user.id), "username": "0***", "ip": "10.0.0.1",
                             "reason": None, "after_staff_reset": False,
                             "reset_issued_by": None}


async def test_unknown_user_and_bad_password_get_the_same_answer(bus, uow, hasher) -> None:
    user = await patient(bus)
    answers = []
    for username in ("nobody", "+254712345678"):
        with pytest.raises(errors.InvalidCredentials) as refused:
            await bus.handle(c.SignIn(username, "wrong password", "10.0.0.1"))
        answers.append((type(refused.value), str(refused.value), refused.value.problem_extra))
    assert answers[0] == answers[1]
    assert hasher.verified[-2] is None  # the unknown user still cost a (dummy) verification
    assert hasher.verified[-1] == uow.users.rows[user.id].password_hash
    failed = [e.payload for e in uow.events if e.name == "auth.login_failed.v1"]
    assert [(p["reason"], p["user_id"], p["username"]) for p in failed] == [
        ("unknown_user", None, "n***"), ("bad_password", str(user.id), "+***")]
    assert all(PASSWORD not in e.to_json().decode() for e in uow.events)


async def test_a_deactivated_user_is_refused_like_a_wrong_password(bus, uow) -> None:
    user = await patient(bus)
    await bus.handle(c.UpdateUser(user.id, {"active": False}))
    with pytest.raises(errors.InvalidCredentials):
        await bus.handle(c.SignIn("0712345678", PASSWORD))
    assert uow.events[-1].payload["reason"] == "inactive"


async def test_five_failures_block_that_address_for_that_account(bus, uow, clock) -> None:
    await patient(bus)
    for _ in range(5):
        with pytest.raises(errors.InvalidCredentials):
            await bus.handle(c.SignIn("0712345678", "wrong password", "10.0.0.1"))
    clock.advance(minutes=5)
    with pytest.raises(errors.TooManyAttempts) as throttled:
        await bus.handle(c.SignIn("0712345678", PASSWORD, "10.0.0.1"))
    assert throttled.value.retry_after == 600
    assert uow.events[-1].payload["reason"] == "bad_password"  # a refusal is only counted
    clock.advance(minutes=10)  # the window is over
    assert await bus.handle(c.SignIn("0712345678", PASSWORD, "10.0.0.1"))


async def test_failures_from_elsewhere_never_lock_the_owner_out(bus, pause) -> None:
    """The reported lockout: five wrong passwords from five addresses, then the owner's right
    one from a sixth, used to get 429 for 15 minutes. Now the owner signs in, slowed a little."""
    await patient(bus)
    for n in range(5):
        with pytest.raises(errors.InvalidCredentials):
            await bus.handle(c.SignIn("0712345678", "wrong password", f"10.0.0.{n}"))
    assert await bus.handle(c.SignIn("0712345678", PASSWORD, "10.0.0.99"))
    assert pause.delays == [0, 0, 0, 0, 0, 0.25]
    assert await bus.handle(c.SignIn("0712345678", PASSWORD, "10.0.0.99"))
    assert pause.delays[-1] == 0  # the success started the account's count over


async def test_account_wide_failures_slow_each_attempt_up_to_a_ceiling(bus, pause,
                                                                        policy) -> None:
    await patient(bus)
    for n in range(40):
        with pytest.raises(errors.InvalidCredentials):
            await bus.handle(c.SignIn("0712345678", "wrong password", f"10.0.{n // 5}.{n}"))
    assert pause.delays[:8] == [0, 0, 0, 0, 0, 0.25, 0.5, 1.0]
    assert max(pause.delays) == policy.account_max_delay.total_seconds() == pause.delays[-1]
    assert await bus.handle(c.SignIn("0712345678", PASSWORD, "192.0.2.1"))


async def test_past_the_daily_cap_an_address_gets_one_attempt(bus, clock, policy) -> None:
    await patient(bus)
    guesses = 0
    for n in range(policy.account_daily_cap):  # one guess each from many addresses
        with pytest.raises(errors.InvalidCredentials):
            await bus.handle(c.SignIn("0712345678", "wrong password", f"198.51.{n}.1"))
        guesses += 1
    with pytest.raises(errors.InvalidCredentials):
        await bus.handle(c.SignIn("0712345678", "wrong password", "203.0.113.1"))
    with pytest.raises(errors.TooManyAttempts):  # a second guess from the same address
        await bus.handle(c.SignIn("0712345678", "wrong password", "203.0.113.1"))
    with pytest.raises(errors.TooManyAttempts):  # also for addresses that failed before
        await bus.handle(c.SignIn("0712345678", PASSWORD, "198.51.0.1"))
    assert await bus.handle(c.SignIn("0712345678", PASSWORD, "203.0.113.200"))  # the owner
    clock.advance(minutes=1)
    for _ in range(5):  # the success ended the cap: five guesses per address again
        with pytest.raises(errors.InvalidCredentials):
            await bus.handle(c.SignIn("0712345678", "wrong password", "203.0.113.2"))
    assert guesses == policy.account_daily_cap


async def test_unknown_accounts_are_throttled_exactly_like_real_ones(bus) -> None:
    await patient(bus)
    waits = []
    for username in ("nobody", "0712345678"):
        for _ in range(5):
            with pytest.raises(errors.InvalidCredentials):
                await bus.handle(c.SignIn(username, "wrong password", f"ip-{username}"))
        with pytest.raises(errors.TooManyAttempts) as throttled:
            await bus.handle(c.SignIn(username, "wrong password", f"ip-{username}"))
        waits.append((str(throttled.value), throttled.value.retry_after))
    assert waits[0] == waits[1]


async def test_a_success_resets_the_account_counter(bus) -> None:
    await patient(bus)
    for _ in range(3):
        for _ in range(4):
            with pytest.raises(errors.InvalidCredentials):
                await bus.handle(c.SignIn("0712345678", "wrong password", "10.0.0.1"))
        await bus.handle(c.SignIn("0712345678", PASSWORD, "10.0.0.1"))  # 12 failures, no block


async def test_one_address_is_limited_across_accounts(bus, policy) -> None:
    await patient(bus)
    for n in range(policy.address_failures):
        with pytest.raises(errors.InvalidCredentials):
            await bus.handle(c.SignIn(f"user{n}", "wrong password", "203.0.113.9"))
    with pytest.raises(errors.TooManyAttempts):
        await bus.handle(c.SignIn("0712345678", PASSWORD, "203.0.113.9"))
    assert await bus.handle(c.SignIn("0712345678", PASSWORD, "198.51.100.7"))


async def test_refresh_rotates_and_reuse_revokes_the_family(bus, uow) -> None:
    await patient(bus)
    first = await bus.handle(c.SignIn("0712345678", PASSWORD))
    second = await bus.handle(c.RefreshSession(first.refresh_token))
    assert second.refresh_token != first.refresh_token
    with pytest.raises(errors.RefreshTokenReused):
        await bus.handle(c.RefreshSession(first.refresh_token))
    [family] = uow.refresh_tokens.families.values()
    assert family.revoked_reason == "reuse"
    assert uow.events[-1].name == "auth.refresh_token_reuse_detected.v1"
    assert uow.events[-1].payload["family_id"] == str(family.id)
    with pytest.raises(errors.InvalidRefreshToken):  # the thief's successor is dead too
        await bus.handle(c.RefreshSession(second.refresh_token))


async def test_an_unknown_refresh_token_is_refused(bus) -> None:
    with pytest.raises(errors.InvalidRefreshToken):
        await bus.handle(c.RefreshSession("made-up"))


async def test_a_deactivated_user_cannot_refresh(bus, uow) -> None:
    user = await patient(bus)
    pair = await bus.handle(c.SignIn("0712345678", PASSWORD))
    await bus.handle(c.UpdateUser(user.id, {"active": False}))
    with pytest.raises(errors.InvalidRefreshToken):
        await bus.handle(c.RefreshSession(pair.refresh_token))
    assert all(f.revoked_reason == "deactivated" for f in uow.refresh_tokens.families.values())


async def test_sign_out_revokes_one_family_or_all(bus, uow) -> None:
    user = await patient(bus)
    pairs = [await bus.handle(c.SignIn("0712345678", PASSWORD)) for _ in range(3)]
    await bus.handle(c.SignOut(user.id, pairs[0].refresh_token))
    with pytest.raises(errors.InvalidRefreshToken):
        await bus.handle(c.RefreshSession(pairs[0].refresh_token))
    assert await bus.handle(c.RefreshSession(pairs[1].refresh_token))
    await bus.handle(c.SignOut(user.id))
    for pair in pairs[2:]:
        with pytest.raises(errors.InvalidRefreshToken):
            await bus.handle(c.RefreshSession(pair.refresh_token))


async def test_nobody_can_sign_out_someone_else(bus) -> None:
    user = await patient(bus)
    pair = await bus.handle(c.SignIn("0712345678", PASSWORD))
    other = await bus.handle(c.RegisterPatient("0722000111", PASSWORD, "Other"))
    await bus.handle(c.SignOut(other.id, pair.refresh_token))
    assert await bus.handle(c.RefreshSession(pair.refresh_token))
    assert user.id != other.id
