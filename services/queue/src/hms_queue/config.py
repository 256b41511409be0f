"""Settings, from ``QUEUE_*`` environment variables (docs: the service's README)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, model_validator

from hms_platform.settings import ServiceSettings, secret, service_config
from hms_queue.domain.policy import Policy

# For tests only: anyone can read it here, and so sign a link to any doctor's line.
TEST_DISPLAY_SECRET = "dev-display-secret-change-me"


class QueueSettings(ServiceSettings):
    model_config = service_config("QUEUE_")

    service_name: str = "queue"

    # clinic_timezone (ServiceSettings'): QUEUE_CLINIC_TIMEZONE, else HMS_CLINIC_TIMEZONE
    aging_minutes: int = Field(default=30, ge=0, le=24 * 60)
    turn_threshold: int = Field(default=3, ge=0, le=100)
    default_service_minutes: float = Field(default=15, gt=0, le=480)
    ewma_alpha: float = Field(default=0.3, gt=0, le=1)
    line_preview: int = Field(default=10, ge=1, le=100)
    stream_heartbeat_seconds: float = Field(default=15, gt=0, le=300)
    shutdown_grace_seconds: int = Field(default=5, ge=1, le=300)  # then open streams are cut
    # Signs waiting-room display links (HMAC-SHA256); must be set in every environment but
    # "test" (dev included: `make dev` and `make run` generate one in their data folder).
    display_secret: SecretStr = secret(TEST_DISPLAY_SECRET)
    display_max_hours: int = Field(default=24, ge=1, le=24 * 31)
    display_max_doctors: int = Field(default=12, ge=1, le=100)  # lines one screen link names
    # A named display's screen is handed tokens this short-lived, fresh every half of it.
    display_token_minutes: int = Field(default=60, ge=2, le=24 * 60)
    # Open event streams per API process: per signed-in user, and per screen link.
    streams_per_user: int = Field(default=5, ge=1, le=1000)
    streams_per_display: int = Field(default=5, ge=1, le=1000)
    # A walk-in's ticket for a patient the queue has not heard of yet (no voucher) waits this
    # long for auth's event before 404: the desk registers and enqueues at once.
    patient_wait_seconds: float = Field(default=3.0, ge=0, le=30)

    @model_validator(mode="after")
    def _refuse_the_committed_display_secret(self) -> QueueSettings:
        # The platform refuses default secrets outside dev and test; this one is refused in
        # dev too, where the embedded run (reachable from the clinic's network) also runs.
        if (self.environment != "test"
                and self.display_secret.get_secret_value() == TEST_DISPLAY_SECRET):
            raise ValueError(f"refusing to start in {self.environment!r} without "
                             "QUEUE_DISPLAY_SECRET (a long random string): the default is "
                             "public, and would let anyone sign a screen link")
        return self

    def policy(self) -> Policy:
        return Policy(clinic_tz=ZoneInfo(self.clinic_timezone), aging_minutes=self.aging_minutes,
                      turn_threshold=self.turn_threshold,
                      default_service_minutes=self.default_service_minutes,
                      ewma_alpha=self.ewma_alpha, line_preview=self.line_preview,
                      client_time_max_age_days=self.client_time_max_age_days,
                      patient_wait_seconds=self.patient_wait_seconds)
