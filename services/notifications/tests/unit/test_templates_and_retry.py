"""Texts per kind and channel, and the retry policy."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hms_notifications.domain.delivery import RetryPolicy
from hms_notifications.domain.templates import SMS_SEGMENT, TEMPLATES, render

TZ = ZoneInfo("Africa/Nairobi")
START = datetime(2026, 3, 4, 7, 30, tzinfo=UTC)  # 10:30 in Nairobi
GSM7 = re.compile(  # the GSM 03.38 basic set: one character, one septet
    r"^[A-Za-z0-9 @£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!\"#¤%&'()*+,\-./:;<=>?¡ÄÖÑÜ§¿äöñüà\n]*$")
PARAMS = {"start": START.isoformat(), "doctor": "Dr Otieno Wekesa", "ref": str(uuid.uuid4()),
          "lead_minutes": 120, "people_ahead": 3, "eta_minutes": 25, "number": 142,
          "room": "12B", "active": 2, "limit": 3, "window_days": 90,
          "expires_at": (START + timedelta(hours=1)).isoformat()}


@pytest.mark.parametrize(("kind", "channel"),
                         [(k, c) for k, by in TEMPLATES.items() for c in by])
def test_every_template_fills_every_placeholder(kind: str, channel: str) -> None:
    text = render(kind, channel, PARAMS, TZ, name="Amina", code="ABCDE-FGHJK")
    assert "$" not in text.title + text.body
    if channel == "sms":
        assert len(text.body) <= SMS_SEGMENT, text.body
        assert GSM7.match(text.body), text.body
    if channel in ("push", "email"):
        assert text.title


def test_times_are_in_the_clinics_zone_and_nothing_clinical() -> None:
    text = render("appointment_booked", "sms", PARAMS, TZ)
    assert "Wed 04 Mar 10:30" in text.body and "Dr Otieno Wekesa" in text.body
    assert PARAMS["ref"][:8].upper() in text.body
    assert render("appointment_reminder", "push", PARAMS, TZ).body.endswith("(in 2 h).")
    assert "room 12B" in render("turn_now", "sms", PARAMS, TZ).body


def test_the_reset_code_appears_only_in_its_own_text() -> None:
    text = render("password_reset_code", "sms", PARAMS, TZ, code="ABCDE-FGHJK")
    assert "ABCDE-FGHJK" in text.body and "Wed 04 Mar 11:30" in text.body


def test_penalty_email_names_the_count_and_the_policy() -> None:
    one = render("no_show_penalty", "email", {**PARAMS, "active": 1}, TZ, name="Amina").body
    assert "1 active no-show penalty (the limit is 3 within 90 days)" in one
    assert "Hello Amina" in one


def test_backoff_doubles_up_to_the_cap_then_gives_up() -> None:
    policy = RetryPolicy(max_attempts=6, base=timedelta(seconds=2),
                         cap=timedelta(seconds=10), jitter=0.5)
    assert [policy.delay(n, None, lambda: 0.0) for n in range(1, 6)] == [
        timedelta(seconds=s) for s in (2, 4, 8, 10, 10)]
    assert policy.delay(6, None, lambda: 0.0) is None


def test_jitter_shortens_by_up_to_its_share() -> None:
    policy = RetryPolicy(base=timedelta(seconds=8), jitter=0.5)
    assert policy.delay(1, None, lambda: 1.0) == timedelta(seconds=4)
    assert policy.delay(1, None, lambda: 0.5) == timedelta(seconds=6)


def test_retry_after_is_honoured_but_bounded() -> None:
    policy = RetryPolicy(base=timedelta(seconds=2), max_retry_after=timedelta(minutes=5))
    assert policy.delay(1, 30, lambda: 0.0) == timedelta(seconds=30)
    assert policy.delay(1, 0.5, lambda: 0.0) == timedelta(seconds=2)  # never sooner than backoff
    assert policy.delay(1, 86_400, lambda: 0.0) == timedelta(minutes=5)
