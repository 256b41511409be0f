"""Web Push subscriptions as push devices, and the push services they may point at.

A device is either an FCM registration token or a browser's Web Push subscription, stored as
``JSON.stringify(subscription)``: ``{"endpoint":"https://...","expirationTime":null,
"keys":{"p256dh":"<b64url>","auth":"<b64url>"}}``. The sender POSTs to the endpoint, so an
endpoint must belong to an allowed push service (scheme, host, port; ``https://*.push.apple.com``
allows any name under it): checked when the device is registered and again before each send."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from hms_notifications.domain.errors import InvalidRequest

# The push services of Chrome/Edge/Android (FCM), Firefox, Safari and Windows.
DEFAULT_PUSH_ORIGINS = ("https://fcm.googleapis.com", "https://updates.push.services.mozilla.com",
                        "https://*.push.apple.com", "https://*.notify.windows.com")
# An endpoint as the sender will request it: a lower-case host name or address and a port,
# nothing else before the path (no user info, backslash or space), so that what is checked
# here is the host the HTTP client connects to.
_ENDPOINT = re.compile(r"^(https?)://([a-z0-9.-]+)(?::(\d{1,5}))?(/[\x21-\x7e]*)?$")
_ORIGIN = re.compile(r"^(https?)://(\*\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(\d{1,5}))?/?$")
_DEFAULT_PORTS = {"https": 443, "http": 80}

# P-256 (SEC 2): a public key is a point (x, y) with y^2 = x^3 - 3x + b (mod p).
_P = 2**256 - 2**224 + 2**192 + 2**96 - 1
_B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B


@dataclass(frozen=True)
class OriginPattern:
    scheme: str
    host: str  # lower case; with ``wildcard``, the suffix its names end in
    port: int
    wildcard: bool = False

    def matches(self, scheme: str, host: str, port: int) -> bool:
        if (scheme, port) != (self.scheme, self.port):
            return False
        if self.wildcard:
            return host.endswith("." + self.host)
        return host == self.host

    def __str__(self) -> str:
        default = _DEFAULT_PORTS[self.scheme] == self.port
        host = f"*.{self.host}" if self.wildcard else self.host
        return f"{self.scheme}://{host}" + ("" if default else f":{self.port}")


def origin_pattern(text: str) -> OriginPattern:
    """``https://fcm.googleapis.com``, ``https://*.push.apple.com``, ``http://127.0.0.1:8080``;
    ValueError otherwise."""
    found = _ORIGIN.match(text.strip().lower())
    if not found:
        raise ValueError(f"not an origin (scheme://host[:port], host may start with *.): {text}")
    scheme, star, host, port = found.groups()
    number = int(port) if port else _DEFAULT_PORTS[scheme]
    if not 0 < number < 65536:
        raise ValueError(f"not a port: {port}")
    return OriginPattern(scheme, host, number, wildcard=bool(star))


def endpoint_origin(endpoint: str, allowed: Iterable[OriginPattern]) -> str:
    """The endpoint's origin (``scheme://host[:port]``, the VAPID audience) if an allowed push
    service's; InvalidRequest otherwise."""
    found = _ENDPOINT.match(endpoint)
    if not found or len(endpoint) > 2048:
        raise InvalidRequest("the endpoint is not an http(s) URL of a push service")
    scheme, host, port, _ = found.groups()
    number = int(port) if port else _DEFAULT_PORTS[scheme]
    origin = f"{scheme}://{host}" + (f":{port}" if port else "")
    if not any(p.matches(scheme, host, number) for p in allowed):
        raise InvalidRequest(f"the endpoint's origin {origin} is not an allowed push service")
    return origin


@dataclass(frozen=True)
class Subscription:
    endpoint: str
    origin: str
    p256dh: bytes  # the browser's public key, an uncompressed P-256 point (65 bytes)
    auth: bytes  # the authentication secret (16 bytes)
    text: str  # as stored: the browser's JSON in one canonical form


def is_subscription(device: str) -> bool:
    """A Web Push subscription (JSON) rather than an FCM registration token."""
    return device.startswith("{")


def _b64url(value: Any, name: str) -> bytes:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_-]+={0,2}", value):
        raise InvalidRequest(f"keys.{name} is not base64url")
    try:
        return base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        raise InvalidRequest(f"keys.{name} is not base64url") from None


def on_p256(point: bytes) -> bool:
    """An uncompressed point (0x04 | x | y) on the P-256 curve."""
    if len(point) != 65 or point[0] != 4:
        return False
    x, y = int.from_bytes(point[1:33], "big"), int.from_bytes(point[33:], "big")
    return x < _P and y < _P and (y * y - (x * x * x - 3 * x + _B)) % _P == 0


def parse_subscription(device: str, allowed: Iterable[OriginPattern]) -> Subscription:
    """The subscription ``device`` holds; InvalidRequest saying what is wrong with it."""
    try:
        data = json.loads(device)
    except ValueError:
        raise InvalidRequest("not valid JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("endpoint"), str):
        raise InvalidRequest('no "endpoint" (a subscription is {"endpoint", "keys": '
                             '{"p256dh", "auth"}})')
    keys = data.get("keys")
    if not isinstance(keys, dict):
        raise InvalidRequest('no "keys" object with "p256dh" and "auth"')
    expiration = data.get("expirationTime")
    if expiration is not None and (isinstance(expiration, bool)
                                   or not isinstance(expiration, int | float)):
        raise InvalidRequest('"expirationTime" must be null or a number')
    p256dh, auth = _b64url(keys.get("p256dh"), "p256dh"), _b64url(keys.get("auth"), "auth")
    if not on_p256(p256dh):
        raise InvalidRequest("keys.p256dh is not a P-256 public key (65 bytes, uncompressed)")
    if len(auth) != 16:
        raise InvalidRequest("keys.auth must be 16 bytes")
    origin = endpoint_origin(data["endpoint"], allowed)
    text = json.dumps({"endpoint": data["endpoint"], "expirationTime": expiration,
                       "keys": {"p256dh": keys["p256dh"], "auth": keys["auth"]}},
                      separators=(",", ":"))
    return Subscription(data["endpoint"], origin, p256dh, auth, text)


def checked_devices(devices: Sequence[str], allowed: Sequence[OriginPattern]) -> tuple[str, ...]:
    """The devices as stored: tokens as given, subscriptions in canonical form, one per
    endpoint (the last given); InvalidRequest naming the first bad one."""
    kept: dict[str, str] = {}
    for i, device in enumerate(devices):
        if not is_subscription(device):
            kept.setdefault(device, device)
            continue
        try:
            sub = parse_subscription(device, allowed)
        except InvalidRequest as error:
            raise InvalidRequest(f"devices[{i}] is not a valid Web Push subscription: "
                                 f"{error}") from None
        kept.pop(sub.endpoint, None)
        kept[sub.endpoint] = sub.text
    return tuple(kept.values())
