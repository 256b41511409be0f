"""Fixtures shared by the platform's unit tests (test files cannot import each other)."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator

import pytest
import structlog

from hms_platform.logging import shutdown_logging


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Undo configure_logging: writer thread stopped, structlog defaults, root handlers and
    levels as they were."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    noisy = {name: logging.getLogger(name).level for name in ("aiormq", "aio_pika")}
    yield
    shutdown_logging()  # writes what is queued and ends the writer thread
    structlog.reset_defaults()
    # cache_logger_on_first_use froze module-level loggers used meanwhile (problems.log...) to
    # this configuration; unfreeze them so later tests' structlog.testing.capture_logs works.
    for obj in gc.get_objects():
        if isinstance(obj, structlog._config.BoundLoggerLazyProxy):
            vars(obj).pop("bind", None)
    structlog.contextvars.clear_contextvars()
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    for name, level in noisy.items():
        logging.getLogger(name).setLevel(level)
