"""One clinic zone for every service (HMS_CLINIC_TIMEZONE, a service's own variable first);
log levels by name, and a log file beside stdout (appended, owner-only, masked)."""

from __future__ import annotations

import io
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from pydantic import ValidationError

from hms_platform.logging import configure_logging, flush_logging, log_level
from hms_platform.settings import ServiceSettings, service_config
from hms_platform.testing.logs import logging_restored


class QueueLike(ServiceSettings):
    model_config = service_config("QUEUE_")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HMS_CLINIC_TIMEZONE", "QUEUE_CLINIC_TIMEZONE"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def logging_as_it_was() -> Iterator[None]:
    with logging_restored():
        yield


def test_the_clinic_zone_comes_from_hms_clinic_timezone(monkeypatch: pytest.MonkeyPatch) -> None:
    assert QueueLike().clinic_timezone == "Africa/Nairobi"
    monkeypatch.setenv("HMS_CLINIC_TIMEZONE", "Europe/Lisbon")
    assert QueueLike().clinic_timezone == "Europe/Lisbon"
    assert ServiceSettings().clinic_timezone == "Europe/Lisbon"
    monkeypatch.setenv("QUEUE_CLINIC_TIMEZONE", "Asia/Manila")
    assert QueueLike().clinic_timezone == "Asia/Manila"
    assert QueueLike(clinic_timezone="UTC").clinic_timezone == "UTC"


def test_an_unknown_shared_zone_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HMS_CLINIC_TIMEZONE", "Mars/Olympus_Mons")
    with pytest.raises(ValidationError, match="unknown IANA time zone"):
        QueueLike()


def test_log_levels_by_name() -> None:
    assert log_level("debug") == logging.DEBUG and log_level("WARNING") == logging.WARNING
    for wrong in ("LOUD", "WARN ING", "10", ""):
        with pytest.raises(ValueError, match="unknown log level"):
            log_level(wrong)


def test_a_wrong_level_changes_nothing() -> None:
    out = io.StringIO()
    configure_logging(json=True, stream=out, level="WARNING")
    try:
        with pytest.raises(ValueError):
            configure_logging(json=True, stream=io.StringIO(), level="LOUD")
        structlog.get_logger("t").warning("still-here")
        flush_logging()
        assert "still-here" in out.getvalue()
    finally:
        configure_logging(json=False)


def test_a_log_file_gets_the_same_masked_lines_appended(tmp_path: Path) -> None:
    out, path = io.StringIO(), tmp_path / "hms.log"
    umask = os.umask(0)
    try:
        configure_logging(json=True, stream=out, level="DEBUG", file=path)
        structlog.get_logger("t").debug("first", email="a.person@example.org")
        flush_logging()
        configure_logging(json=True, stream=out, level="INFO", file=path)  # a restart
        structlog.get_logger("t").debug("hidden")
        structlog.get_logger("t").info("second")
        flush_logging()
    finally:
        os.umask(umask)
        configure_logging(json=False)
    lines = path.read_text().splitlines()
    assert [line for line in out.getvalue().splitlines()] == lines
    assert ['"first"' in lines[0], '"second"' in lines[1], len(lines)] == [True, True, 2]
    assert "a.person@example.org" not in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
