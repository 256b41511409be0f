"""`python -m hms_auth.entrypoints.api`: serve the API with uvicorn on AUTH_HOST:AUTH_PORT."""

from __future__ import annotations

import uvicorn

from hms_auth.config import AuthSettings
from hms_auth.entrypoints.api.app import create_app
from hms_platform.logging import configure_logging


def main() -> None:
    settings = AuthSettings()
    configure_logging(json=settings.json_logs, level=settings.log_level)
    # log_config=None: uvicorn's own loggers go through the structlog setup above.
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None,
                proxy_headers=False)  # X-Forwarded-For is judged by trusted_proxies instead


if __name__ == "__main__":
    main()
