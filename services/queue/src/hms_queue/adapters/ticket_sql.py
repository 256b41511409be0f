"""The ticket repository's fixed statements, built once at import (SQLAlchemy builds a cache
key for every new construct, CPU spent again on every event): a ticket's write and its new
history entries in one statement, a new ticket's insert and its place in the line in one,
and a check-in's reads in one (the consumer's CPU went mostly to its round trips, one set of
socket calls each: a check-in made 20, now 8).

A write's history entries travel as one JSON array (``:history``), inserted in array order
(their ids keep the order of the moves). No savepoint around a write: a constraint it breaks
ends the handler with a domain error, and the unit of work then rolls back all of it."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from hms_queue.adapters.orm import ACTIVE, LINES_CHANNEL, SCHEMA, tickets
from hms_queue.domain.ordering import ALL, LEVELS, MIN_UUID, NONE, ahead_bound, order_key
from hms_queue.domain.ticket import Ticket

FIELDS = [c.name for c in tickets.columns]
_SELECT = ", ".join(f"t.{name}" for name in FIELDS)
# The order of the waiting tickets t: domain.ordering.effective_urgency, then FIFO.
_ORDER = """CASE WHEN :aging > 0 THEN greatest(1, t.urgency - floor(
             greatest(0, extract(epoch FROM CAST(:now AS timestamptz) - t.queued_at))
             / (:aging * 60))::int)
         ELSE t.urgency END, t.queued_at, t.id"""
# Each level's head in FIFO order (an index range), then the few candidates sorted by the
# effective urgency: never the whole line. Same rule as domain.ordering.effective_urgency.
_HEADS = f"""
SELECT {_SELECT} FROM (VALUES (1), (2), (3), (4), (5)) AS lv(level)
CROSS JOIN LATERAL (
    SELECT * FROM {SCHEMA}.tickets
    WHERE doctor_id = :doctor AND clinic_day = :day AND status = 'waiting'
      AND urgency = lv.level
    ORDER BY queued_at, id LIMIT :per_level) AS t
ORDER BY {_ORDER}"""
IN_ORDER = sa.text(_HEADS + "\nLIMIT :limit OFFSET :offset")
_HISTORY = f"""
INSERT INTO {SCHEMA}.ticket_history (ticket_id, at, action, by, detail)
SELECT w.id, CAST(h.doc->>'at' AS timestamptz), h.doc->>'action', CAST(h.doc->>'by' AS uuid),
       h.doc->'detail'
FROM written AS w, jsonb_array_elements(CAST(:history AS jsonb)) WITH ORDINALITY AS h(doc, n)
ORDER BY h.n"""
_BINDS = [sa.bindparam("field_times", type_=JSONB), sa.bindparam("history", type_=sa.Text)]

_INSERT = f"""
WITH written AS (
  INSERT INTO {SCHEMA}.tickets ({", ".join(FIELDS)})
  VALUES ({", ".join(f":{name}" for name in FIELDS)})
  RETURNING id
)"""
ADD = sa.text(_INSERT + _HISTORY).bindparams(*_BINDS)

SAVE = sa.text(f"""
WITH written AS (
  UPDATE {SCHEMA}.tickets SET {", ".join(f"{name} = :{name}" for name in FIELDS if name != "id")}
  WHERE id = :id
  RETURNING id
){_HISTORY}""").bindparams(*_BINDS)

# Every change to a doctor's lines takes this lock first (README, "Call-next").
LOCK_LINE = sa.text("SELECT pg_advisory_xact_lock(hashtext('queue.lines'), hashtext(:line))")
BUMP = sa.text(f"""
UPDATE {SCHEMA}.lines SET last_number = last_number + 1
WHERE doctor_id = :doctor AND clinic_day = :day
RETURNING letter, last_number""")

# A check-in's questions, under the line's lock: has the appointment a ticket (in any line),
# did it end before, is the patient in this line today, the doctor (LEFT JOIN: maybe not known
# yet), and the start of the doctor's visit in progress (the estimate's remainder).
ARRIVAL = sa.text(f"""
SELECT EXISTS (SELECT FROM {SCHEMA}.tickets WHERE appointment_id = :appointment) AS ticketed,
       EXISTS (SELECT FROM {SCHEMA}.closed_appointments
               WHERE appointment_id = :appointment) AS closed,
       EXISTS (SELECT FROM {SCHEMA}.tickets
               WHERE patient_id = :patient AND doctor_id = :doctor AND clinic_day = :day
                 AND {ACTIVE}) AS in_line,
       (SELECT called_at FROM {SCHEMA}.tickets
        WHERE doctor_id = :doctor AND status = 'called' LIMIT 1) AS called_at,
       p.id, p.role, p.room, p.active, p.slot_minutes, p.service_seconds, p.full_name
FROM (SELECT) AS one LEFT JOIN {SCHEMA}.people AS p ON p.id = :doctor""")


def write_params(ticket: Ticket) -> dict[str, Any]:
    """``ADD``'s or ``SAVE``'s parameters: the ticket's columns and its unsaved history."""
    values: dict[str, Any] = {name: getattr(ticket, name) for name in FIELDS}
    values["history"] = json.dumps([
        {"at": h.at.isoformat(), "action": h.action, "by": str(h.by), "detail": h.detail}
        for h in ticket.history])
    return values


# A ticket added to its line, in the statement that inserts it: the people ahead of it (per
# level, an index range count below ``ordering.ahead_bound``, as ``people_ahead_query`` but of
# one fixed shape: ALL and NONE are bounds past every and before any ticket), the line's
# first :limit tickets, and the line's notice to the live views (NOTIFY: delivered at commit,
# dropped on rollback). The SELECT sees the line as it was before the INSERT (one snapshot):
# the ticket is not among the first tickets it returns, and no ticket counts itself ahead.
_FIRST, _LAST = datetime(1, 1, 2, tzinfo=UTC), datetime(9999, 12, 30, tzinfo=UTC)
_MAX_UUID = uuid.UUID(int=(1 << 128) - 1)
_AHEAD = " + ".join(f"""(SELECT count(*) FROM {SCHEMA}.tickets
   WHERE doctor_id = :doctor AND clinic_day = :day AND status = 'waiting' AND urgency = {level}
     AND (queued_at, id) < (CAST(:at{level} AS timestamptz), CAST(:id{level} AS uuid)))"""
                    for level in LEVELS)
ADD_IN_LINE = sa.text(f"""{_INSERT}, logged AS ({_HISTORY})
SELECT a.ahead, a.woke, t.* FROM (
  SELECT {_AHEAD} AS ahead, pg_notify(:channel, CAST(:doctor AS text)) AS woke) AS a
LEFT JOIN LATERAL ({_HEADS} LIMIT :limit) AS t ON true
ORDER BY {_ORDER}""").bindparams(*_BINDS)


def place_params(ticket: Ticket, now: datetime, aging: int, limit: int) -> dict[str, Any]:
    key = order_key(ticket.urgency, ticket.queued_at, ticket.id, now, aging)
    params: dict[str, Any] = {
        "doctor": ticket.doctor_id, "day": ticket.clinic_day, "now": now, "aging": aging,
        "per_level": limit, "limit": limit, "channel": LINES_CHANNEL}
    for level in LEVELS:
        bound = ahead_bound(level, key, now, aging)
        if isinstance(bound, tuple):
            params[f"at{level}"], params[f"id{level}"] = bound
        else:
            params[f"at{level}"], params[f"id{level}"] = {
                ALL: (_LAST, _MAX_UUID), NONE: (_FIRST, MIN_UUID)}[bound]
    return params
