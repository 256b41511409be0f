"""`python -m hms_reporting.entrypoints.api [--host H] [--port P]`, or `hms-reporting api`:
serve the API with uvicorn."""

from __future__ import annotations

import argparse

from hms_platform.logging import configure_logging
from hms_platform.web.serving import serve_api
from hms_reporting.config import ReportingSettings
from hms_reporting.entrypoints.api.app import create_app


def serve(host: str, port: int) -> None:
    settings = ReportingSettings()
    configure_logging(json=settings.json_logs, level=settings.log_level)
    # X-Forwarded-For is judged by the app with REPORTING_TRUSTED_PROXIES, never by uvicorn.
    serve_api(create_app(settings), host=host, port=port)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="hms-reporting api", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8005)
    args = parser.parse_args(argv)
    serve(args.host, args.port)


if __name__ == "__main__":
    main()
