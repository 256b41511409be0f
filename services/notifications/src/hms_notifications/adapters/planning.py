"""What planning an event's messages reads, in one statement (ports.PlanningRepository): each
person's contact details, preferences and push devices, and the appointment's mark. Not in
the appointment lock's statement: a statement sees what was committed when it began, so a
mark committed while the lock was waited for would be missed."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.ext.asyncio import AsyncConnection

from hms_notifications.adapters.orm import appointment_marks as marks
from hms_notifications.adapters.orm import contacts, devices, preferences
from hms_notifications.adapters.people import CONTACT_COLUMNS
from hms_notifications.domain.model import AppointmentMark, Contact, Preferences, QuietHours
from hms_notifications.service_layer.ports import PlanningReads

_IDS = (sa.func.unnest(sa.bindparam("ids", type_=ARRAY(UUID(as_uuid=True))))
        .table_valued(sa.column("user_id", UUID(as_uuid=True))).render_derived("person"))
_DEVICES = sa.func.array(
    sa.select(devices.c.token).where(devices.c.user_id == _IDS.c.user_id)
    .order_by(devices.c.created_at, devices.c.token).scalar_subquery())
# One row a person, whether or not they have contact details or preferences; each row carries
# the mark (none when there is no appointment or no mark).
_READ = (
    sa.select(_IDS.c.user_id, (contacts.c.user_id.is_not(None)).label("known"),
              *(contacts.c[n] for n in CONTACT_COLUMNS if n != "user_id"),
              (preferences.c.user_id.is_not(None)).label("chose"), preferences.c.channels,
              preferences.c.quiet_start, preferences.c.quiet_end, _DEVICES.label("devices"),
              (marks.c.appointment_id.is_not(None)).label("marked"), marks.c.closed,
              marks.c.moved_from)
    .select_from(_IDS
                 .outerjoin(contacts, contacts.c.user_id == _IDS.c.user_id)
                 .outerjoin(preferences, preferences.c.user_id == _IDS.c.user_id)
                 .outerjoin(marks, marks.c.appointment_id == sa.bindparam(
                     "appointment", type_=UUID(as_uuid=True)))))


def _person(row: sa.Row) -> tuple[Contact | None, Preferences]:
    contact = (Contact(row.user_id, *(row._mapping[n] for n in CONTACT_COLUMNS[1:]))
               if row.known else None)
    own = tuple(row.devices)
    if not row.chose:
        return contact, Preferences(row.user_id, devices=own)
    quiet = (QuietHours(row.quiet_start, row.quiet_end)
             if row.quiet_start is not None else None)
    return contact, Preferences(row.user_id, frozenset(row.channels), quiet, own)


class SqlPlanningRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def read(self, user_ids: Sequence[uuid.UUID],
                   appointment_id: uuid.UUID | None = None) -> PlanningReads:
        rows = (await self.conn.execute(
            _READ, {"ids": list(dict.fromkeys(user_ids)), "appointment": appointment_id})).all()
        mark = None
        if appointment_id is not None:
            first = rows[0]  # one row a person: there is at least one
            mark = (AppointmentMark(appointment_id, first.closed, frozenset(first.moved_from))
                    if first.marked else AppointmentMark(appointment_id))
        return PlanningReads({row.user_id: _person(row) for row in rows}, mark)
