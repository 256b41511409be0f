"""`python -m hms_auth.entrypoints.api [--host H] [--port P]`, or `hms-auth api`: serve the API
with uvicorn. Without arguments, `python -m` listens on AUTH_HOST:AUTH_PORT."""

from __future__ import annotations

from hms_auth.config import AuthSettings
from hms_auth.entrypoints.api.app import create_app
from hms_platform.web.serving import api_main, serve_service


def serve(host: str, port: int) -> None:
    serve_service(AuthSettings(), create_app, host=host, port=port)


def main(argv: list[str] | None = None) -> None:
    settings = AuthSettings()
    api_main(serve, prog="hms-auth api", host=settings.host, port=settings.port,
             description=__doc__, argv=argv)


if __name__ == "__main__":
    main()
