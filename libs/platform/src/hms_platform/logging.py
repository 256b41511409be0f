"""structlog setup: JSON in production, console in dev; correlation ids; contact details and
secrets masked; exceptions as plain, capped tracebacks (never local variables); output written
by a background thread through a bounded queue, so a slow or blocked stdout never blocks a
request (records that do not fit are dropped and counted)."""

from __future__ import annotations

import atexit
import logging
import sys
import threading
import uuid
from contextvars import ContextVar
from typing import Any, TextIO

import structlog

from hms_platform.log_masking import (
    SECRET_MASK,
    cap_traceback,
    format_exception,
    is_secret_key,
    mask_contacts,
    mask_secrets,
    mask_text,
    render_exception,
)
from hms_platform.log_writer import QUEUE_SIZE, BackgroundLogHandler

__all__ = [
    "QUEUE_SIZE", "SECRET_MASK", "BackgroundLogHandler", "cap_traceback", "configure_logging",
    "correlation_id", "flush_logging", "format_exception", "is_secret_key", "mask_contacts",
    "mask_secrets", "mask_text", "render_exception", "set_correlation_id", "shutdown_logging",
]

_correlation_id: ContextVar[str | None] = ContextVar("hms_correlation_id", default=None)


def correlation_id() -> str | None:
    return _correlation_id.get()


def set_correlation_id(value: str | None = None) -> str:
    """Set (or create) the correlation id of the current request or message."""
    value = value or uuid.uuid4().hex
    _correlation_id.set(value)
    structlog.contextvars.bind_contextvars(correlation_id=value)
    return value


_active: BackgroundLogHandler | None = None
_active_lock = threading.Lock()


def _swap_active(handler: BackgroundLogHandler | None) -> None:
    global _active
    with _active_lock:
        previous, _active = _active, handler
    if previous is not None:
        previous.stop()


def flush_logging(timeout: float = 5.0) -> bool:
    """Wait until the records logged so far are written (tests read the output after it)."""
    handler = _active
    return handler.drain(timeout) if handler is not None else True


def shutdown_logging(timeout: float = 5.0) -> None:
    """Write what is queued and stop the writer thread (also run at process exit)."""
    with _active_lock:
        handler = _active
    if handler is not None:
        handler.stop(timeout)


def _shutdown_at_exit() -> None:
    shutdown_logging(timeout=3.0)


atexit.register(_shutdown_at_exit)


def configure_logging(*, json: bool, level: str = "INFO", stream: TextIO | None = None,
                      queue_size: int = QUEUE_SIZE) -> None:
    """Configure structlog and route stdlib logging (uvicorn's too) through it, to ``stream``
    (default: stdout) by a writer thread. Calling it again replaces the previous setup and
    stops its thread once it has written what it held."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        render_exception,  # never structlog's default: with rich installed it prints locals
        mask_contacts,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer() if json
        else structlog.dev.ConsoleRenderer(colors=False,
                                           exception_formatter=structlog.dev.plain_traceback)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.stdlib.ExtraAdder(allow=("dropped", "unformattable")),
                           *shared],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = BackgroundLogHandler(stream or sys.stdout, formatter, queue_size=queue_size)
    structlog.configure(
        # filter_by_level first: a record below the level costs one check, not a masked,
        # time-stamped event that the stdlib logger then throws away.
        processors=[structlog.stdlib.filter_by_level, handler.drop_when_full, *shared,
                    structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's default log config (a server started without log_config=None earlier in this
    # process) gives its loggers their own stderr handlers and stops them propagating here.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
        server_logger = logging.getLogger(name)
        server_logger.handlers.clear()
        server_logger.propagate = True
        server_logger.disabled = False
    for noisy in ("aiormq", "aio_pika"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    _swap_active(handler)


def _safe_defaults() -> None:
    """Until a process calls configure_logging (tests, a library user, a script), structlog's
    own defaults would print tracebacks with local variables through rich, slowly and with
    secrets in them. These defaults mask and print plain, capped tracebacks instead."""
    if structlog.is_configured():
        return
    structlog.configure(processors=[
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        render_exception,
        mask_contacts,
        structlog.dev.ConsoleRenderer(colors=False,
                                      exception_formatter=structlog.dev.plain_traceback),
    ])


_safe_defaults()
