"""Running a small clinic, tested as functions and files (no server): one time zone for every
service, HTTPS settings, log level and log file, and the systemd unit."""

from __future__ import annotations

import configparser
import importlib.util
import logging
import os
import shlex
import shutil
import ssl
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from hms_appointments.config import AppointmentsSettings
from hms_embedded.__main__ import PREFIXES, clinic_timezone, logging_from_environment
from hms_embedded.backup import BackupError
from hms_embedded.restore import make_room, read_archive
from hms_embedded.tls import Tls
from hms_notifications.config import NotificationsSettings
from hms_platform.logging import configure_logging, flush_logging
from hms_platform.testing.logs import logging_restored
from hms_queue.config import QueueSettings
from hms_reporting.config import ReportingSettings

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "systemd" / "hms.service"
ZONED = (AppointmentsSettings, QueueSettings, NotificationsSettings, ReportingSettings)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HMS_CLINIC_TIMEZONE", "HMS_TLS", "HMS_TLS_CERT", "HMS_TLS_KEY",
                 "HMS_LOG_LEVEL", "HMS_LOG_FILE", *(f"{p}_CLINIC_TIMEZONE" for p in PREFIXES)):
        monkeypatch.setenv(name, "")  # recorded, so whatever a test sets is undone after it
        monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def logging_as_it_was() -> Iterator[None]:
    with logging_restored():
        yield


def test_one_variable_sets_every_services_clinic_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    assert {s(environment="test").clinic_timezone for s in ZONED} == {"Africa/Nairobi"}
    monkeypatch.setenv("HMS_CLINIC_TIMEZONE", "America/La_Paz")
    assert {s(environment="test").clinic_timezone for s in ZONED} == {"America/La_Paz"}
    monkeypatch.setenv("QUEUE_CLINIC_TIMEZONE", "Europe/Paris")  # a service's own still wins
    assert QueueSettings(environment="test").clinic_timezone == "Europe/Paris"
    assert ReportingSettings(environment="test").tz.key == "America/La_Paz"


def test_make_run_passes_the_zone_on_and_refuses_an_unknown_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HMS_CLINIC_TIMEZONE", "Asia/Kolkata")
    clinic_timezone()
    assert {os.environ[f"{p}_CLINIC_TIMEZONE"] for p in PREFIXES} == {"Asia/Kolkata"}
    monkeypatch.setenv("HMS_CLINIC_TIMEZONE", "Africa/Nairobbi")
    with pytest.raises(SystemExit, match="unknown IANA time zone 'Africa/Nairobbi'"):
        clinic_timezone()


def test_https_self_signed_is_made_once_in_the_data_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Tls.from_environment(tmp_path, "127.0.0.1") is None  # off unless asked
    monkeypatch.setenv("HMS_TLS", "self-signed")
    tls = Tls.from_environment(tmp_path, "10.0.0.7")
    assert tls is not None and tls.certfile == tmp_path / "tls.pem"
    first = tls.certfile.read_bytes()
    assert Tls.from_environment(tmp_path, "10.0.0.7") == tls
    assert tls.certfile.read_bytes() == first  # kept: clients that trust it keep trusting it
    names = ssl._ssl._test_decode_cert(str(tls.certfile))["subjectAltName"]  # type: ignore[attr-defined]
    assert ("IP Address", "10.0.0.7") in names and ("DNS", "localhost") in names


def test_https_with_the_clinics_files_checks_them_at_start(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HMS_TLS_CERT", str(tmp_path / "cert.pem"))
    with pytest.raises(SystemExit, match="both HMS_TLS_CERT and HMS_TLS_KEY"):
        Tls.from_environment(tmp_path, "127.0.0.1")
    monkeypatch.setenv("HMS_TLS_KEY", str(tmp_path / "key.pem"))
    with pytest.raises(SystemExit, match="HTTPS: cannot use"):
        Tls.from_environment(tmp_path, "127.0.0.1")
    monkeypatch.delenv("HMS_TLS_CERT")
    monkeypatch.delenv("HMS_TLS_KEY")
    monkeypatch.setenv("HMS_TLS", "maybe")
    with pytest.raises(SystemExit, match="use self-signed"):
        Tls.from_environment(tmp_path, "127.0.0.1")


@pytest.mark.parametrize(("level", "shown", "hidden"), [
    ("DEBUG", "debug-line", None), ("warning", "warning-line", "info-line")])
def test_log_level_and_log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, level: str,
                                shown: str, hidden: str | None) -> None:
    log_file = tmp_path / "hms.log"
    log_file.write_text("an earlier line\n")
    monkeypatch.setenv("HMS_LOG_LEVEL", level)
    monkeypatch.setenv("HMS_LOG_FILE", str(log_file))
    try:
        logging_from_environment()
        log = structlog.get_logger("test")
        log.debug("debug-line")
        log.info("info-line", email="someone@example.org")
        log.warning("warning-line", phone="+254712345678")
        flush_logging()
        written = log_file.read_text()
    finally:
        configure_logging(json=False)
    assert written.startswith("an earlier line\n")  # appended
    assert shown in written and "warning-line" in written
    assert hidden is None or hidden not in written
    assert "someone@example.org" not in written and "+254712345678" not in written  # masked
    assert logging.getLogger().level == logging.INFO  # reset by the finally above


def test_a_wrong_log_setting_is_one_line(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    env = {**os.environ, "HMS_LOG_LEVEL": "LOUD", "HMS_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-m", "hms_embedded"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip() == ("HMS_LOG_LEVEL: unknown log level 'LOUD': use one of "
                                   "DEBUG, INFO, WARNING, ERROR, CRITICAL")
    assert not (tmp_path / "data").exists()  # refused before anything was made
    monkeypatch.setenv("HMS_LOG_FILE", str(tmp_path / "no-such-folder" / "hms.log"))
    with pytest.raises(SystemExit, match=r"HMS_LOG_FILE: cannot write .*No such file"):
        logging_from_environment()


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNIT)
    return parser


def test_the_systemd_unit_runs_make_runs_module_and_stops_it_gracefully() -> None:
    service = unit()["Service"]
    command = shlex.split(service["ExecStart"])
    assert command[0] == "/opt/hms/.venv/bin/python" and command[1:] == ["-m", "hms_embedded"]
    assert importlib.util.find_spec(command[2]) is not None
    assert importlib.util.find_spec(f"{command[2]}.__main__") is not None
    assert service["User"] == "hms" and service["WorkingDirectory"] == "/opt/hms"
    assert service["EnvironmentFile"].lstrip("-") == "/etc/hms/hms.env"
    assert service["Restart"] == "on-failure" and service["KillSignal"] == "SIGTERM"
    assert service["KillMode"] == "mixed" and int(service["TimeoutStopSec"]) > 5  # > the drain
    assert service["NoNewPrivileges"] == "yes" and service["ProtectSystem"] == "strict"
    example = (UNIT.parent / "hms.env.example").read_text()
    assert "HMS_CLINIC_TIMEZONE=" in example and "HMS_LOG_FILE=" in example


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is not installed (the parse test above still runs)")
def test_systemd_analyze_verifies_the_unit(tmp_path: Path) -> None:
    """systemd's own checker, on the unit with this checkout standing in for /opt/hms (it
    checks that the command exists); any warning fails it, not only errors."""
    copy = tmp_path / "hms.service"
    copy.write_text(UNIT.read_text().replace("/opt/hms", str(ROOT)))
    done = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr


def test_restore_refuses_a_used_folder_unless_forced_and_then_moves_it_aside(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "pgdata").mkdir(parents=True)
    (data / "pgdata" / "PG_VERSION").write_text("18\n")
    (data / "key-encryption-key").write_text("old\n")
    with pytest.raises(BackupError, match=r"already holds a database: .*--force"):
        make_room(data, force=False)
    make_room(data, force=True)
    aside = next(data.glob("replaced-*"))
    assert sorted(p.name for p in aside.iterdir()) == ["key-encryption-key", "pgdata"]
    assert not (data / "pgdata").exists() and not (data / "key-encryption-key").exists()
    make_room(data, force=False)  # now empty: nothing to refuse


def test_restore_refuses_a_file_that_is_not_an_hms_backup(tmp_path: Path) -> None:
    other = tmp_path / "other.tar"
    with tarfile.open(other, "w") as tar:
        tar.add(UNIT, arcname="hms.service")
    with pytest.raises(BackupError, match="is not an HMS backup"):
        read_archive(other, tmp_path)
    (tmp_path / "junk.tar").write_text("not a tar")
    with pytest.raises(BackupError, match="is not a readable backup"):
        read_archive(tmp_path / "junk.tar", tmp_path)
