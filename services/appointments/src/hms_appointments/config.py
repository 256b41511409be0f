"""Settings, from ``APPOINTMENTS_*`` environment variables (docs: the service's README)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from pydantic import Field

from hms_appointments.domain.rules import BookingLimits, CancellationLimit, PenaltyPolicy, Rules
from hms_platform.settings import ServiceSettings, service_config


class AppointmentsSettings(ServiceSettings):
    model_config = service_config("APPOINTMENTS_")

    service_name: str = "appointments"

    # clinic_timezone (ServiceSettings'): APPOINTMENTS_CLINIC_TIMEZONE, else HMS_CLINIC_TIMEZONE
    late_cancel_hours: float = Field(default=24, ge=0, le=24 * 30)
    no_show_grace_minutes: int = Field(default=15, ge=0, le=24 * 60)
    no_show_interval_seconds: float = Field(default=60, gt=0, le=3600)
    no_show_batch_size: int = Field(default=100, ge=1, le=10_000)
    penalty_limit: int = Field(default=3, ge=1, le=100)
    penalty_window_days: int = Field(default=90, ge=1, le=3650)
    max_active_bookings: int = Field(default=3, ge=1, le=100)
    booking_horizon_days: int = Field(default=90, ge=1, le=3650)
    max_cancellations_per_day: int = Field(default=3, ge=1, le=100)  # rolling 24 h

    def rules(self) -> Rules:
        return Rules(
            clinic_tz=ZoneInfo(self.clinic_timezone),
            late_cancel=timedelta(hours=self.late_cancel_hours),
            no_show_grace=timedelta(minutes=self.no_show_grace_minutes),
            penalties=PenaltyPolicy(self.penalty_limit, timedelta(days=self.penalty_window_days)),
            bookings=BookingLimits(self.max_active_bookings,
                                   timedelta(days=self.booking_horizon_days)),
            cancellations=CancellationLimit(self.max_cancellations_per_day),
            client_time_max_age_days=self.client_time_max_age_days,
        )
