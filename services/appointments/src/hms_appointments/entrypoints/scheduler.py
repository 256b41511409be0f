"""The no-show sweep, every ``APPOINTMENTS_NO_SHOW_INTERVAL_SECONDS``.
Run: ``python -m hms_appointments.entrypoints.scheduler``. Any number of replicas may run:
rows are claimed with FOR UPDATE SKIP LOCKED, so each no-show is marked (and penalised) once.
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_appointments.bootstrap import build
from hms_appointments.config import AppointmentsSettings
from hms_appointments.service_layer.commands import MarkNoShows
from hms_platform.clock import Clock
from hms_platform.runtime import run, serve_scheduler

log = structlog.get_logger(__name__)


async def run_scheduler(
    settings: AppointmentsSettings, engine: AsyncEngine, stop: asyncio.Event | None = None,
    clock: Clock | None = None,
) -> None:
    """Sweep until ``stop`` is set (or the task is cancelled); a failed sweep (database away)
    is logged and retried on the next tick."""
    stop = stop or asyncio.Event()
    bus = build(settings, engine, clock=clock)
    command = MarkNoShows(batch_size=settings.no_show_batch_size)
    while not stop.is_set():
        try:
            await bus.handle(command)
        except Exception as error:
            # The type only: a database error's text may quote the rows it was writing.
            log.warning("no_shows.sweep_failed", error=type(error).__name__)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(settings.no_show_interval_seconds):
                await stop.wait()


def main() -> None:
    settings = AppointmentsSettings()
    run(serve_scheduler(settings, run_scheduler, interval=settings.no_show_interval_seconds))


if __name__ == "__main__":
    main()
