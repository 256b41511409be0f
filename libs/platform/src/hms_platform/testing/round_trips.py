"""What an engine sends to Postgres while a block runs, one entry a round trip (every statement,
and BEGIN, COMMIT and ROLLBACK): tests count a handler's round trips with it, and fail when one
grows back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine


@contextmanager
def round_trips(engine: AsyncEngine) -> Iterator[list[str]]:
    """The statements (whitespace folded) and transaction ends ``engine`` sends meanwhile."""
    sent: list[str] = []
    listeners = [
        ("before_cursor_execute", lambda *args: sent.append(" ".join(args[2].split()))),
        ("begin", lambda _conn: sent.append("BEGIN")),
        ("commit", lambda _conn: sent.append("COMMIT")),
        ("rollback", lambda _conn: sent.append("ROLLBACK"))]
    for name, fn in listeners:
        sa.event.listen(engine.sync_engine, name, fn)
    try:
        yield sent
    finally:
        for name, fn in listeners:
            sa.event.remove(engine.sync_engine, name, fn)
