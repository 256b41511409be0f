"""The audit trail's cursor, fuzzed: whatever a client sends, decoding gives a cursor this API
could have given (a UTC time, an id within BIGINT) or InvalidRequest (422), nothing else; the
database never sees an out-of-range value (the reported 500)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hms_reporting.domain.errors import InvalidRequest
from hms_reporting.entrypoints.api.routes.audit import MAX_ENTRY_ID, decode_cursor, encode_cursor


def raw(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def decodes_safely(cursor: str) -> None:
    try:
        decoded = decode_cursor(cursor)
    except InvalidRequest:
        return
    if decoded is None:  # no cursor: the first page
        assert cursor == ""
        return
    at, entry = decoded
    assert at.utcoffset() == timedelta(0) and 0 < entry <= MAX_ENTRY_ID
    assert encode_cursor(decoded) == cursor


offsets = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))
times = st.datetimes(timezones=st.one_of(st.just(UTC), offsets, st.none()))
entries = st.one_of(st.integers(), st.integers(-10, 10), st.integers(2**63 - 3, 2**63 + 3))


@given(st.text(max_size=200))
def test_any_text(cursor: str) -> None:
    decodes_safely(cursor)


@given(st.text(max_size=150))
def test_any_text_in_base64(text: str) -> None:
    decodes_safely(raw(text))


@given(times, entries)
def test_any_time_and_number(at: datetime, entry: int) -> None:
    decodes_safely(raw(f"{at.isoformat()}|{entry}"))


@given(st.datetimes(timezones=st.just(UTC)), st.integers(1, MAX_ENTRY_ID))
def test_every_cursor_the_api_gives_comes_back(at: datetime, entry: int) -> None:
    assert decode_cursor(encode_cursor((at, entry))) == (at, entry)


NASTY = [
    raw("2026-03-02T08:00:00+00:00|99999999999999999999999"),  # beyond BIGINT
    raw(f"2026-03-02T08:00:00+00:00|{2**63}"),
    raw("2026-03-02T08:00:00+00:00|-1"), raw("2026-03-02T08:00:00+00:00|0"),
    raw("2026-03-02T08:00:00+00:00|+7"), raw("2026-03-02T08:00:00+00:00| 7"),
    raw("2026-03-02T08:00:00+00:00|1_000"), raw("2026-03-02T08:00:00+00:00|\u0667"),
    raw("0000-01-01T00:00:00+00:00|1"), raw("10000-01-01T00:00:00+00:00|1"),
    raw("0001-01-01T00:00:00+05:00|1"), raw("9999-12-31T23:59:59-05:00|1"),  # overflow UTC
    raw("2026-03-02T08:00:00|1"), raw("2026-03-02T08:00:00Z|1"),  # naive; not our spelling
    raw("2026-03-02T08:00:00+03:00|1"), raw("2026-02-30T08:00:00+00:00|1"),
    raw("2026-03-02T08:00:00+00:00"), raw("2026-03-02T08:00:00+00:00|1|2"), raw("|"),
    "bm9wZQ", "not base64!", "====", "%%%", "é", "\x00", "a" * 200,
    raw("2026-03-02T08:00:00+00:00|12").rstrip("="),  # padding lost
    raw("2026-03-02T08:00:00+00:00|1") + "AAAA",
    base64.urlsafe_b64encode(b"\xff\xfe|1").decode(),
]


@pytest.mark.parametrize("cursor", NASTY)
def test_nasty_cursors_are_invalid_requests(cursor: str) -> None:
    with pytest.raises(InvalidRequest):
        decode_cursor(cursor)
