"""`python -m hms_appointments.entrypoints.api [--host H] [--port P]`, or `hms-appointments api`:
serve the API with uvicorn."""

from __future__ import annotations

from hms_appointments.config import AppointmentsSettings
from hms_appointments.entrypoints.api.app import create_app
from hms_platform.web.serving import api_main, serve_service


def serve(host: str, port: int) -> None:
    serve_service(AppointmentsSettings(), create_app, host=host, port=port)


def main(argv: list[str] | None = None) -> None:
    api_main(serve, prog="hms-appointments api", port=8002, description=__doc__, argv=argv)


if __name__ == "__main__":
    main()
