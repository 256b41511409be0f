"""`python -m hms_notifications.entrypoints.api [--host H] [--port P]`, or
`hms-notifications api`: serve the API with uvicorn."""

from __future__ import annotations

import argparse

from hms_notifications.config import NotificationsSettings
from hms_notifications.entrypoints.api.app import create_app
from hms_platform.logging import configure_logging
from hms_platform.web.serving import serve_api

DEFAULT_PORT = 8004


def serve(host: str, port: int) -> None:
    settings = NotificationsSettings()
    configure_logging(json=settings.json_logs, level=settings.log_level)
    serve_api(create_app(settings), host=host, port=port)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="hms-notifications api", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args = parser.parse_args(argv)
    serve(args.host, args.port)


if __name__ == "__main__":
    main()
