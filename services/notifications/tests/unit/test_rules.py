"""The notification rules (README), quiet hours and the choice of channels, in plain Python."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from hms_notifications.domain import model as m
from hms_notifications.domain.errors import InvalidRequest
from hms_notifications.domain.rules import Rules

TZ = ZoneInfo("Africa/Nairobi")  # UTC+3
NOW = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # 08:00 in the clinic
RULES = Rules(clinic_tz=TZ)
ALL = frozenset(m.CHANNELS)
P = uuid.uuid4()
CONTACT = m.Contact(P, "patient", "Amina", "+254700000001", "a@example.org")


def local(day: int, hhmm: str) -> datetime:
    return datetime(2026, 3, day, *map(int, hhmm.split(":")), tzinfo=TZ).astimezone(UTC)


def test_a_booking_confirms_on_three_channels_and_schedules_two_reminders() -> None:
    appt, start = uuid.uuid4(), local(4, "10:00")
    confirmation, *reminders = RULES.booked(appt, P, start, NOW, "Dr Otieno")
    assert (confirmation.kind, confirmation.channels, confirmation.dedup_key) == (
        "appointment_booked", ("sms", "push", "email"), f"{appt}:booked")
    assert [(r.kind, r.channels, r.due_at) for r in reminders] == [
        ("appointment_reminder", ("sms", "push"), start - timedelta(hours=24)),
        ("appointment_reminder", ("sms", "push"), start - timedelta(hours=2))]
    assert len({r.dedup_key for r in reminders}) == 2
    assert all(str(appt) in r.dedup_key and "1440m" in reminders[0].dedup_key
               for r in reminders)


def test_reminders_already_past_are_not_made_and_the_start_is_in_the_key() -> None:
    appt = uuid.uuid4()
    soon = RULES.reminders(appt, P, NOW + timedelta(hours=3), NOW)
    assert [r.due_at for r in soon] == [NOW + timedelta(hours=1)]  # the 24 h one is past
    later = RULES.reminders(appt, P, NOW + timedelta(hours=4), NOW)
    assert soon[0].dedup_key != later[0].dedup_key  # a reschedule's reminders are new


def test_turn_approaching_only_at_or_under_the_threshold_and_once_per_ticket() -> None:
    ticket = uuid.uuid4()
    assert RULES.turn_approaching(ticket, P, 4, 20, NOW) == []
    a = RULES.turn_approaching(ticket, P, 3, 15, NOW)
    b = RULES.turn_approaching(ticket, P, 2, 10, NOW)
    assert a[0].dedup_key == b[0].dedup_key == f"{ticket}:approaching:3"


def test_each_call_of_a_ticket_is_its_own_turn_now() -> None:
    ticket = uuid.uuid4()
    first = RULES.turn_now(ticket, P, 7, "12", NOW, NOW)[0]
    again = RULES.turn_now(ticket, P, 7, "12", NOW, NOW)[0]
    second = RULES.turn_now(ticket, P, 7, "12", NOW + timedelta(minutes=5), NOW)[0]
    assert first.dedup_key == again.dedup_key != second.dedup_key
    assert first.params == {"number": 7, "room": "12"}


def test_penalty_goes_by_email_and_sms_with_the_count_and_the_policy() -> None:
    intent = RULES.penalty(uuid.uuid4(), P, 2, NOW)[0]
    assert intent.channels == ("email", "sms")
    assert intent.params == {"active": 2, "limit": 3, "window_days": 90}


@pytest.mark.parametrize(("wall", "expected"), [
    ("21:59", "21:59"), ("22:00", "07:00+1"), ("23:30", "07:00+1"), ("03:00", "07:00"),
    ("07:00", "07:00"), ("12:00", "12:00")])
def test_quiet_hours_across_midnight_release_at_their_end(wall: str, expected: str) -> None:
    quiet = m.QuietHours(time(22), time(7))
    got = quiet.release(local(2, wall), TZ)
    hhmm, _, plus = expected.partition("+")
    assert got == local(2 + int(plus or 0), hhmm)


def test_quiet_hours_within_one_day() -> None:
    quiet = m.QuietHours(time(12), time(14))
    assert quiet.release(local(2, "13:00"), TZ) == local(2, "14:00")
    assert quiet.release(local(2, "14:00"), TZ) == local(2, "14:00")


def test_quiet_hours_that_start_where_they_end_and_unknown_channels_are_refused() -> None:
    with pytest.raises(InvalidRequest):
        m.QuietHours(time(8), time(8))
    with pytest.raises(InvalidRequest, match="fax"):
        m.Preferences(P, frozenset({"sms", "fax"}))


def plan(intent: m.Intent, contact: m.Contact | None = CONTACT, prefs: m.Preferences | None = None,
         enabled: frozenset[str] = ALL) -> tuple[list[tuple[str, datetime]], list[str]]:
    messages, skipped = RULES.plan(intent, contact, prefs or m.Preferences(P, devices=("d",)),
                                   enabled, NOW)
    return [(x.channel, x.due_at) for x in messages], skipped


def test_a_reminder_waits_for_the_end_of_quiet_hours_a_turn_does_not() -> None:
    quiet = m.Preferences(P, quiet_hours=m.QuietHours(time(22), time(7)), devices=("d",))
    [reminder] = RULES.reminders(uuid.uuid4(), P, local(3, "08:00"), local(2, "20:00"))
    assert reminder.due_at == local(3, "06:00")
    assert plan(reminder, prefs=quiet)[0] == [("sms", local(3, "07:00")),
                                              ("push", local(3, "07:00"))]
    night = RULES.reminders(uuid.uuid4(), P, local(3, "00:30"), local(2, "12:00"))[0]
    assert night.due_at == local(2, "22:30")
    got, _ = plan(night, prefs=quiet)
    assert got == []  # released at 07:00, after the 00:30 appointment: dropped
    called = RULES.turn_now(uuid.uuid4(), P, 3, "4", local(2, "23:00"), local(2, "23:00"))[0]
    assert plan(called, prefs=quiet)[0] == [("sms", local(2, "23:00")), ("push", local(2, "23:00"))]
    booked = RULES.booked(uuid.uuid4(), P, local(4, "10:00"), local(2, "23:00"))[0]
    assert {due for _, due in plan(booked, prefs=quiet)[0]} == {local(3, "07:00")}


def test_channels_follow_preferences_and_contact_details() -> None:
    booked = RULES.booked(uuid.uuid4(), P, local(4, "10:00"), NOW)[0]
    assert [c for c, _ in plan(booked)[0]] == ["sms", "push", "email"]
    email_only = m.Preferences(P, frozenset({"email"}), devices=("d",))
    got, skipped = plan(booked, prefs=email_only)
    assert [c for c, _ in got] == ["email"]
    assert skipped == ["sms: not wanted", "push: not wanted"]
    no_phone = m.Contact(P, "patient", "A", None, "a@example.org")
    got, skipped = plan(booked, contact=no_phone)
    assert [c for c, _ in got] == ["push", "email"] and skipped == ["sms: no phone number"]
    assert plan(booked, enabled=frozenset({"email"}))[0] == [("email", NOW)]


def test_push_without_a_device_falls_back_to_sms_once() -> None:
    booked = RULES.booked(uuid.uuid4(), P, local(4, "10:00"), NOW)[0]
    got, _ = plan(booked, prefs=m.Preferences(P))
    assert [c for c, _ in got] == ["sms", "email"]  # push became sms, which was there already
    push_only = m.Preferences(P, frozenset({"push", "sms"}))
    called = RULES.turn_now(uuid.uuid4(), P, 3, "4", NOW, NOW)[0]
    assert [c for c, _ in plan(called, prefs=push_only)[0]] == ["sms"]


def test_nobody_to_send_to() -> None:
    booked = RULES.booked(uuid.uuid4(), P, local(4, "10:00"), NOW)[0]
    assert plan(booked, contact=None) == ([], ["no contact details"])
    gone = m.Contact(P, "patient", "A", "+254700000001", active=False)
    assert plan(booked, contact=gone) == ([], ["user deactivated"])


def test_a_reset_code_goes_by_sms_whatever_the_preferences() -> None:
    code = RULES.reset_code(P, "v1.sealed", NOW + timedelta(hours=1), NOW)[0]
    no_sms = m.Preferences(P, frozenset({"email"}),
                           quiet_hours=m.QuietHours(time(0), time(23, 59)))
    assert plan(code, prefs=no_sms)[0] == [("sms", NOW)]
    assert code.params["sealed_code"] == "v1.sealed"
