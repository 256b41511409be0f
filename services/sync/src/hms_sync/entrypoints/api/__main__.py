"""`python -m hms_sync.entrypoints.api [--host H] [--port P]`, or `hms-sync api`: serve the API
with uvicorn."""

from __future__ import annotations

from hms_platform.web.serving import api_main, serve_service
from hms_sync.config import SyncSettings
from hms_sync.entrypoints.api.app import create_app


def serve(host: str, port: int) -> None:
    serve_service(SyncSettings(), create_app, host=host, port=port)


def main(argv: list[str] | None = None) -> None:
    api_main(serve, prog="hms-sync api", port=8006, description=__doc__, argv=argv)


if __name__ == "__main__":
    main()
