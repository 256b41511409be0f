"""`python -m hms_queue.entrypoints.api [--host H] [--port P]`, or `hms-queue api`: serve the
API with uvicorn."""

from __future__ import annotations

from hms_platform.web.serving import api_main, serve_service
from hms_queue.config import QueueSettings
from hms_queue.entrypoints.api.app import create_app


def serve(host: str, port: int) -> None:
    settings = QueueSettings()
    # The app ends its event streams as soon as the server is told to stop (app.py); the
    # grace period is a backstop.
    serve_service(settings, create_app, host=host, port=port,
                  timeout_graceful_shutdown=settings.shutdown_grace_seconds)


def main(argv: list[str] | None = None) -> None:
    api_main(serve, prog="hms-queue api", port=8003, description=__doc__, argv=argv)


if __name__ == "__main__":
    main()
