"""Periods and groupings: defaults, and the requests refused."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from hms_reporting.domain.errors import InvalidRequest
from hms_reporting.domain.queries import Period, check_grouping

TODAY = date(2026, 3, 2)


def test_without_dates_it_is_the_last_30_days() -> None:
    assert Period.of(None, None, TODAY, 30) == Period(date(2026, 2, 1), TODAY)


def test_from_after_to_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="after"):
        Period.of(date(2026, 3, 3), TODAY, TODAY, 30)


def test_two_years_pass_and_a_day_more_is_refused() -> None:
    assert Period.of(date(2024, 3, 3), TODAY, TODAY, 30).start == date(2024, 3, 3)
    with pytest.raises(InvalidRequest, match="two years"):
        Period.of(date(2024, 3, 1), TODAY, TODAY, 30)


def test_instants_are_the_clinic_midnights() -> None:
    start, end = Period(TODAY, TODAY).instants(ZoneInfo("Africa/Nairobi"))
    assert start == datetime(2026, 3, 1, 21, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 2, 21, 0, tzinfo=UTC)


def test_an_unknown_grouping_is_refused() -> None:
    assert check_grouping("no_shows", "patient") == "patient"
    with pytest.raises(InvalidRequest, match="group_by"):
        check_grouping("penalties", "day")
