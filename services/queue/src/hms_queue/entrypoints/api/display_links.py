"""Waiting-room display links: a token naming some doctors' lines and an expiry, signed with
HMAC-SHA256 under ``QUEUE_DISPLAY_SECRET``. Anyone holding the link sees those lines' numbers,
statuses and rooms, nothing else, until it expires."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime


class BadDisplayToken(ValueError):
    pass


@dataclass(frozen=True)
class DisplayGrant:
    doctor_ids: tuple[uuid.UUID, ...]
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, body: str) -> str:
    return _b64(hmac.new(secret.encode(), b"queue-display:" + body.encode(),
                         hashlib.sha256).digest())


def sign(secret: str, grant: DisplayGrant) -> str:
    body = _b64(json.dumps({"d": [str(d) for d in grant.doctor_ids],
                            "exp": int(grant.expires_at.timestamp())}).encode())
    return f"{body}.{_mac(secret, body)}"


def verify(secret: str, token: str, now: datetime) -> DisplayGrant:
    try:
        body, mac = token.split(".")
        if not hmac.compare_digest(mac, _mac(secret, body)):
            raise BadDisplayToken("bad signature")
        claims = json.loads(_unb64(body))
        grant = DisplayGrant(tuple(uuid.UUID(d) for d in claims["d"]),
                             datetime.fromtimestamp(int(claims["exp"]), UTC))
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BadDisplayToken("malformed display link") from error
    if grant.expires_at <= now:
        raise BadDisplayToken("expired display link")
    return grant
