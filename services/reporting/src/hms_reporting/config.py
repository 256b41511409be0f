"""Settings, from ``REPORTING_*`` environment variables (docs: the service's README)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from pydantic import Field

from hms_platform.settings import ServiceSettings, service_config


class ReportingSettings(ServiceSettings):
    model_config = service_config("REPORTING_")

    service_name: str = "reporting"

    # clinic_timezone (ServiceSettings'): REPORTING_CLINIC_TIMEZONE, else HMS_CLINIC_TIMEZONE
    default_days: int = Field(default=30, ge=1, le=731)  # a report's range without from/to
    replay_batch: int = Field(default=1000, ge=1, le=100_000)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.clinic_timezone)
