"""A server told to stop calls the app's stop-signal hooks at once: its graceful shutdown waits
for open responses, and an event stream never ends by itself (the queue's live streams)."""

from __future__ import annotations

import asyncio
import signal

from hms_platform.web import create_service_app, serving
from hms_platform.web.serving import on_stop_signal, uvicorn_config


async def test_the_hooks_run_in_the_loop_when_the_signal_comes() -> None:
    app = create_service_app("demo", prefix="/api/demo")
    called: list[str] = []
    on_stop_signal(app, lambda: called.append("streams ended"))
    on_stop_signal(app, lambda: called.append("and the other"))
    server = serving._Server(uvicorn_config(app, host="127.0.0.1", port=0),
                             app.state.stop_signal_hooks)
    server.handle_exit(signal.SIGTERM, None)
    assert server.should_exit and called == []  # scheduled in the loop, not in the handler
    await asyncio.sleep(0)
    assert called == ["streams ended", "and the other"]

