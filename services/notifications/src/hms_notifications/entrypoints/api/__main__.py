"""`python -m hms_notifications.entrypoints.api [--host H] [--port P]`, or `hms-notifications api`:
serve the API with uvicorn."""

from __future__ import annotations

from hms_notifications.config import NotificationsSettings
from hms_notifications.entrypoints.api.app import create_app
from hms_platform.web.serving import api_main, serve_service


def serve(host: str, port: int) -> None:
    serve_service(NotificationsSettings(), create_app, host=host, port=port)


def main(argv: list[str] | None = None) -> None:
    api_main(serve, prog="hms-notifications api", port=8004, description=__doc__, argv=argv)


if __name__ == "__main__":
    main()
