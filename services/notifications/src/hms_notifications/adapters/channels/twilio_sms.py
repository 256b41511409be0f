"""SMS through Twilio's Messages API, with the official package's async HTTP client (aiohttp).
The base URL comes from settings (tests point it at a local server speaking the API). The
Messages list tells whether Twilio already took a message a dead sender was sending."""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import aiohttp
from twilio.base.exceptions import TwilioException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from hms_notifications.adapters.channels.http import retry_after_seconds
from hms_notifications.domain.delivery import Failed, Outcome, Retry, Sent
from hms_notifications.domain.model import Message
from hms_notifications.domain.templates import Rendered

# A reclaimed message is looked for among the newest messages to its number (one patient's).
LOOKUP_LIMIT, LOOKUP_PAGE = 200, 50
_NEVER_LEFT = frozenset({"failed", "canceled"})
# The last response's headers, per task: a 429's Retry-After, which the exception lacks.
_HEADERS: contextvars.ContextVar[Mapping[str, str] | None] = contextvars.ContextVar(
    "twilio_headers", default=None)


class _HeaderKeepingClient(AsyncTwilioHttpClient):
    """Keeps the response's headers, and applies the timeout it was made with: the package's
    async client passes the call's own timeout (None: wait forever) to aiohttp instead. The
    account's credentials go as an Authorization header: the package hands them to aiohttp's
    ``auth`` parameter, which aiohttp deprecates (and will drop in its version 4)."""

    async def request(self, *args: Any, **kwargs: Any) -> Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        auth = kwargs.pop("auth", None)
        if auth is not None:
            kwargs["headers"] = {**(kwargs.get("headers") or {}),
                                 "Authorization": aiohttp.encode_basic_auth(*auth)}
        response = await super().request(*args, **kwargs)
        _HEADERS.set(response.headers)
        return response


def _retry_after(headers: Mapping[str, str] | None) -> float | None:
    return retry_after_seconds((headers or {}).get("Retry-After"))


class TwilioChannel:
    name = "sms"

    def __init__(self, account_sid: str, auth_token: str, sender: str, *,
                 base_url: str = "https://api.twilio.com", status_callback: str | None = None,
                 timeout: float = 10) -> None:
        self._http = _HeaderKeepingClient(timeout=timeout)
        self._client = Client(account_sid, auth_token, http_client=self._http)
        self._client.api.base_url = base_url.rstrip("/")
        self._sender, self._callback = sender, status_callback

    async def send(self, address: str | tuple[str, ...], text: Rendered,
                   message: Message) -> Outcome:
        extra = {"status_callback": self._callback} if self._callback else {}
        _HEADERS.set(None)
        try:
            created = await self._client.messages.create_async(
                to=str(address), from_=self._sender, body=text.body, **extra)
        except TwilioException as error:
            status = int(getattr(error, "status", 0) or 0)
            code = getattr(error, "code", None)
            if status == 429:
                return Retry("twilio 429", _retry_after(_HEADERS.get()))
            if status >= 500 or status == 0:
                return Retry(f"twilio {status}")
            return Failed(f"twilio {status} (code {code})")
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            return Retry(f"twilio: {type(error).__name__}")
        return Sent(str(created.sid))

    async def sent_since(self, address: str, text: Rendered, since: datetime) -> list[str]:
        """Twilio's Messages list (``GET .../Messages.json?To=&From=``, newest first, up to
        ``LOOKUP_LIMIT``): the sids of those with exactly this body created at or after
        ``since``, oldest first. No ``DateSent`` filter: a message still queued at Twilio has
        no date_sent yet, and it is the one not to send again. A message Twilio ``failed`` or
        ``canceled`` (never left Twilio) does not count. Raises on any error."""
        found: list[tuple[datetime, str]] = []
        records = await self._client.messages.stream_async(
            to=address, from_=self._sender, limit=LOOKUP_LIMIT, page_size=LOOKUP_PAGE)
        async for record in records:
            created = record.date_created
            if (record.body == text.body and record.to == address
                    and isinstance(created, datetime) and created >= since
                    and record.status not in _NEVER_LEFT):
                found.append((created, str(record.sid)))
        return [sid for _, sid in sorted(found)]

    async def close(self) -> None:
        await self._http.close()
