"""A local server speaking Twilio's Messages API (the protocol of services/notifications/tests/
providers.py's TwilioServer: basic auth, form fields, a JSON answer with a sid) that records
the arrival time of every message with its recipient and text, in the bench process's clock
(``time.perf_counter``), the clock the load generator stamps its answers with."""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass

from aiohttp import web
from whole_system import TWILIO

from hms_platform.testing.ports import listening_socket, port_of


@dataclass(frozen=True)
class Arrival:
    at: float  # time.perf_counter() when the message was taken
    to: str
    body: str


class RecordingTwilio:
    def __init__(self) -> None:
        self.socket = listening_socket()
        self.url = f"http://127.0.0.1:{port_of(self.socket)}"
        self.arrivals: list[Arrival] = []
        self.refused = 0  # requests with the wrong credentials
        self._runner: web.AppRunner | None = None
        self.app = web.Application()
        self.app.router.add_post(f"/2010-04-01/Accounts/{TWILIO['account']}/Messages.json",
                                 self.create)

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        await web.SockSite(self._runner, self.socket).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def create(self, request: web.Request) -> web.Response:
        expected = "Basic " + base64.b64encode(
            f"{TWILIO['account']}:{TWILIO['token']}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            self.refused += 1
            return web.json_response({"code": 20003, "status": 401}, status=401)
        form = await request.post()
        arrival = Arrival(time.perf_counter(), str(form["To"]), str(form["Body"]))
        self.arrivals.append(arrival)
        sid = f"SM{len(self.arrivals):032d}"
        return web.json_response({"sid": sid, "status": "queued", "to": arrival.to,
                                  "from": str(form["From"]), "body": arrival.body,
                                  "account_sid": TWILIO["account"]}, status=201)

    def since(self, index: int) -> list[Arrival]:
        return self.arrivals[index:]
