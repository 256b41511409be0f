"""Domain events become valid integration events; settings become rules."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from hms_appointments.adapters.contracts import CONTRACTS
from hms_appointments.config import AppointmentsSettings
from hms_appointments.domain import events as ev
from hms_contracts.registry import parse_payload
from hms_platform.recording import to_envelope

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def sample(cls: type) -> object:
    values = {}
    for f in dataclasses.fields(cls):
        kind = str(f.type)
        values[f.name] = (uuid.uuid4() if "UUID" in kind else NOW if "datetime" in kind
                          else 2 if kind == "int" else True if kind == "bool" else "scheduler")
    return cls(**values)


def test_every_domain_event_has_a_contract() -> None:
    domain_events = {cls for cls in vars(ev).values()
                     if dataclasses.is_dataclass(cls) and isinstance(cls, type)}
    assert domain_events == set(CONTRACTS)


@pytest.mark.parametrize("cls", sorted(CONTRACTS, key=lambda c: c.__name__))
def test_each_event_round_trips_through_its_contract(cls: type) -> None:
    event = sample(cls)
    envelope = to_envelope(event, CONTRACTS, NOW)
    assert envelope.name.startswith("appointments.") and envelope.producer == "appointments"
    assert envelope.occurred_at == NOW
    parsed = parse_payload(envelope)
    assert {f.name: getattr(parsed, f.name) for f in dataclasses.fields(cls)} == \
        dataclasses.asdict(event)  # type: ignore[call-overload]


def test_settings_read_the_appointments_prefix(monkeypatch) -> None:
    monkeypatch.setenv("APPOINTMENTS_CLINIC_TIMEZONE", "Europe/London")
    monkeypatch.setenv("APPOINTMENTS_LATE_CANCEL_HOURS", "6")
    monkeypatch.setenv("APPOINTMENTS_NO_SHOW_GRACE_MINUTES", "5")
    monkeypatch.setenv("APPOINTMENTS_PENALTY_LIMIT", "2")
    monkeypatch.setenv("APPOINTMENTS_PENALTY_WINDOW_DAYS", "30")
    settings = AppointmentsSettings()
    rules = settings.rules()
    assert settings.service_name == "appointments"
    assert rules.clinic_tz == ZoneInfo("Europe/London")
    assert rules.late_cancel == timedelta(hours=6)
    assert rules.no_show_grace == timedelta(minutes=5)
    assert (rules.penalties.limit, rules.penalties.window) == (2, timedelta(days=30))


def test_defaults_match_the_issue() -> None:
    settings = AppointmentsSettings()
    assert settings.clinic_timezone == "Africa/Nairobi"
    assert (settings.late_cancel_hours, settings.no_show_grace_minutes) == (24, 15)
    assert settings.no_show_interval_seconds == 60
    assert (settings.penalty_limit, settings.penalty_window_days) == (3, 90)
    assert settings.jwks_url == "http://127.0.0.1:8000/api/auth/.well-known/jwks.json"


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValidationError):
        AppointmentsSettings(clinic_timezone="Mars/Olympus_Mons")
