"""Adapters that need no server: contacts, key cipher, JWT signer, Argon2."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.exceptions import InvalidTag

from hms_auth.adapters.contacts import PhoneEmailValidator
from hms_auth.adapters.keys import KeyCipher, generate_signing_key
from hms_auth.adapters.passwords import Argon2PasswordHasher
from hms_auth.adapters.tokens import JwtSigner
from hms_auth.domain.errors import InvalidEmail, InvalidPhoneNumber
from hms_platform.auth import JwksCache, StaticJwksSource, TokenVerifier
from hms_platform.errors import Unauthorized

CONTACTS = PhoneEmailValidator("ke")


FULLWIDTH = "+" + "".join(chr(0xFF10 + int(d)) for d in "254712345678")  # as some IMEs type


@pytest.mark.parametrize("raw", ["0712345678", "0712 345 678", "+254 712-345-678",
                                 "(+254) 712 345678", "254712345678", FULLWIDTH])
def test_human_phone_formats_become_e164(raw: str) -> None:
    assert CONTACTS.phone(raw) == "+254712345678"


@pytest.mark.parametrize("raw", ["", "12", "+254 12", "0712345678999999", "phone", "1" * 300,
                                 "+1 555 0100"])
def test_invalid_phone_numbers_are_refused(raw: str) -> None:
    assert CONTACTS.maybe_phone(raw) is None
    with pytest.raises(InvalidPhoneNumber):
        CONTACTS.phone(raw)


def test_foreign_numbers_need_their_country_code() -> None:
    assert CONTACTS.phone("+44 20 7946 0958") == "+442079460958"


@pytest.mark.parametrize("raw", ["plain", "a@", "@b.com", "a@@b.com", "a b@c.com",
                                 "x" * 310 + "@example.com", "a@-bad-.com"])
def test_invalid_emails_are_refused(raw: str) -> None:
    with pytest.raises(InvalidEmail):
        CONTACTS.email(raw)


def test_emails_are_normalised_without_a_dns_lookup() -> None:
    # A domain nobody registered: with a DNS check this would fail.
    assert CONTACTS.email("Amina@NO-SUCH-HOST-hms-7f3a9.com") == "Amina@no-such-host-hms-7f3a9.com"


def test_private_keys_are_encrypted_and_bound_to_their_kid() -> None:
    cipher = KeyCipher(b"k" * 32)
    blob = cipher.encrypt(b"secret pem", "kid-1")
    assert b"secret pem" not in blob and cipher.decrypt(blob, "kid-1") == b"secret pem"
    with pytest.raises(InvalidTag):
        cipher.decrypt(blob, "kid-2")
    with pytest.raises(InvalidTag):
        KeyCipher(b"x" * 32).decrypt(blob, "kid-1")
    with pytest.raises(ValueError, match="base64 of 32 bytes"):
        KeyCipher.from_base64("c2hvcnQ=")


async def test_issued_tokens_pass_the_platform_verifier() -> None:
    key = generate_signing_key(datetime.now(UTC))
    assert key.kid == key.public_jwk["kid"] and "d" not in key.public_jwk
    signer = JwtSigner("https://hms.test/auth", "hms")
    user_id = uuid.uuid4()
    token = signer.sign(key, subject=user_id, role="doctor", now=datetime.now(UTC),
                        ttl=timedelta(minutes=15))
    verifier = TokenVerifier(JwksCache(StaticJwksSource({"keys": [key.public_jwk]})),
                             issuer="https://hms.test/auth", audience="hms")
    principal = await verifier.verify(token)
    assert (principal.user_id, principal.role) == (user_id, "doctor")
    assert principal.claims["exp"] - principal.claims["nbf"] == 900
    # iat to the millisecond (revocation compares it with an instant), within nbf's second
    assert principal.claims["nbf"] <= principal.issued_at < principal.claims["nbf"] + 1
    assert principal.claims["nbf"] == int(principal.claims["iat"]) and principal.claims["jti"]
    stale = signer.sign(key, subject=user_id, role="doctor",
                        now=datetime.fromtimestamp(time.time() - 3600, UTC),
                        ttl=timedelta(minutes=15))
    with pytest.raises(Unauthorized):
        await verifier.verify(stale)


@pytest.fixture(scope="module")
def argon2() -> Argon2PasswordHasher:
    return Argon2PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


async def test_argon2id_does_not_truncate_long_passwords(argon2) -> None:
    prefix = "p" * 72
    hashed = await argon2.hash(prefix + "a")
    assert hashed.startswith("$argon2id$")
    assert (await argon2.verify(prefix + "a", hashed))[0]
    assert not (await argon2.verify(prefix + "b", hashed))[0]  # 73 bytes, same first 72


@pytest.mark.parametrize("password", ["nul\x00inside", "😀🔐🏥" * 3, "x" * 1000, "ü" * 1024])
async def test_any_unicode_password_round_trips(argon2, password: str) -> None:
    hashed = await argon2.hash(password)
    assert (await argon2.verify(password, hashed)) == (True, None)
    assert not (await argon2.verify(password[:-1], hashed))[0]


async def test_no_hash_still_costs_a_verification_and_fails(argon2) -> None:
    assert await argon2.verify("anything", None) == (False, None)


async def test_a_hash_made_with_old_parameters_is_upgraded_on_success(argon2) -> None:
    old = await Argon2PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1).hash("pw")
    ok, upgraded = await argon2.verify("pw", old)
    assert ok and upgraded is not None and "t=1" in upgraded and "t=2" in old
