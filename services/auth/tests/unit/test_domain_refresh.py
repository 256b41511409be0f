"""Refresh-token families: rotation, reuse detection, idle and absolute expiry."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from hms_auth.domain.errors import InvalidRefreshToken, RefreshTokenReused
from hms_auth.domain.events import RefreshTokenReuseDetected
from hms_auth.domain.policy import AuthPolicy
from hms_auth.domain.refresh import RefreshFamily, hash_refresh_token

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = AuthPolicy(refresh_idle_ttl=timedelta(days=7), refresh_absolute_ttl=timedelta(days=30))


def test_a_sign_in_starts_a_family_with_its_first_token() -> None:
    user_id = uuid.uuid4()
    family, token, raw = RefreshFamily.start(user_id, NOW, POLICY)
    assert (family.user_id, family.expires_at) == (user_id, NOW + timedelta(days=30))
    assert token.family_id == family.id and token.idle_expires_at == NOW + timedelta(days=7)
    assert token.token_hash == hash_refresh_token(raw) != raw
    assert len(raw) >= 43 and len(token.token_hash) == 64


def test_rotation_spends_the_token_and_issues_a_different_one() -> None:
    family, token, raw = RefreshFamily.start(uuid.uuid4(), NOW, POLICY)
    later = NOW + timedelta(days=6)
    successor, new_raw = family.rotate(token, later, POLICY)
    assert token.spent_at == later
    assert new_raw != raw and successor.token_hash == hash_refresh_token(new_raw)
    assert successor.idle_expires_at == later + timedelta(days=7)
    assert not family.revoked and family.pull_events() == []


def test_a_spent_token_used_again_revokes_the_family_and_says_so() -> None:
    family, token, _ = RefreshFamily.start(uuid.uuid4(), NOW, POLICY)
    family.rotate(token, NOW, POLICY)
    with pytest.raises(RefreshTokenReused):
        family.rotate(token, NOW + timedelta(minutes=1), POLICY)
    assert family.revoked_reason == "reuse"
    assert family.pull_events() == [RefreshTokenReuseDetected(family.user_id, family.id)]


def test_a_revoked_family_refuses_every_token_without_another_alarm() -> None:
    family, token, _ = RefreshFamily.start(uuid.uuid4(), NOW, POLICY)
    family.revoke(NOW, "logout")
    family.revoke(NOW + timedelta(hours=1), "other")  # the first revocation stands
    with pytest.raises(InvalidRefreshToken) as refused:
        family.rotate(token, NOW, POLICY)
    assert type(refused.value) is InvalidRefreshToken
    assert (family.revoked_at, family.revoked_reason) == (NOW, "logout")
    assert family.pull_events() == []


def test_the_family_ends_at_its_absolute_lifetime_however_often_it_rotates() -> None:
    family, token, _ = RefreshFamily.start(uuid.uuid4(), NOW, POLICY)
    when = NOW
    for _ in range(4):  # every six days: never idle for long
        when += timedelta(days=6)
        token, _ = family.rotate(token, when, POLICY)
    assert token.idle_expires_at == family.expires_at  # capped by the family
    with pytest.raises(InvalidRefreshToken):
        family.rotate(token, NOW + timedelta(days=30), POLICY)


def test_an_idle_token_expires() -> None:
    family, token, _ = RefreshFamily.start(uuid.uuid4(), NOW, POLICY)
    with pytest.raises(InvalidRefreshToken):
        family.rotate(token, NOW + timedelta(days=7), POLICY)
    assert token.spent_at is None and not family.revoked
