"""The pull's cursor: opaque, refused when forged, and the next pass starts at the lowest
snapshot xmin of the pass before it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hms_sync.domain.cursor import NEVER, Cursor, first, following
from hms_sync.domain.errors import InvalidRequest

T = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_cursor_round_trips() -> None:
    cursor = Cursor(1234, 56, 1200, T)
    assert Cursor.decode(cursor.encode()) == cursor


@pytest.mark.parametrize("text", ["", "nonsense", "e30", "eyJ2IjoyfQ", "%%%", "A" * 7,
                                  Cursor(-1, 0, 0, T).encode()])
def test_anything_but_a_cursor_a_pull_answered_is_refused(text: str) -> None:
    with pytest.raises(InvalidRequest):
        Cursor.decode(text)


def test_pages_keep_their_pass_and_the_next_pass_starts_at_the_lowest_xmin() -> None:
    start = first(T)
    assert start.next == NEVER
    page1 = following(start, snapshot_xmin=900, last_seq=10, has_more=True, now=T)
    assert (page1.since, page1.after, page1.next, page1.at) == (0, 10, 900, T)
    page2 = following(page1, snapshot_xmin=950, last_seq=None, has_more=False,
                      now=T + timedelta(seconds=1))
    assert (page2.since, page2.after, page2.next) == (900, 0, 900)
    assert page2.at == T + timedelta(seconds=1)
