"""Settings, from ``QUEUE_*`` environment variables (docs: the service's README)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr

from hms_platform.settings import ServiceSettings, TimeZoneName, secret, service_config
from hms_queue.domain.policy import Policy


class QueueSettings(ServiceSettings):
    model_config = service_config("QUEUE_")

    service_name: str = "queue"

    clinic_timezone: TimeZoneName = "Africa/Nairobi"
    aging_minutes: int = Field(default=30, ge=0, le=24 * 60)
    turn_threshold: int = Field(default=3, ge=0, le=100)
    default_service_minutes: float = Field(default=15, gt=0, le=480)
    ewma_alpha: float = Field(default=0.3, gt=0, le=1)
    line_preview: int = Field(default=10, ge=1, le=100)
    stream_heartbeat_seconds: float = Field(default=15, gt=0, le=300)
    shutdown_grace_seconds: int = Field(default=5, ge=1, le=300)  # then open streams are cut
    # Signs waiting-room display links (HMAC-SHA256); must be set outside dev/test.
    display_secret: SecretStr = secret("dev-display-secret-change-me")
    display_max_hours: int = Field(default=24, ge=1, le=24 * 31)

    def policy(self) -> Policy:
        return Policy(clinic_tz=ZoneInfo(self.clinic_timezone), aging_minutes=self.aging_minutes,
                      turn_threshold=self.turn_threshold,
                      default_service_minutes=self.default_service_minutes,
                      ewma_alpha=self.ewma_alpha, line_preview=self.line_preview)
