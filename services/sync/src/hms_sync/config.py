"""Settings, from ``SYNC_*`` environment variables (docs: the service's README)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from pydantic import Field

from hms_platform.settings import ServiceSettings, service_config


class SyncSettings(ServiceSettings):
    model_config = service_config("SYNC_")

    service_name: str = "sync"

    # clinic_timezone (ServiceSettings'): SYNC_CLINIC_TIMEZONE, else HMS_CLINIC_TIMEZONE
    # Where pushed operations go: the gateway, which routes each to its owner.
    api_url: str = "http://127.0.0.1:8000"
    # A CA bundle to trust for an https api_url whose certificate no public CA signed (make
    # dev --tls's self-signed one); unset: the system's.
    api_ca_file: str | None = None
    owner_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    # A batch's time: operations not sent by then are rejected (503, send again), so that the
    # answer comes before the gateway's own timeout (HMS_API_TIMEOUT, 30 s).
    batch_seconds: float = Field(default=20.0, gt=0, le=600)
    retention_days: int = Field(default=7, ge=1, le=365)  # how long a cursor stays good
    page_size: int = Field(default=500, ge=1, le=5000)  # changes per pull, at most

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.clinic_timezone)

    @property
    def retention(self) -> timedelta:
        return timedelta(days=self.retention_days)
