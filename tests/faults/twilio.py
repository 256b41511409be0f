"""A local server speaking Twilio's Messages API (the shape of services/notifications/tests/
providers.py's TwilioServer) that records every message it takes, so the suite can count what
reached the provider per phone number and text: "none doubled" at the provider itself.

A message is taken once its whole request has been read and ``hold`` has passed (a provider
that is slow to answer); a client that hung up before that (a sender killed mid-request) sent
nothing, as with a request that never completed. With ``hold_after_taking`` the message is
taken first and only its answer is late (a sender killed then has sent it). ``busy`` is set
while a request is held."""

from __future__ import annotations

import asyncio
import base64
import collections
from dataclasses import dataclass

from aiohttp import web

from hms_platform.testing.ports import listening_socket, port_of

ACCOUNT, TOKEN, SENDER = "AC" + "f" * 32, "faults-token", "+15005550006"


@dataclass(frozen=True)
class Taken:
    to: str
    body: str
    sid: str


class RecordingTwilio:
    def __init__(self) -> None:
        self.socket = listening_socket()
        self.url = f"http://127.0.0.1:{port_of(self.socket)}"
        self.taken: list[Taken] = []
        self.hung_up = 0  # requests whose client went away before the message was taken
        self.hold = 0.0
        self.hold_after_taking = False  # hold the answer of a message already taken
        self.busy = asyncio.Event()
        self._held = 0
        self._runner: web.AppRunner | None = None
        self.app = web.Application()
        self.app.router.add_post(f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json", self.create)

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, handler_cancellation=True)
        await self._runner.setup()
        await web.SockSite(self._runner, self.socket).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _held_for(self, seconds: float) -> None:
        self._held += 1
        self.busy.set()
        try:
            await asyncio.sleep(seconds)
        except asyncio.CancelledError:  # the client hung up (handler_cancellation)
            self.hung_up += 1
            raise
        finally:
            self._held -= 1
            if not self._held:
                self.busy.clear()

    def per_message(self) -> collections.Counter[tuple[str, str]]:
        return collections.Counter((t.to, t.body) for t in self.taken)

    async def create(self, request: web.Request) -> web.Response:
        expected = "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return web.json_response({"code": 20003, "status": 401}, status=401)
        form = await request.post()
        if self.hold and not self.hold_after_taking:
            await self._held_for(self.hold)
        if request.transport is None or request.transport.is_closing():
            self.hung_up += 1
            raise web.HTTPServiceUnavailable()
        taken = Taken(str(form["To"]), str(form["Body"]), f"SM{len(self.taken) + 1:032d}")
        self.taken.append(taken)
        if self.hold and self.hold_after_taking:  # taken: only the answer is late
            await self._held_for(self.hold)
        return web.json_response({"sid": taken.sid, "status": "queued", "to": taken.to,
                                  "from": str(form["From"]), "body": taken.body,
                                  "account_sid": ACCOUNT}, status=201)
