"""A doctor's weekly hours, time off, and the slots they give on a day.

Hours are wall-clock times in the clinic's zone; slots are absolute (UTC) instants. A day's
range is converted to UTC once and then cut into equal slots, so a range that spans a DST
change is as long as the clock on the wall says it is (e.g. 00:00-03:00 in London is 2 hours
on 2026-03-29 and 4 hours on 2026-10-25). A local time that does not exist (in the spring gap)
resolves with the offset before the change (PEP 495, fold=0).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import pairwise

from hms_appointments.domain import errors as exc
from hms_appointments.domain.events import DomainEvent, ScheduleChanged

MIN_SLOT_MINUTES, MAX_SLOT_MINUTES = 5, 240
DEFAULT_SLOT_MINUTES = 15  # what a doctor with no hours yet is shown


@dataclass(frozen=True)
class WeeklyHours:
    weekday: int  # Monday = 0, as date.weekday()
    start: time
    end: time


@dataclass(frozen=True)
class TimeOff:
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    day: date | None = None  # the clinic day it starts on (set by the schedule that gave it)

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


@dataclass(eq=False)
class Schedule:
    doctor_id: uuid.UUID
    slot_minutes: int
    weekly: tuple[WeeklyHours, ...]
    time_off: tuple[TimeOff, ...] = ()
    events: list[DomainEvent] = field(default_factory=list, repr=False)

    @classmethod
    def define(
        cls, doctor_id: uuid.UUID, slot_minutes: int, weekly: Iterable[WeeklyHours],
        time_off: Iterable[TimeOff] = (),
    ) -> Schedule:
        """A validated schedule that records ``ScheduleChanged``; InvalidSchedule otherwise."""
        schedule = cls(doctor_id, slot_minutes, tuple(weekly), tuple(time_off))
        schedule._validate()
        schedule.events.append(ScheduleChanged(doctor_id=doctor_id))
        return schedule

    def _validate(self) -> None:
        if not MIN_SLOT_MINUTES <= self.slot_minutes <= MAX_SLOT_MINUTES:
            raise exc.InvalidSchedule(
                f"slot_minutes must be between {MIN_SLOT_MINUTES} and {MAX_SLOT_MINUTES}.")
        for hours in self.weekly:
            if not 0 <= hours.weekday <= 6:
                raise exc.InvalidSchedule("weekday must be 0 (Monday) to 6 (Sunday).")
            if hours.end <= hours.start:
                raise exc.InvalidSchedule(
                    f"Weekday {hours.weekday}: end {hours.end:%H:%M} must be after start "
                    f"{hours.start:%H:%M}.")
        for day in range(7):
            ranges = sorted((h for h in self.weekly if h.weekday == day), key=lambda h: h.start)
            for before, after in pairwise(ranges):
                if after.start < before.end:
                    raise exc.InvalidSchedule(
                        f"Weekday {day}: {before.start:%H:%M}-{before.end:%H:%M} overlaps "
                        f"{after.start:%H:%M}-{after.end:%H:%M}.")
        for off in self.time_off:
            if off.start.tzinfo is None or off.end.tzinfo is None:
                raise exc.InvalidSchedule("time_off needs times with a UTC offset.")
            if off.end <= off.start:
                raise exc.InvalidSchedule("time_off: end must be after start.")

    def ranges_on(self, day: date, tz: tzinfo) -> list[tuple[datetime, datetime]]:
        """The day's working ranges as UTC instants, in order."""
        ranges = sorted((h for h in self.weekly if h.weekday == day.weekday()),
                        key=lambda h: h.start)
        return [(_instant(day, h.start, tz), _instant(day, h.end, tz)) for h in ranges]

    def slots_on(self, day: date, tz: tzinfo) -> list[Slot]:
        """Every slot the doctor gives on the local date ``day`` (a trailing part too short
        for a whole slot is not one)."""
        step = timedelta(minutes=self.slot_minutes)
        slots = []
        for start, end in self.ranges_on(day, tz):
            at = start
            while at + step <= end:
                slots.append(Slot(at, at + step, day))
                at += step
        return slots

    def in_time_off(self, slot: Slot) -> bool:
        return any(slot.overlaps(off.start, off.end) for off in self.time_off)

    def bookable_slot(self, start: datetime, tz: tzinfo, now: datetime) -> Slot:
        """The slot starting at ``start`` if it can be booked at ``now``; InvalidSlot else."""
        day = start.astimezone(tz).date()
        step = timedelta(minutes=self.slot_minutes)
        ranges = self.ranges_on(day, tz)
        # The slot of slots_on(day) that starts at ``start``, found without listing the day.
        slot = next((Slot(start, start + step, day) for a, b in ranges
                     if a <= start and start + step <= b and not (start - a) % step), None)
        if slot is None:
            within = [(a, b) for a, b in ranges if a <= start < b]
            if within and (start - within[0][0]) % step:
                raise exc.NotOnSlotBoundary(
                    f"{start.isoformat()} is not on a {self.slot_minutes}-minute slot boundary.")
            raise exc.OutsideHours(f"{start.isoformat()} is outside the doctor's hours.")
        if self.in_time_off(slot):
            raise exc.SlotInTimeOff(f"{start.isoformat()} falls in the doctor's time off.")
        if slot.start <= now:
            raise exc.SlotInPast(f"{start.isoformat()} has already begun or passed.")
        return slot


def _instant(day: date, at: time, tz: tzinfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
