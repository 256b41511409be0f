"""`python -m hms_notifications.entrypoints.api [--host H] [--port P]`, or `hms-notifications api`:
serve the API with uvicorn."""

from __future__ import annotations

from hms_notifications.config import NotificationsSettings
from hms_notifications.entrypoints.api.app import create_app
from hms_platform.web.serving import api_process

serve, main = api_process(NotificationsSettings, create_app, prog="hms-notifications api",
                          port=8004, description=__doc__)

if __name__ == "__main__":
    main()
