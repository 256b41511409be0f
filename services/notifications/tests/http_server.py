"""An aiohttp app on a free port of 127.0.0.1 that answers from a script first: the base of the
local provider servers (providers.py, twilio_server.py)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from hms_platform.testing.ports import listening_socket, port_of

Answer = tuple[int, dict[str, Any], dict[str, str]]  # status, JSON body, headers


class HttpServer:
    """An aiohttp app on a free port of 127.0.0.1; ``script``: answers to give first."""

    def __init__(self) -> None:
        self.socket = listening_socket()
        self.port = port_of(self.socket)
        self.url = f"http://127.0.0.1:{self.port}"
        self.script: list[Answer] = []
        self.requests: list[dict[str, Any]] = []
        self.delay = 0.0  # seconds before answering (a provider that hangs)
        self.app = web.Application()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app)
        await self._runner.setup()
        await web.SockSite(self._runner, self.socket).start()

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    def scripted(self) -> Answer | None:
        return self.script.pop(0) if self.script else None
