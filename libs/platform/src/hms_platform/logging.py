"""structlog setup: JSON in production, console in dev; correlation ids; contact details and
secrets masked; exceptions as plain, capped tracebacks (never local variables); output written
by a background thread through a bounded queue, so a slow or blocked stdout never blocks a
request (records that do not fit are dropped and counted)."""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import sys
import threading
import uuid
from contextvars import ContextVar
from pathlib import Path
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
    "correlation_id", "flush_logging", "format_exception", "is_secret_key", "log_level",
    "mask_contacts",
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
        if isinstance(previous.stream, _Tee):
            previous.stream.close()


class _Tee:
    """The output stream and a log file (opened to append, owner-only when it is made): each
    text goes to both with os.write, which holds no Python lock (see BackgroundLogHandler)."""

    encoding = "utf-8"

    def __init__(self, stream: TextIO, path: Path) -> None:
        self._stream = stream
        self._stream_fd = _descriptor(stream)
        self._file_fd: int | None = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def write(self, text: str) -> None:
        data = text.encode(self.encoding, "backslashreplace")
        if self._stream_fd is None:
            with contextlib.suppress(Exception):
                self._stream.write(text)
                self._stream.flush()
        for fd in (self._stream_fd, self._file_fd):
            if fd is None:
                continue
            view = memoryview(data)
            with contextlib.suppress(OSError):  # one output failing never stops the other
                while view:
                    view = view[os.write(fd, view):]

    def flush(self) -> None:
        """Nothing is buffered here."""

    def close(self) -> None:
        fd, self._file_fd = self._file_fd, None
        if fd is not None:
            os.close(fd)


def _descriptor(stream: TextIO) -> int | None:
    try:
        stream.flush()
        return stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None


def log_level(name: str) -> int:
    """The number of a level name (DEBUG, INFO, WARNING, ERROR, CRITICAL; any case); a
    ValueError in one line otherwise."""
    levels = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
    if name.strip().upper() not in levels:
        raise ValueError(f"unknown log level {name!r}: use one of {', '.join(levels)}")
    return int(logging.getLevelName(name.strip().upper()))


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
                      queue_size: int = QUEUE_SIZE, file: Path | None = None) -> None:
    """Configure structlog and route stdlib logging (uvicorn's too) through it, to ``stream``
    (default: stdout) by a writer thread, and to ``file`` as well (appended) when given.
    Calling it again replaces the previous setup and stops its thread once it has written
    what it held. An unknown ``level`` is a ValueError, a file that cannot be opened an
    OSError, both before anything changes."""
    number = log_level(level)
    output: Any = stream or sys.stdout
    if file is not None:
        output = _Tee(output, file)
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
    handler = BackgroundLogHandler(output, formatter, queue_size=queue_size)
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
    root.setLevel(number)
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
