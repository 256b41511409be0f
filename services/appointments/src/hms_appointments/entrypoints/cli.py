"""``hms-appointments migrate | api | consumer | relay | scheduler``:
the platform's service command line (``hms_platform.cli``)."""

from __future__ import annotations

from hms_appointments import MIGRATIONS
from hms_appointments.config import AppointmentsSettings
from hms_platform.cli import service_cli

main = service_cli("hms_appointments", AppointmentsSettings, MIGRATIONS, api_port=8002,
                   description=__doc__,
                   processes={
                       "consumer": "consume auth events into the directory",
                       "relay": "publish the outbox",
                       "scheduler": "mark no-shows periodically",
                   })

if __name__ == "__main__":
    main()
