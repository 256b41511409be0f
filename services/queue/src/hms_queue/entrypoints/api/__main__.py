"""`python -m hms_queue.entrypoints.api [--host H] [--port P]`, or `hms-queue api`: serve the
API with uvicorn."""

from __future__ import annotations

import asyncio
from types import FrameType

import uvicorn
from fastapi import FastAPI

from hms_platform.logging import configure_logging
from hms_platform.web.serving import api_main, exit_quietly_on_interrupt, uvicorn_config
from hms_queue.config import QueueSettings
from hms_queue.entrypoints.api.app import create_app


class _Server(uvicorn.Server):
    """uvicorn, ending the app's event streams as soon as it is told to stop: its graceful
    shutdown waits for open responses, and a stream never finishes by itself."""

    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self._app = app

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        loop = asyncio.get_event_loop()
        loop.call_soon_threadsafe(self._app.state.line_watcher.end_streams)
        super().handle_exit(sig, frame)


def serve(host: str, port: int) -> None:
    settings = QueueSettings()
    configure_logging(json=settings.json_logs, level=settings.log_level)
    app = create_app(settings)
    # X-Forwarded-For is judged by the app with QUEUE_TRUSTED_PROXIES, never by uvicorn. The
    # grace period is a backstop: streams end on their own when the server stops.
    config = uvicorn_config(app, host=host, port=port,
                            timeout_graceful_shutdown=settings.shutdown_grace_seconds)
    with exit_quietly_on_interrupt():
        _Server(config, app).run()


def main(argv: list[str] | None = None) -> None:
    api_main(serve, prog="hms-queue api", port=8003, description=__doc__, argv=argv)


if __name__ == "__main__":
    main()
