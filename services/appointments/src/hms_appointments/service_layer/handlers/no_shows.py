"""No-shows and their penalties: one penalty per missed appointment, however it was marked
and however many scheduler replicas run (row locks + UNIQUE(appointment_id))."""

from __future__ import annotations

from datetime import datetime

import structlog

from hms_appointments.domain.actor import SCHEDULER
from hms_appointments.domain.appointment import Appointment
from hms_appointments.domain.penalty import Penalty
from hms_appointments.domain.rules import Rules
from hms_appointments.service_layer.commands import MarkNoShows
from hms_appointments.service_layer.ports import UnitOfWork
from hms_platform.clock import Clock

log = structlog.get_logger(__name__)


async def record_no_show(
    uow: UnitOfWork, appointment: Appointment, now: datetime, rules: Rules
) -> Penalty:
    """Persist a no-show just marked on ``appointment`` and penalise it, in the caller's
    transaction; the penalty's event carries the patient's active count including it."""
    await uow.appointments.save(appointment)
    penalty = Penalty.for_no_show(appointment, now)
    if await uow.penalties.add(penalty):
        since = rules.penalties.window_start(now)
        penalty.applied(await uow.penalties.count_active(appointment.patient_id, since))
    return penalty


async def mark_no_shows(cmd: MarkNoShows, uow: UnitOfWork, clock: Clock, rules: Rules) -> int:
    """Mark every booked appointment past its start plus the grace period; return how many.

    One transaction per batch: rows are claimed FOR UPDATE SKIP LOCKED, so a concurrent
    replica takes other rows instead of waiting, and a row it already marked no longer matches.
    """
    total = 0
    while True:
        now = clock.now()
        async with uow:
            overdue = await uow.appointments.claim_overdue(now - rules.no_show_grace,
                                                           cmd.batch_size)
            for appointment in overdue:
                appointment.mark_no_show(now, SCHEDULER)
                await record_no_show(uow, appointment, now, rules)
            await uow.commit()
        total += len(overdue)
        if len(overdue) < cmd.batch_size:
            if total:
                log.info("no_shows.marked", count=total)
            return total
