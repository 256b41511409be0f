"""A local server speaking Twilio's Messages API (loaded through providers.py): create and
list, with basic auth, Twilio's message fields and paging, and signed status callbacks."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, date, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from twilio.request_validator import RequestValidator

from hms_platform.testing.modules import load_beside

_HTTP = load_beside(__file__, "http_server.py", "hms_notifications_test_http_server")
Answer = _HTTP.Answer


class TwilioServer(_HTTP.HttpServer):
    """Twilio's Messages API: create (``POST .../Messages.json``, recorded in ``requests``) and
    the list (``GET``, each query in ``lookups``; ``list_script``: answers to give first): the
    messages it took, newest first, filtered by ``To``, ``From`` and ``DateSent`` (on, ``<``
    on or before, ``>`` on or after; a message not sent yet has no date_sent and matches no
    DateSent filter), paged by ``PageSize`` and ``Page`` with Twilio's paging fields. A message
    is ``sent`` at once, or stays ``queued`` while ``queued`` is set."""

    def __init__(self, account_sid: str, auth_token: str) -> None:
        super().__init__()
        self.sid, self.token = account_sid, auth_token
        self.path = f"/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.messages: list[dict[str, Any]] = []  # as the list gives them, oldest first
        self.lookups: list[dict[str, str]] = []
        self.list_script: list[Answer] = []
        self.queued = False
        self.app.router.add_post(self.path, self.create)
        self.app.router.add_get(self.path, self.list)

    def _authorized(self, request: web.Request) -> bool:
        expected = "Basic " + base64.b64encode(f"{self.sid}:{self.token}".encode()).decode()
        return request.headers.get("Authorization") == expected

    def took(self, to: str, sender: str, body: str, at: datetime | None = None) -> dict[str, Any]:
        """A message taken (by the API, or put here by a test at ``at``)."""
        at = at or datetime.now(UTC)
        created = format_datetime(at.astimezone(UTC))
        sid = f"SM{len(self.messages) + 1:032x}"
        message = {"sid": sid, "account_sid": self.sid, "to": to, "from": sender,
                   "body": body, "status": "queued" if self.queued else "sent",
                   "direction": "outbound-api", "num_segments": "1",
                   "date_created": created, "date_updated": created,
                   "date_sent": None if self.queued else created,
                   "uri": f"{self.path[:-5]}/{sid}.json"}
        self.messages.append(message)
        return message

    async def create(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.json_response({"code": 20003, "message": "Authenticate",
                                      "status": 401}, status=401)
        form = dict(await request.post())
        self.requests.append(form)
        await asyncio.sleep(self.delay)
        if not {"To", "From", "Body"} <= set(form):
            return web.json_response({"code": 21604, "message": "'To' is required",
                                      "status": 400}, status=400)
        answer = self.scripted()
        if answer:
            status, body, headers = answer
            return web.json_response(body, status=status, headers=headers)
        message = self.took(str(form["To"]), str(form["From"]), str(form["Body"]))
        return web.json_response({**message, "status": "queued", "date_sent": None},
                                 status=201)

    async def list(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.json_response({"code": 20003, "message": "Authenticate",
                                      "status": 401}, status=401)
        query = dict(request.query)
        self.lookups.append(query)
        if self.list_script:
            status, body, headers = self.list_script.pop(0)
            return web.json_response(body, status=status, headers=headers)
        found = [msg for msg in reversed(self.messages)
                 if query.get("To", msg["to"]) == msg["to"]
                 and query.get("From", msg["from"]) == msg["from"]
                 and _date_sent_matches(msg, query)]
        size = min(int(query.get("PageSize", 50)), 1000)
        page = int(query.get("Page", 0))
        items = found[page * size:(page + 1) * size]
        filters = {k: v for k, v in query.items() if k not in ("Page", "PageSize", "PageToken")}

        def uri(number: int) -> str:
            return f"{self.path}?{urlencode({**filters, 'PageSize': size, 'Page': number})}"

        more = (page + 1) * size < len(found)
        return web.json_response({
            "messages": items, "page": page, "page_size": size, "start": page * size,
            "end": page * size + max(0, len(items) - 1), "uri": uri(page),
            "first_page_uri": uri(0),
            "next_page_uri": uri(page + 1) + f"&PageToken=PASM{page + 1}" if more else None,
            "previous_page_uri": uri(page - 1) if page else None})

    async def report(self, client: Any, url: str, message_sid: str, status: str) -> Any:
        """Post a delivery status to ``url`` as Twilio does, signed with the auth token."""
        params = {"MessageSid": message_sid, "MessageStatus": status, "AccountSid": self.sid}
        signature = RequestValidator(self.token).compute_signature(url, params)
        return await client.post(url, data=params, headers={"X-Twilio-Signature": signature})


def _date_sent_matches(message: dict[str, Any], query: dict[str, str]) -> bool:
    """Twilio's ``DateSent`` filters, on the day (GMT) a message was sent."""
    tests = {"DateSent": date.__eq__, "DateSent<": date.__le__, "DateSent>": date.__ge__}
    asked = {k: date.fromisoformat(v[:10]) for k, v in query.items() if k in tests}
    if not asked:
        return True
    if message["date_sent"] is None:
        return False
    sent = parsedate_to_datetime(message["date_sent"]).astimezone(UTC).date()
    return all(tests[k](sent, day) for k, day in asked.items())
