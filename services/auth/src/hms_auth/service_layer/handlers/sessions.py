"""Sign-in, refresh and sign-out: access tokens and refresh-token families."""

from __future__ import annotations

from datetime import datetime

from hms_auth.domain.errors import (
    InvalidCredentials,
    InvalidRefreshToken,
    RefreshTokenReused,
    TooManyAttempts,
)
from hms_auth.domain.events import SignInFailed, SignInSucceeded, mask_username
from hms_auth.domain.policy import AuthPolicy
from hms_auth.domain.refresh import RefreshFamily, hash_refresh_token
from hms_auth.domain.throttle import Scope
from hms_auth.domain.users import User
from hms_auth.service_layer.commands import RefreshSession, SignIn, SignOut, TokenPair
from hms_auth.service_layer.handlers.guard import (
    guess_counters,
    subject_key,
    succeeded,
    take_or_refuse,
    verify,
)
from hms_auth.service_layer.handlers.refusals import count_refusal
from hms_auth.service_layer.ports import (
    ContactValidator,
    PasswordHasher,
    Pause,
    TokenSigner,
    UnitOfWork,
)
from hms_platform.clock import Clock


async def sign_in(cmd: SignIn, uow: UnitOfWork, hasher: PasswordHasher,
                  contacts: ContactValidator, signer: TokenSigner, clock: Clock,
                  policy: AuthPolicy, pause: Pause) -> TokenPair:
    """OAuth2 password grant. Every refusal is the same InvalidCredentials (or, when throttled,
    TooManyAttempts) whatever the reason; the reason goes only into the audit event.

    Three steps, so that no database connection waits on Argon2: take an attempt from the
    throttle counters (one short transaction), verify the password (no connection held),
    then record the outcome (another short transaction). A refused attempt is only counted:
    its window's count is audited once (handlers/refusals.py).
    """
    login = cmd.username.strip()
    phone = contacts.maybe_phone(login)
    masked = mask_username(login)
    async with uow:
        now = clock.now()
        user = await uow.users.find_by_login(login.lower(), phone)
        user_id = user.id if user else None
        subject = subject_key(user_id, phone or login.lower())
        account = await uow.throttle.get(Scope.ACCOUNT, subject)
        failures = account.count(now, policy.account_window) if account else 0
        guards = guess_counters(Scope.ACCOUNT_ADDRESS, subject, cmd.client_ip, policy,
                                limit=policy.account_address_limit(failures))
        holds, wait, refused_by = await take_or_refuse(uow.throttle, guards, now)
        if refused_by is not None:
            await count_refusal(uow, refused_by, subject, cmd.client_ip, now, policy)
            await uow.commit()
            raise TooManyAttempts(wait)
        await uow.commit()
    await pause(policy.account_delay(failures))  # many failures on the account: slower
    hashed = user.password_hash if user else None
    ok, new_hash = await verify(uow, hasher, holds, cmd.password, hashed)
    async with uow:
        now = clock.now()
        current = await uow.users.get(user.id, for_update=True) if user else None
        # A password changed meanwhile makes what was verified stale: refuse.
        reason = _refusal(current, ok and current is not None and current.password_hash == hashed)
        if reason is not None or current is None:
            await uow.throttle.record_failure(Scope.ACCOUNT, subject, now, policy.account_window)
            uow.emit(SignInFailed(user_id, masked, cmd.client_ip, reason or "unknown"))
            await uow.commit()
            raise InvalidCredentials()
        await succeeded(uow.throttle, holds)
        await uow.throttle.reset(Scope.ACCOUNT, subject)
        if new_hash:  # Argon2 parameters changed since this hash was made: upgrade it now
            current.rehash(new_hash, now)
            await uow.users.save(current)
        pair = await _start_session(uow, current, signer, now, policy)
        # A password set with a code staff issued: audited as a sign-in after a staff reset.
        reset_by = current.password_reset_by
        uow.emit(SignInSucceeded(current.id, masked, cmd.client_ip,
                                 after_staff_reset=reset_by is not None, reset_by=reset_by))
        await uow.commit()
        return pair


def _refusal(user: User | None, password_ok: bool) -> str | None:
    if user is None:
        return "unknown_user"
    if user.password_hash is None:
        return "not_activated"
    if not password_ok:
        return "bad_password"
    if not user.active:
        return "inactive"
    return None


async def _start_session(uow: UnitOfWork, user: User, signer: TokenSigner, now: datetime,
                         policy: AuthPolicy) -> TokenPair:
    family, token, raw = RefreshFamily.start(user.id, now, policy)
    await uow.refresh_tokens.add_family(family, token)
    return await _pair(uow, user, raw, signer, now, policy)


async def _pair(uow: UnitOfWork, user: User, refresh_token: str, signer: TokenSigner,
                now: datetime, policy: AuthPolicy) -> TokenPair:
    key = await uow.signing_keys.current()
    if key is None:
        raise RuntimeError("no signing key: the API creates one at startup")
    access = signer.sign(key, subject=user.id, role=user.role.value, now=now,
                         ttl=policy.access_token_ttl)
    return TokenPair(access, refresh_token, int(policy.access_token_ttl.total_seconds()))


async def refresh_session(cmd: RefreshSession, uow: UnitOfWork, signer: TokenSigner,
                          clock: Clock, policy: AuthPolicy) -> TokenPair:
    async with uow:
        now = clock.now()
        # Locks the token and its family: of two concurrent uses, the second waits, then finds
        # the token spent, which is reuse.
        found = await uow.refresh_tokens.lock(hash_refresh_token(cmd.refresh_token))
        if found is None:
            raise InvalidRefreshToken()
        family, token = found
        try:
            successor, raw = family.rotate(token, now, policy)
        except RefreshTokenReused:
            await uow.refresh_tokens.save(family)
            await uow.commit()  # the revocation must stick although the request fails
            raise
        user = await uow.users.get(family.user_id)
        if user is None or not user.active:
            family.revoke(now, "inactive")
            await uow.refresh_tokens.save(family)
            await uow.commit()
            raise InvalidRefreshToken()
        await uow.refresh_tokens.save(family, token)
        await uow.refresh_tokens.add_token(successor)
        pair = await _pair(uow, user, raw, signer, now, policy)
        await uow.commit()
        return pair


async def sign_out(cmd: SignOut, uow: UnitOfWork, clock: Clock) -> None:
    """Revoke the family of the given refresh token, or all the caller's families. Someone
    else's or an unknown token changes nothing and is not reported: no oracle for tokens."""
    async with uow:
        now = clock.now()
        if cmd.refresh_token is None:
            await uow.refresh_tokens.revoke_all(cmd.user_id, now, "logout")
        else:
            found = await uow.refresh_tokens.lock(hash_refresh_token(cmd.refresh_token))
            if found is not None and found[0].user_id == cmd.user_id:
                found[0].revoke(now, "logout")
                await uow.refresh_tokens.save(found[0])
        # The access token in hand (and any other issued so far) stops working everywhere;
        # other devices' sessions refresh into new ones.
        user = await uow.users.get(cmd.user_id, for_update=True)
        if user is not None:
            user.revoke_tokens(now, "logout")
            await uow.users.save(user)
        await uow.commit()


async def revoke_sessions(uow: UnitOfWork, user: User, now: datetime, reason: str) -> None:
    """End every session of `user`: refresh families revoked, access tokens refused (here at
    once, elsewhere through the SessionsRevoked event). The caller saves and commits."""
    await uow.refresh_tokens.revoke_all(user.id, now, reason)
    user.revoke_tokens(now, reason)
