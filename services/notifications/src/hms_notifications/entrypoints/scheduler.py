"""The sender: it claims due messages (reminders included) and sends them, at once when a new
message is committed (a NOTIFY on ``DUE_CHANNEL``), at once again while a batch came back full,
and every ``NOTIFICATIONS_SENDER_INTERVAL_SECONDS`` for what falls due later (reminders,
retries) or was announced while its LISTEN connection was down. Any number of replicas may run:
rows are claimed with FOR UPDATE SKIP LOCKED under a lease.
Run: ``python -m hms_notifications.entrypoints.scheduler``."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_notifications.adapters.messages import DUE_CHANNEL
from hms_notifications.bootstrap import sender
from hms_notifications.config import NotificationsSettings
from hms_notifications.service_layer.commands import SendDue
from hms_notifications.service_layer.ports import Channel
from hms_platform.clock import Clock
from hms_platform.listen import first_set, listen
from hms_platform.pgurl import libpq_url
from hms_platform.runtime import run, serve_scheduler

log = structlog.get_logger(__name__)


async def run_sender(
    settings: NotificationsSettings, engine: AsyncEngine, stop: asyncio.Event | None = None,
    *, clock: Clock | None = None, channels: Mapping[str, Channel] | None = None,
) -> None:
    """Send until ``stop`` is set (or the task is cancelled); a failed round (database away)
    is logged and retried on the next tick. Without ``channels``, those the settings
    configure (bootstrap.sender), closed at the end."""
    stop = stop or asyncio.Event()
    command = SendDue(batch_size=settings.sender_batch_size)
    wake = asyncio.Event()
    listener = asyncio.create_task(listen(
        libpq_url(engine.url), DUE_CHANNEL, lambda _payload: wake.set(), stop=stop,
        on_connected=wake.set))
    try:
        async with sender(settings, engine, channels=channels, clock=clock) as bus:
            while not stop.is_set():
                wake.clear()  # before the round: a message committed during it wakes another
                handled = 0
                try:
                    handled = await bus.handle(command)
                except Exception as error:
                    # The type only: a database error's text may quote the rows it was writing.
                    log.warning("sender.round_failed", error=type(error).__name__)
                if handled < command.batch_size:  # a full batch: more may be due already
                    await first_set(stop, wake, timeout=settings.sender_interval_seconds)
    finally:
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listener


def main() -> None:
    settings = NotificationsSettings()
    run(serve_scheduler(settings, run_sender, interval=settings.sender_interval_seconds))


if __name__ == "__main__":
    main()
