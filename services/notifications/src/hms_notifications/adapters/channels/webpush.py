"""Web Push over httpx: RFC 8030 (the push service's protocol), RFC 8291 (the payload encrypted
for the browser, aes128gcm, with ``http-ece``) and RFC 8292 (VAPID, ``vapid.py``).

Each device is a subscription (domain/subscriptions.py). Its endpoint must still be an allowed
push service's (checked again here; redirects are not followed). What a push service answers:
201/200/202 sent; 404/410 the subscription is gone (dropped, SMS takes over); 429/5xx and
network errors later again (Retry-After honoured); 401/403 our VAPID key is refused, 400/413
and anything else a failure, not retried."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
from collections.abc import Sequence

import http_ece
import httpx
import structlog
from cryptography.hazmat.primitives.asymmetric import ec

from hms_notifications.adapters.channels.http import retry_after_seconds
from hms_notifications.adapters.channels.vapid import Vapid
from hms_notifications.domain.delivery import (
    Failed,
    Outcome,
    Retry,
    Sent,
    Undeliverable,
    combine,
)
from hms_notifications.domain.errors import InvalidRequest
from hms_notifications.domain.model import Message
from hms_notifications.domain.subscriptions import OriginPattern, Subscription, parse_subscription
from hms_notifications.domain.templates import Rendered

log = structlog.get_logger(__name__)
TURN_KINDS = frozenset({"turn_now", "turn_approaching"})
TURN_TTL = 15 * 60  # a turn notice older than this only confuses
RECORD_SIZE = 4096


def payload(text: Rendered, message: Message) -> bytes:
    """What the app's service worker shows: title and body, and where a tap opens the app."""
    url = "/patient/ticket" if message.kind in TURN_KINDS else "/patient/"
    return json.dumps({"title": text.title, "body": text.body, "kind": message.kind,
                       "notification_id": str(message.id), "url": url},
                      separators=(",", ":")).encode()


def encrypt(plain: bytes, sub: Subscription, *,
            sender: ec.EllipticCurvePrivateKey | None = None, salt: bytes | None = None) -> bytes:
    """RFC 8291: aes128gcm under a key agreed between a fresh key pair (``sender``) and the
    browser's, with a fresh ``salt`` (both given only by the test of RFC 8291's example)."""
    return bytes(http_ece.encrypt(plain, salt=salt or os.urandom(16),
                                  private_key=sender or ec.generate_private_key(ec.SECP256R1()),
                                  dh=sub.p256dh, auth_secret=sub.auth, version="aes128gcm",
                                  rs=RECORD_SIZE))


def headers(message: Message, ttl: int) -> dict[str, str]:
    turn = message.kind in TURN_KINDS
    # A push with the Topic of one still waiting for the phone replaces it (RFC 8030 5.4): a
    # newer notice of the same ticket; any other message's copy sent again after a sender died
    # (a push service cannot be asked what it took).
    topic = (f"turn:{message.subject_id}" if turn and message.subject_id is not None
             else f"message:{message.id}")
    digest = hashlib.sha256(topic.encode()).digest()[:24]
    return {"Content-Encoding": "aes128gcm", "Content-Type": "application/octet-stream",
            "TTL": str(min(ttl, TURN_TTL) if turn else ttl),
            "Urgency": "high" if turn else "normal",
            "Topic": base64.urlsafe_b64encode(digest).decode()}


class WebPushChannel:
    name = "push"

    def __init__(self, vapid: Vapid, origins: Sequence[OriginPattern], *, ttl: int = 3600,
                 timeout: float = 10) -> None:
        self._vapid, self._origins, self._ttl = vapid, tuple(origins), ttl
        self._http = httpx.AsyncClient(timeout=timeout, follow_redirects=False)

    async def send(self, address: str | tuple[str, ...], text: Rendered,
                   message: Message) -> Outcome:
        devices = (address,) if isinstance(address, str) else address
        body = payload(text, message)
        return combine(await asyncio.gather(*(self._one(d, body, message) for d in devices)))

    async def _one(self, device: str, body: bytes, message: Message) -> Outcome:
        try:
            sub = parse_subscription(device, self._origins)
        except InvalidRequest as error:
            # Stored before the allowed push services changed: never sent to, dropped.
            log.warning("webpush.refused_endpoint", reason=str(error))
            return Undeliverable("webpush: endpoint not allowed", (device,))
        try:
            response = await self._http.post(
                sub.endpoint, content=encrypt(body, sub),
                headers={**headers(message, self._ttl),
                         "Authorization": self._vapid.authorization(sub.origin)})
        except httpx.HTTPError as error:
            return Retry(f"webpush: {type(error).__name__}")
        status = response.status_code
        if status in (200, 201, 202):
            return Sent(response.headers.get("Location", "")[:200] or "webpush")
        if status in (404, 410):
            return Undeliverable("push: subscription gone", (device,))
        if status == 429 or status >= 500:
            return Retry(f"webpush {status}",
                         retry_after_seconds(response.headers.get("Retry-After")))
        if status in (401, 403):
            log.error("webpush.vapid_refused", origin=sub.origin, status=status,
                      hint="the push service refuses our VAPID key or token")
        return Failed(f"webpush {status}")

    async def close(self) -> None:
        await self._http.aclose()
