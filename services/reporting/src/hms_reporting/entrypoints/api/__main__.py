"""`python -m hms_reporting.entrypoints.api [--host H] [--port P]`, or `hms-reporting api`:
serve the API with uvicorn."""

from __future__ import annotations

from hms_platform.web.serving import api_main, serve_service
from hms_reporting.config import ReportingSettings
from hms_reporting.entrypoints.api.app import create_app


def serve(host: str, port: int) -> None:
    serve_service(ReportingSettings(), create_app, host=host, port=port)


def main(argv: list[str] | None = None) -> None:
    api_main(serve, prog="hms-reporting api", port=8005, description=__doc__, argv=argv)


if __name__ == "__main__":
    main()
