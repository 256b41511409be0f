"""Doctors' weekly hours and time off in Postgres."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from hms_appointments.adapters.orm import schedules
from hms_appointments.domain.schedule import Schedule, TimeOff, WeeklyHours
from hms_platform.recording import Seen

_GET = sa.select(schedules).where(schedules.c.doctor_id == sa.bindparam("doctor"))


def schedule_of(doctor_id: uuid.UUID, slot_minutes: int, weekly: list[dict[str, Any]],
                time_off: list[dict[str, Any]]) -> Schedule:
    """A schedule from its row (``weekly`` and ``time_off`` as the JSON ``save`` writes)."""
    return Schedule(
        doctor_id, slot_minutes,
        tuple(WeeklyHours(w["weekday"], time.fromisoformat(w["start"]),
                          time.fromisoformat(w["end"])) for w in weekly),
        tuple(TimeOff(datetime.fromisoformat(o["start"]), datetime.fromisoformat(o["end"]))
              for o in time_off))


class SqlScheduleRepository:
    def __init__(self, conn: AsyncConnection, seen: Seen) -> None:
        self.conn, self.seen = conn, seen  # seen: the unit of work's recorder

    async def get(self, doctor_id: uuid.UUID) -> Schedule | None:
        row = (await self.conn.execute(_GET, {"doctor": doctor_id})).first()
        if row is None:
            return None
        return schedule_of(doctor_id, row.slot_minutes, row.weekly, row.time_off)

    async def save(self, schedule: Schedule) -> None:
        values = {
            "doctor_id": schedule.doctor_id,
            "slot_minutes": schedule.slot_minutes,
            "weekly": [{"weekday": w.weekday, "start": w.start.strftime("%H:%M"),
                        "end": w.end.strftime("%H:%M")} for w in schedule.weekly],
            "time_off": [{"start": o.start.isoformat(), "end": o.end.isoformat()}
                         for o in schedule.time_off],
        }
        statement = insert(schedules).values(values)
        await self.conn.execute(statement.on_conflict_do_update(
            index_elements=[schedules.c.doctor_id],
            set_={**{k: statement.excluded[k] for k in values if k != "doctor_id"},
                  "updated_at": sa.func.now()}))
        self.seen(schedule)
