"""Settings, from ``REPORTING_*`` environment variables (docs: the service's README)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from hms_platform.settings import ServiceSettings, service_config


class ReportingSettings(ServiceSettings):
    model_config = service_config("REPORTING_")

    service_name: str = "reporting"

    clinic_timezone: str = "Africa/Nairobi"
    default_days: int = Field(default=30, ge=1, le=731)  # a report's range without from/to
    replay_batch: int = Field(default=1000, ge=1, le=100_000)

    @field_validator("clinic_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown IANA time zone {value!r}") from error
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.clinic_timezone)
