"""The pull's cursor, opaque to clients (base64 of a small JSON document).

A bare timestamp or sequence would miss a change whose transaction began before a pull and
committed after it: its row carries a time or number lower than what the pull already read.
So the cursor keeps the ``xmin`` of the pull's snapshot (the oldest transaction still running
then) and the next pull returns every row written by that transaction or a later one. Rows
that were already visible may come again; clients keep the highest ``version`` of a record.

``since``: rows whose transaction id is at least this; ``after``: within one pass over the
feed, rows past this sequence number (the pages of a pull); ``next``: the lowest snapshot
``xmin`` seen during the pass, where the pass after it starts; ``at``: when the pass began
(a cursor older than the feed's retention may have missed purged rows: 410)."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from hms_sync.domain.errors import InvalidRequest


@dataclass(frozen=True)
class Cursor:
    since: int  # transaction id (xid8) the rows must be at least
    after: int  # the last sequence number returned in this pass (0: none yet)
    next: int  # where the next pass starts once this one is done
    at: datetime  # when this pass started

    def encode(self) -> str:
        raw = json.dumps({"v": 1, "s": self.since, "a": self.after, "n": self.next,
                          "t": self.at.isoformat()}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """The cursor a pull answered; anything else is refused (422)."""
        try:
            padded = text + "=" * (-len(text) % 4)
            data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
            cursor = cls(int(data["s"]), int(data["a"]), int(data["n"]),
                         datetime.fromisoformat(data["t"]))
        except (ValueError, TypeError, KeyError, OverflowError, binascii.Error):
            raise InvalidRequest("This cursor is not one a pull answered. Pull again "
                                 "without a cursor.") from None
        if data.get("v") != 1 or cursor.at.tzinfo is None or not (
                0 <= cursor.since <= NEVER and 0 <= cursor.after <= NEVER
                and 0 <= cursor.next <= NEVER):
            raise InvalidRequest("This cursor is not one a pull answered. Pull again "
                                 "without a cursor.")
        return cursor


NEVER = 2**63 - 1  # no snapshot seen yet in this pass


def first(now: datetime) -> Cursor:
    """A pull without a cursor: from the start of the feed (every row the caller may see)."""
    return Cursor(0, 0, NEVER, now.astimezone(UTC))


def following(cursor: Cursor, snapshot_xmin: int, last_seq: int | None, has_more: bool,
              now: datetime) -> Cursor:
    """The cursor after one page read under a snapshot whose xmin is ``snapshot_xmin``: the
    next page of the same pass, or (the pass done) the start of the next pass."""
    lowest = min(cursor.next, snapshot_xmin)
    if has_more:
        return Cursor(cursor.since, last_seq or cursor.after, lowest, cursor.at)
    return Cursor(lowest, 0, lowest, now.astimezone(UTC))
