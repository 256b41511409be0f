"""The queue's tunable rules, from settings (``config.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Policy:
    clinic_tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Africa/Nairobi"))
    aging_minutes: int = 30  # a waiting ticket gains one urgency level per this many; 0: off
    turn_threshold: int = 3  # people ahead at which the patient is told to come closer
    default_service_minutes: float = 15.0  # before a doctor's slot length or visits are known
    ewma_alpha: float = 0.3  # weight of the newest visit in the doctor's average
    line_preview: int = 10  # waiting tickets shown in a line's snapshot (screens, streams)
    client_time_max_age_days: int = 7  # an older offline write is refused
    # How long a walk-in's ticket waits for auth's event about an unknown patient (no voucher)
    patient_wait_seconds: float = 0.0

    def clinic_day(self, instant: datetime) -> date:
        return instant.astimezone(self.clinic_tz).date()
