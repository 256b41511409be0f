"""`python -m hms_auth.entrypoints.api`: serve the API with uvicorn on AUTH_HOST:AUTH_PORT."""

from __future__ import annotations

from hms_auth.config import AuthSettings
from hms_auth.entrypoints.api.app import create_app
from hms_platform.logging import configure_logging
from hms_platform.web.serving import serve_api


def main() -> None:
    settings = AuthSettings()
    configure_logging(json=settings.json_logs, level=settings.log_level)
    # X-Forwarded-For is judged by the app with AUTH_TRUSTED_PROXIES, never by uvicorn.
    serve_api(create_app(settings), host=settings.host, port=settings.port)


if __name__ == "__main__":
    main()
