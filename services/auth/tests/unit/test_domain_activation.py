"""Activation codes: random, readable, single use, and they expire."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from hms_auth.domain.activation import (
    ALPHABET,
    CODE_LENGTH,
    ActivationCode,
    display_code,
    new_activation_code,
    normalise_code,
)
from hms_auth.domain.errors import InvalidActivationCode

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def code() -> ActivationCode:
    return ActivationCode.issue(uuid.uuid4(), "hash", NOW, timedelta(hours=24))


def test_codes_are_long_random_and_free_of_look_alike_characters() -> None:
    codes = {new_activation_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == CODE_LENGTH >= 8 and set(c) <= set(ALPHABET) for c in codes)
    assert not set("01ILO") & set(ALPHABET)


def test_what_people_type_back_is_the_code() -> None:
    raw = new_activation_code()
    shown = display_code(raw)
    assert shown[5] == "-" and len(shown) == CODE_LENGTH + 1
    assert normalise_code(f" {shown.lower()} ") == raw
    assert normalise_code(shown.replace("-", " ")) == raw


def test_a_code_redeems_once_before_it_expires() -> None:
    activation = code()
    activation.redeem(NOW + timedelta(hours=23, minutes=59))
    assert activation.used_at == NOW + timedelta(hours=23, minutes=59)
    with pytest.raises(InvalidActivationCode):
        activation.redeem(NOW + timedelta(hours=23, minutes=59, seconds=1))


@pytest.mark.parametrize("age", [timedelta(hours=24), timedelta(days=3)])
def test_an_expired_code_is_refused_like_a_wrong_one(age: timedelta) -> None:
    activation = code()
    assert not activation.is_redeemable(NOW + age)
    with pytest.raises(InvalidActivationCode) as refused:
        activation.redeem(NOW + age)
    assert str(refused.value) == "The phone number or activation code is not valid."
    assert activation.used_at is None
