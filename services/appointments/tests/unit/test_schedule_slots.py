"""Schedules: validation, slots on a day (across both DST changes), bookable slots."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from hms_appointments.domain import errors as exc
from hms_appointments.domain.events import ScheduleChanged
from hms_appointments.domain.schedule import Schedule, TimeOff, WeeklyHours

LONDON, NAIROBI = ZoneInfo("Europe/London"), ZoneInfo("Africa/Nairobi")
SPRING, AUTUMN = date(2026, 3, 29), date(2026, 10, 25)  # both Sundays (weekday 6)


def every_day(start: str, end: str, minutes: int = 60, off: tuple[TimeOff, ...] = ()) -> Schedule:
    weekly = [WeeklyHours(d, time.fromisoformat(start), time.fromisoformat(end))
              for d in range(7)]
    return Schedule.define(uuid.uuid4(), minutes, weekly, off)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_define_records_schedule_changed() -> None:
    schedule = every_day("09:00", "12:00")
    assert schedule.events == [ScheduleChanged(schedule.doctor_id)]


def test_a_day_is_cut_into_equal_slots_in_the_clinic_zone() -> None:
    slots = every_day("09:00", "11:00", 30).slots_on(date(2026, 3, 2), NAIROBI)
    assert [s.start for s in slots] == [utc(2026, 3, 2, 6, 0), utc(2026, 3, 2, 6, 30),
                                        utc(2026, 3, 2, 7, 0), utc(2026, 3, 2, 7, 30)]
    assert all(s.end - s.start == timedelta(minutes=30) for s in slots)


def test_a_trailing_piece_shorter_than_a_slot_is_not_a_slot() -> None:
    assert len(every_day("09:00", "10:50", 30).slots_on(date(2026, 3, 2), NAIROBI)) == 3


def test_office_hours_follow_the_wall_clock_across_the_spring_change() -> None:
    schedule = every_day("09:00", "11:00")
    before = schedule.slots_on(SPRING - timedelta(days=1), LONDON)  # GMT
    on = schedule.slots_on(SPRING, LONDON)  # BST from 01:00 GMT
    assert [s.start for s in before] == [utc(2026, 3, 28, 9), utc(2026, 3, 28, 10)]
    assert [s.start for s in on] == [utc(2026, 3, 29, 8), utc(2026, 3, 29, 9)]


def test_office_hours_follow_the_wall_clock_across_the_autumn_change() -> None:
    schedule = every_day("09:00", "11:00")
    assert [s.start for s in schedule.slots_on(AUTUMN - timedelta(days=1), LONDON)] == [
        utc(2026, 10, 24, 8), utc(2026, 10, 24, 9)]
    assert [s.start for s in schedule.slots_on(AUTUMN, LONDON)] == [
        utc(2026, 10, 25, 9), utc(2026, 10, 25, 10)]


def test_a_night_range_spanning_the_spring_gap_has_two_hours_not_three() -> None:
    slots = every_day("00:00", "03:00").slots_on(SPRING, LONDON)
    # 00:00 GMT, then 02:00 BST: the hour 01:00-02:00 never happens on the wall.
    assert [s.start for s in slots] == [utc(2026, 3, 29, 0), utc(2026, 3, 29, 1)]
    assert [s.start.astimezone(LONDON).hour for s in slots] == [0, 2]


def test_a_night_range_spanning_the_autumn_repeat_has_four_hours_not_three() -> None:
    slots = every_day("00:00", "03:00").slots_on(AUTUMN, LONDON)
    assert [s.start for s in slots] == [utc(2026, 10, 24, 23), utc(2026, 10, 25, 0),
                                        utc(2026, 10, 25, 1), utc(2026, 10, 25, 2)]
    # 01:00 happens twice on the wall, as two distinct slots.
    assert [s.start.astimezone(LONDON).hour for s in slots] == [0, 1, 1, 2]
    assert len({s.start for s in slots}) == 4


def test_bookable_slot_is_found_on_the_dst_day() -> None:
    schedule = every_day("09:00", "11:00")
    slot = schedule.bookable_slot(utc(2026, 3, 29, 8), LONDON, utc(2026, 3, 1, 0))
    assert slot.end == utc(2026, 3, 29, 9)
    day_before = schedule.bookable_slot(utc(2026, 3, 28, 10), LONDON, utc(2026, 3, 1, 0))
    assert day_before.start == utc(2026, 3, 28, 10)  # 10:00 GMT, the last slot
    with pytest.raises(exc.OutsideHours):  # the same UTC time is 11:00 BST: closed
        schedule.bookable_slot(utc(2026, 3, 29, 10), LONDON, utc(2026, 3, 1, 0))
    with pytest.raises(exc.NotOnSlotBoundary):  # 09:30 BST
        schedule.bookable_slot(utc(2026, 3, 29, 8, 30), LONDON, utc(2026, 3, 1, 0))


@pytest.mark.parametrize(("start", "error"), [
    (utc(2026, 3, 2, 6, 10), exc.NotOnSlotBoundary),  # 09:10 local
    (utc(2026, 3, 2, 6, 0, 1), exc.NotOnSlotBoundary),
    (utc(2026, 3, 2, 5, 0), exc.OutsideHours),  # 08:00 local
    (utc(2026, 3, 2, 9, 0), exc.OutsideHours),  # 12:00 local, closing time
    (utc(2026, 3, 2, 7, 0), exc.SlotInTimeOff),  # 10:00 local
    (utc(2026, 3, 2, 4, 30), exc.OutsideHours),
])
def test_bookable_slot_refuses_with_the_reason(start: datetime, error: type) -> None:
    off = (TimeOff(utc(2026, 3, 2, 7, 15), utc(2026, 3, 2, 7, 45)),)
    schedule = every_day("09:00", "12:00", 30, off)
    with pytest.raises(error):
        schedule.bookable_slot(start, NAIROBI, utc(2026, 3, 1))


def test_a_slot_that_began_or_passed_is_not_bookable() -> None:
    schedule = every_day("09:00", "12:00", 30)
    start = utc(2026, 3, 2, 6, 30)
    assert schedule.bookable_slot(start, NAIROBI, start - timedelta(seconds=1)).start == start
    for now in (start, start + timedelta(minutes=1)):
        with pytest.raises(exc.SlotInPast):
            schedule.bookable_slot(start, NAIROBI, now)


@pytest.mark.parametrize(("minutes", "weekly", "off"), [
    (4, [(0, "09:00", "10:00")], []),
    (241, [(0, "09:00", "10:00")], []),
    (30, [(0, "10:00", "09:00")], []),
    (30, [(0, "10:00", "10:00")], []),
    (30, [(7, "09:00", "10:00")], []),
    (30, [(0, "09:00", "12:00"), (0, "11:30", "13:00")], []),
    (30, [(2, "13:00", "15:00"), (2, "08:00", "13:30")], []),
    (30, [], [(utc(2026, 3, 2, 10), utc(2026, 3, 2, 9))]),
    (30, [], [(datetime(2026, 3, 2, 9), datetime(2026, 3, 2, 10))]),
])
def test_invalid_schedules_are_refused(minutes, weekly, off) -> None:
    hours = [WeeklyHours(d, time.fromisoformat(a), time.fromisoformat(b)) for d, a, b in weekly]
    with pytest.raises(exc.InvalidSchedule):
        Schedule.define(uuid.uuid4(), minutes, hours, [TimeOff(a, b) for a, b in off])


def test_touching_ranges_and_the_same_hours_on_other_days_are_fine() -> None:
    hours = [WeeklyHours(0, time(9), time(12)), WeeklyHours(0, time(12), time(13)),
             WeeklyHours(1, time(9), time(12))]
    schedule = Schedule.define(uuid.uuid4(), 60, hours)
    assert len(schedule.slots_on(date(2026, 3, 2), NAIROBI)) == 4  # a Monday
    assert len(schedule.slots_on(date(2026, 3, 4), NAIROBI)) == 0  # a Wednesday
