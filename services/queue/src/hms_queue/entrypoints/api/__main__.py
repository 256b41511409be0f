"""`python -m hms_queue.entrypoints.api [--host H] [--port P]`, or `hms-queue api`: serve the
API with uvicorn."""

from __future__ import annotations

from hms_platform.web.serving import api_process
from hms_queue.config import QueueSettings
from hms_queue.entrypoints.api.app import create_app

# The app ends its event streams as soon as the server is told to stop (app.py); the grace
# period is a backstop.
serve, main = api_process(
    QueueSettings, create_app, prog="hms-queue api", port=8003, description=__doc__,
    options=lambda settings: {"timeout_graceful_shutdown": settings.shutdown_grace_seconds})

if __name__ == "__main__":
    main()
