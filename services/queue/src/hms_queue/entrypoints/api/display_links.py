"""Waiting-room display links: a token naming some doctors' lines and an expiry, signed with
HMAC-SHA256 under ``QUEUE_DISPLAY_SECRET``. Anyone holding the link sees those lines' numbers,
statuses, rooms and doctors' names, nothing else, until it expires.

A named display's token names the display instead (``{"n": id}``): the link an admin is given
has no expiry (it holds until the display is revoked, which the API checks on every use), and
the screen swaps in fresh short-lived ones (``{"n": id, "exp": seconds}``) from its stream.

``verify`` refuses anything but exactly what ``sign`` makes (``BadDisplayToken``, whatever the
input: it is a URL parameter), including a well-signed body with claims ``sign`` never writes,
since a leaked secret must not turn into errors or unbounded work."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

MAX_TOKEN_LENGTH = 4096
LAST_EXPIRY = 253402300799  # 9999-12-31T23:59:59Z, the last second a datetime holds
_B64URL = re.compile(r"[A-Za-z0-9_-]+")


class BadDisplayToken(ValueError):
    pass


@dataclass(frozen=True)
class DisplayGrant:
    doctor_ids: tuple[uuid.UUID, ...]
    expires_at: datetime


@dataclass(frozen=True)
class NamedGrant:
    """A named display's token: valid while the display is not revoked, and, for the tokens a
    screen is handed, until ``expires_at``."""

    display_id: uuid.UUID
    expires_at: datetime | None = None


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


def sign_named(secret: str, grant: NamedGrant) -> str:
    claims: dict[str, object] = {"n": str(grant.display_id)}
    if grant.expires_at is not None:
        claims["exp"] = int(grant.expires_at.timestamp())
    body = _b64(json.dumps(claims).encode())
    return f"{body}.{_mac(secret, body)}"


def verify(secret: str, token: str, now: datetime, *,
           max_doctors: int) -> DisplayGrant | NamedGrant:
    """The grant of a link this secret signed, with its doctors de-duplicated; else
    ``BadDisplayToken`` (altered, expired, malformed, or naming more than ``max_doctors``).
    A named display's grant still needs its display checked (exists, not revoked)."""
    parts = token.split(".") if isinstance(token, str) and len(token) <= MAX_TOKEN_LENGTH else []
    if len(parts) != 2 or not all(_B64URL.fullmatch(part) for part in parts):
        raise BadDisplayToken("malformed display link")
    body, mac = parts
    if not hmac.compare_digest(mac.encode(), _mac(secret, body).encode()):
        raise BadDisplayToken("bad signature")
    grant = _grant(body, max_doctors)
    if grant.expires_at is not None and grant.expires_at <= now:
        raise BadDisplayToken("expired display link")
    return grant


def _grant(body: str, max_doctors: int) -> DisplayGrant | NamedGrant:
    try:
        claims = json.loads(_unb64(body))
    except (ValueError, binascii.Error, RecursionError) as error:
        raise BadDisplayToken("malformed display link") from error
    if not isinstance(claims, dict):
        raise BadDisplayToken("malformed display link")
    if claims.keys() in ({"n"}, {"n", "exp"}):
        named = claims["n"]
        if not isinstance(named, str):
            raise BadDisplayToken("malformed display link")
        expires = _expiry(claims["exp"]) if "exp" in claims else None
        return NamedGrant(_doctor_id(named), expires)
    if claims.keys() != {"d", "exp"}:
        raise BadDisplayToken("malformed display link")
    doctors = claims["d"]
    if not isinstance(doctors, list) or not doctors or not all(
            isinstance(d, str) for d in doctors):
        raise BadDisplayToken("malformed display link")
    expires = _expiry(claims["exp"])
    doctor_ids = tuple(dict.fromkeys(_doctor_id(d) for d in doctors))
    if len(doctor_ids) > max_doctors:
        raise BadDisplayToken("too many lines in one display link")
    return DisplayGrant(doctor_ids, expires)


def _expiry(exp: object) -> datetime:
    if type(exp) is not int or not 0 < exp <= LAST_EXPIRY:  # no bool, float or huge number
        raise BadDisplayToken("malformed display link")
    return datetime.fromtimestamp(exp, UTC)


def _doctor_id(text: str) -> uuid.UUID:  # a display's id too
    """A UUID as ``sign`` writes it (lowercase, hyphenated), nothing looser."""
    try:
        doctor_id = uuid.UUID(text)
    except ValueError as error:
        raise BadDisplayToken("malformed display link") from error
    if str(doctor_id) != text:
        raise BadDisplayToken("malformed display link")
    return doctor_id


def link_key(token: str) -> str:
    """What the stream limits count a link's streams by: a digest, not the link itself."""
    return hashlib.sha256(token.encode()).hexdigest()
