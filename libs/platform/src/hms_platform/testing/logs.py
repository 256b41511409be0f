"""For tests that configure logging: put it back as it was afterwards."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import structlog

from hms_platform.logging import flush_logging


@contextlib.contextmanager
def logging_restored() -> Iterator[None]:
    """structlog's configuration and the root logger's handlers and level as they were before
    the block. configure_logging caches each logger at its first use, and a cached logger
    escapes structlog's capture_logs, which other tests read their log lines with."""
    saved, root = structlog.get_config(), logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        flush_logging()
        structlog.reset_defaults()
        structlog.configure(**saved)
        root.handlers[:], root.level = handlers, level
