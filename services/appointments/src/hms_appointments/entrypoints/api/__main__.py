"""`python -m hms_appointments.entrypoints.api [--host H] [--port P]`, or `hms-appointments api`:
serve the API with uvicorn."""

from __future__ import annotations

from hms_appointments.config import AppointmentsSettings
from hms_appointments.entrypoints.api.app import create_app
from hms_platform.web.serving import api_process

serve, main = api_process(AppointmentsSettings, create_app, prog="hms-appointments api", port=8002,
                          description=__doc__)

if __name__ == "__main__":
    main()
