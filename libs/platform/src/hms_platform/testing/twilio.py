"""A local server speaking Twilio's Messages API for the whole-system runs (the fault suite,
``make bench``'s system part; services/notifications/tests has its own, scriptable one). It
records every message it takes with when it took it (the wall clock, and ``time.perf_counter``
for a load generator in the same process), so a run can count what reached the provider per
phone number and text ("none doubled" at the provider itself) and how long each took.

A message is taken once its whole request has been read and ``hold`` has passed (a provider
that is slow to answer); a client that hung up before that (a sender killed mid-request) sent
nothing, as with a request that never completed. With ``hold_after_taking`` the message is
taken first and only its answer is late (a sender killed then has sent it). ``busy`` is set
while a request is held. ``GET`` on the same path is Twilio's Messages list of what it took
(a sender asks it before sending again a message a killed sender left)."""

from __future__ import annotations

import asyncio
import base64
import collections
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urlencode

from aiohttp import web

from hms_platform.testing.ports import listening_socket, port_of

# The credentials and sender a run gives notifications (NOTIFICATIONS_TWILIO_*), by default
ACCOUNT, TOKEN, SENDER = "AC" + "f" * 32, "local-token", "+15005550006"
_EXPECTED = "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()


def settings(url: str) -> dict[str, str]:
    """notifications' settings that send its SMS to the server at ``url``, as the default
    credentials and sender."""
    return {"NOTIFICATIONS_TWILIO_ACCOUNT_SID": ACCOUNT, "NOTIFICATIONS_TWILIO_AUTH_TOKEN": TOKEN,
            "NOTIFICATIONS_TWILIO_FROM": SENDER, "NOTIFICATIONS_TWILIO_BASE_URL": url}


@dataclass(frozen=True)
class Taken:
    to: str
    body: str
    sid: str
    sender: str = SENDER
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    mono: float = field(default_factory=time.perf_counter)  # the same moment, for latencies


class RecordingTwilio:
    def __init__(self) -> None:
        self.socket = listening_socket()
        self.url = f"http://127.0.0.1:{port_of(self.socket)}"
        self.taken: list[Taken] = []
        self.refused = 0  # requests with the wrong credentials
        self.hung_up = 0  # requests whose client went away before the message was taken
        self.hold = 0.0
        self.hold_after_taking = False  # hold the answer of a message already taken
        self.busy = asyncio.Event()
        self._held = 0
        self._runner: web.AppRunner | None = None
        self.app = web.Application()
        self.path = f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
        self.app.router.add_post(self.path, self.create)
        self.app.router.add_get(self.path, self.list)
        self.lookups = 0  # list requests (a sender asking whether a message went already)

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, handler_cancellation=True, access_log=None)
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

    def since(self, index: int) -> list[Taken]:
        """What it took after the first ``index`` (``len(taken)`` before a load)."""
        return self.taken[index:]

    def _refused(self, request: web.Request) -> web.Response | None:
        if request.headers.get("Authorization") == _EXPECTED:
            return None
        self.refused += 1
        return web.json_response({"code": 20003, "status": 401}, status=401)

    async def create(self, request: web.Request) -> web.Response:
        if refused := self._refused(request):
            return refused
        form = await request.post()
        if self.hold and not self.hold_after_taking:
            await self._held_for(self.hold)
        if request.transport is None or request.transport.is_closing():
            self.hung_up += 1
            raise web.HTTPServiceUnavailable()
        taken = Taken(str(form["To"]), str(form["Body"]), f"SM{len(self.taken) + 1:032d}",
                      str(form["From"]))
        self.taken.append(taken)
        if self.hold and self.hold_after_taking:  # taken: only the answer is late
            await self._held_for(self.hold)
        return web.json_response({"sid": taken.sid, "status": "queued", "to": taken.to,
                                  "from": str(form["From"]), "body": taken.body,
                                  "account_sid": ACCOUNT}, status=201)

    async def list(self, request: web.Request) -> web.Response:
        """Twilio's Messages list: what it took, newest first, by ``To`` and ``From``, paged
        (``PageSize``, ``Page``) with Twilio's paging fields."""
        if refused := self._refused(request):
            return refused
        self.lookups += 1
        query = dict(request.query)
        found = [t for t in reversed(self.taken) if query.get("To", t.to) == t.to
                 and query.get("From", t.sender) == t.sender]
        size, page = min(int(query.get("PageSize", 50)), 1000), int(query.get("Page", 0))
        items = found[page * size:(page + 1) * size]
        filters = {k: v for k, v in query.items() if k in ("To", "From")}

        def uri(number: int) -> str:
            return f"{self.path}?{urlencode({**filters, 'PageSize': size, 'Page': number})}"

        def shown(t: Taken) -> dict[str, object]:
            when = format_datetime(t.at)
            return {"sid": t.sid, "account_sid": ACCOUNT, "to": t.to, "from": t.sender,
                    "body": t.body, "status": "sent", "direction": "outbound-api",
                    "date_created": when, "date_updated": when, "date_sent": when}

        more = (page + 1) * size < len(found)
        return web.json_response({
            "messages": [shown(t) for t in items], "page": page, "page_size": size,
            "start": page * size, "end": page * size + max(0, len(items) - 1),
            "uri": uri(page), "first_page_uri": uri(0),
            "next_page_uri": f"{uri(page + 1)}&PageToken=PASM{page + 1}" if more else None,
            "previous_page_uri": uri(page - 1) if page else None})
