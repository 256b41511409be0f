"""Display links: whatever a link holds, ``verify`` answers a grant or ``BadDisplayToken``,
never another exception (an API process turned those into 500s and tracebacks). Claims are
fuzzed both unsigned (anyone) and signed (whoever learnt the secret: a link with
``"exp": 1e308`` was a 500)."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hms_queue.entrypoints.api.display_links import (
    BadDisplayToken,
    DisplayGrant,
    NamedGrant,
    _mac,
    sign,
    sign_named,
    verify,
)

SECRET = "a-test-secret-of-some-length-0123456789"
NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
LATER = int((NOW + timedelta(hours=2)).timestamp())
MAX = 12
DOCTOR = uuid.UUID("8a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed(body: str) -> str:
    """A link whose claims are ``body`` as-is, signed as only the secret's holder could."""
    return f"{body}.{_mac(SECRET, body)}"


def forged(claims: Any) -> str:
    return signed(b64(json.dumps(claims).encode()))


def check(token: str) -> DisplayGrant | NamedGrant | None:
    """The grant, or None when refused; any other exception fails the test."""
    try:
        grant = verify(SECRET, token, NOW, max_doctors=MAX)
    except BadDisplayToken:
        return None
    if isinstance(grant, NamedGrant):  # a named display's: its display is checked next
        assert isinstance(grant.display_id, uuid.UUID)
        assert grant.expires_at is None or grant.expires_at > NOW
        return grant
    assert grant.expires_at > NOW
    assert 1 <= len(grant.doctor_ids) <= MAX
    assert len(set(grant.doctor_ids)) == len(grant.doctor_ids)
    return grant


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
    | st.uuids().map(str),
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(
        st.sampled_from(["d", "exp", "n", "x"]) | st.text(max_size=5), inner, max_size=4),
    max_leaves=20)
exps = st.one_of(st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(),
                 st.text(max_size=12), st.just(1e308), st.just(10**400), st.just(LATER))
doctor_lists = st.one_of(json_values, st.lists(st.uuids().map(str), max_size=20),
                         st.lists(st.sampled_from([str(DOCTOR), str(DOCTOR).upper(), 7]),
                                  max_size=80))
quick = settings(max_examples=300, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


@quick
@given(st.text(max_size=300))
def test_any_text_is_refused_with_bad_display_token(token: str) -> None:
    assert check(token) is None  # unsigned: never a grant, never another exception


@quick
@given(st.binary(max_size=200), st.booleans())
def test_any_signed_bytes_are_a_grant_or_refused(body: bytes, encode: bool) -> None:
    check(signed(b64(body) if encode else body.hex() or "x"))


@quick
@given(json_values)
def test_any_signed_json_is_a_grant_or_refused(claims: Any) -> None:
    check(forged(claims))


@quick
@given(doctor_lists, exps)
def test_any_signed_claims_are_a_grant_or_refused(doctors: Any, exp: Any) -> None:
    check(forged({"d": doctors, "exp": exp}))


@quick
@given(json_values | st.uuids().map(str), st.none() | exps)
def test_any_signed_named_claims_are_a_grant_or_refused(display: Any, exp: Any) -> None:
    check(forged({"n": display} if exp is None else {"n": display, "exp": exp}))


@pytest.mark.parametrize("token", [
    forged({"n": str(DOCTOR), "exp": 1e308}),
    forged({"n": str(DOCTOR), "exp": None}),
    forged({"n": str(DOCTOR), "exp": LATER, "d": [str(DOCTOR)]}),
    forged({"n": str(DOCTOR).upper()}),
    forged({"n": [str(DOCTOR)]}),
    forged({"n": 7}),
    forged({"n": str(DOCTOR), "exp": int(NOW.timestamp())}),  # expired
    forged({"d": [str(DOCTOR)], "exp": 1e308}),
    forged({"d": [str(DOCTOR)], "exp": 10**30}),
    forged({"d": [str(DOCTOR)], "exp": -1}),
    forged({"d": [str(DOCTOR)], "exp": 0}),
    forged({"d": [str(DOCTOR)], "exp": float(LATER)}),
    forged({"d": [str(DOCTOR)], "exp": True}),
    forged({"d": [str(DOCTOR)], "exp": str(LATER)}),
    forged({"d": [str(DOCTOR)]}),
    forged({"exp": LATER}),
    forged({"d": [str(DOCTOR)], "exp": LATER, "admin": True}),
    forged({"d": [], "exp": LATER}),
    forged({"d": str(DOCTOR), "exp": LATER}),
    forged({"d": [1, 2], "exp": LATER}),
    forged({"d": [None], "exp": LATER}),
    forged({"d": [[str(DOCTOR)]], "exp": LATER}),
    forged({"d": [str(DOCTOR).upper()], "exp": LATER}),
    forged({"d": [str(DOCTOR).replace("-", "")], "exp": LATER}),
    forged({"d": ["{" + str(DOCTOR) + "}"], "exp": LATER}),
    forged([str(DOCTOR), LATER]),
    forged("a string"),
    forged(None),
    signed(b64(b"not json")),
    signed(b64(b"\xff\xfe\x00garbage")),
    signed(b64(b"[" * 5000 + b"]" * 5000)),
    signed("x"),  # not base64 (one character)
    forged({"d": [str(DOCTOR)], "exp": LATER}) + ".extra",
    forged({"d": [str(DOCTOR)], "exp": LATER})[:-1],  # altered signature
    "",
    ".",
    "..",
    "a.b.c",
    "abc",
    "é.é",
    "a" * 5000 + "." + "b",
    b64(json.dumps({"d": [str(DOCTOR)], "exp": LATER}).encode()) + ".",
])
def test_malformed_links_are_refused(token: str) -> None:
    with pytest.raises(BadDisplayToken):
        verify(SECRET, token, NOW, max_doctors=MAX)


def test_a_link_names_each_doctor_once_and_at_most_max_doctors() -> None:
    """A link listing one doctor 75 times would cost 75 reads per change per stream."""
    grant = verify(SECRET, forged({"d": [str(DOCTOR)] * 75, "exp": LATER}), NOW,
                   max_doctors=MAX)
    assert grant.doctor_ids == (DOCTOR,)
    doctors = [str(uuid.UUID(int=i)) for i in range(1, MAX + 2)]
    assert verify(SECRET, forged({"d": doctors[:MAX], "exp": LATER}), NOW, max_doctors=MAX)
    with pytest.raises(BadDisplayToken):
        verify(SECRET, forged({"d": doctors, "exp": LATER}), NOW, max_doctors=MAX)


def test_a_signed_link_round_trips_until_it_expires() -> None:
    expires = NOW + timedelta(hours=1)
    token = sign(SECRET, DisplayGrant((DOCTOR, uuid.UUID(int=2)), expires))
    grant = verify(SECRET, token, NOW, max_doctors=MAX)
    assert grant == DisplayGrant((DOCTOR, uuid.UUID(int=2)), expires)
    with pytest.raises(BadDisplayToken):
        verify(SECRET, token, expires, max_doctors=MAX)
    with pytest.raises(BadDisplayToken):
        verify("another secret", token, NOW, max_doctors=MAX)


def test_a_named_displays_tokens_round_trip() -> None:
    """The admin's link has no expiry (the display's revocation ends it); the screen's fresh
    tokens expire."""
    lasting = sign_named(SECRET, NamedGrant(DOCTOR))
    assert verify(SECRET, lasting, NOW + timedelta(days=400), max_doctors=MAX) == NamedGrant(
        DOCTOR)
    expires = NOW + timedelta(minutes=60)
    fresh = sign_named(SECRET, NamedGrant(DOCTOR, expires))
    assert verify(SECRET, fresh, NOW, max_doctors=MAX) == NamedGrant(DOCTOR, expires)
    for token, when, secret in ((fresh, expires, SECRET), (lasting, NOW, "another secret")):
        with pytest.raises(BadDisplayToken):
            verify(secret, token, when, max_doctors=MAX)
