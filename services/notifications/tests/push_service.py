"""A browser's side of Web Push and a local push service, for the tests (loaded with
``load_beside``).

``Browser`` makes a subscription as a browser does (a P-256 key pair and a 16-byte auth
secret; the endpoint is the push service's). ``PushService`` speaks RFC 8030 on 127.0.0.1: it
accepts a push only with a valid VAPID token (RFC 8292: ES256 signed by the ``k=`` key, ``aud``
its own origin, ``exp`` in the future and at most 24 h away, ``sub`` present), decrypts the
aes128gcm body (RFC 8291, written out here rather than with the sender's ``http-ece``) with the
subscriber's private key and auth secret, and records the JSON it finds."""

from __future__ import annotations

import base64
import json
import os
import re
import time
from typing import Any

from aiohttp import web
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from joserfc import jwt
from joserfc.jwk import ECKey

from hms_platform.testing.modules import load_beside

_HTTP = load_beside(__file__, "http_server.py", "hms_notifications_test_http_server")

_VAPID = re.compile(r"^vapid t=([A-Za-z0-9_.-]+), ?k=([A-Za-z0-9_-]+)$")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _hkdf(secret: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(secret)


def decrypt(body: bytes, key: ec.EllipticCurvePrivateKey, auth: bytes) -> bytes:
    """RFC 8291 as a browser does it, written out here (not with the sender's library): the
    aes128gcm header (salt, record size, the sender's public key), the key agreed by ECDH and
    the auth secret, one record, its padding delimiter. ValueError if anything is off."""
    salt, record_size, id_length = body[:16], int.from_bytes(body[16:20], "big"), body[20]
    sender, ciphertext = body[21:21 + id_length], body[21 + id_length:]
    if id_length != 65 or len(ciphertext) > record_size:
        raise ValueError("not one aes128gcm record keyed by a P-256 point")
    mine = key.public_key().public_bytes(serialization.Encoding.X962,
                                         serialization.PublicFormat.UncompressedPoint)
    shared = key.exchange(ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(
        ec.SECP256R1(), sender))
    ikm = _hkdf(shared, auth, b"WebPush: info\x00" + mine + sender, 32)
    cek = _hkdf(ikm, salt, b"Content-Encoding: aes128gcm\x00", 16)
    nonce = _hkdf(ikm, salt, b"Content-Encoding: nonce\x00", 12)
    try:
        padded = AESGCM(cek).decrypt(nonce, ciphertext, None).rstrip(b"\x00")
    except InvalidTag:
        raise ValueError("does not decrypt with this key and auth secret") from None
    if not padded.endswith(b"\x02"):
        raise ValueError("no last-record delimiter")
    return padded[:-1]


class Browser:
    """One browser's subscription keys."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.p256dh = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)

    def subscription(self, endpoint: str) -> str:
        """``JSON.stringify(subscription)`` as the browser gives it."""
        return json.dumps({"endpoint": endpoint, "expirationTime": None,
                           "keys": {"p256dh": b64url(self.p256dh), "auth": b64url(self.auth)}},
                          separators=(",", ":"))

    def decrypt(self, body: bytes) -> bytes:
        return decrypt(body, self.key, self.auth)


def check_vapid(header: str, audience: str, now: float | None = None) -> dict[str, Any]:
    """The claims of a valid ``Authorization: vapid t=..., k=...``; ValueError saying what is
    wrong otherwise."""
    found = _VAPID.match(header)
    if not found:
        raise ValueError("not a vapid Authorization header")
    token, k = found.groups()
    raw = unb64url(k)
    key = ECKey.import_key(ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw))
    decoded = jwt.decode(token, key, algorithms=["ES256"])  # the signature, by k
    claims, now = decoded.claims, now or time.time()
    if decoded.header.get("alg") != "ES256":
        raise ValueError("alg is not ES256")
    if claims.get("aud") != audience:
        raise ValueError(f"aud {claims.get('aud')} is not {audience}")
    if not now < claims.get("exp", 0) <= now + 24 * 3600:
        raise ValueError("exp is not within the next 24 hours")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise ValueError("no sub")
    return {**claims, "k": k}


class PushService(_HTTP.HttpServer):  # type: ignore[misc]
    """POST /push/<id>: 201 and the decrypted JSON recorded in ``received``; ``gone`` ids
    answer 410; ``script`` answers (status, body, headers) first; a bad VAPID token is 403 and
    recorded in ``refused``."""

    def __init__(self) -> None:
        super().__init__()
        self.browsers: dict[str, Browser] = {}
        self.gone: set[str] = set()
        self.received: list[dict[str, Any]] = []
        self.refused: list[str] = []
        self.app.router.add_post("/push/{id}", self.push)

    def subscribe(self, name: str) -> str:
        """A new browser's subscription at ``<url>/push/<name>``."""
        self.browsers[name] = Browser()
        return self.browsers[name].subscription(f"{self.url}/push/{name}")

    async def push(self, request: web.Request) -> web.Response:
        name = request.match_info["id"]
        try:
            claims = check_vapid(request.headers.get("Authorization", ""), self.url)
        except Exception as error:  # what a push service says: unauthorized
            self.refused.append(f"{type(error).__name__}: {error}")
            return web.json_response({"reason": "bad vapid"}, status=403)
        if request.headers.get("Content-Encoding") != "aes128gcm" or "TTL" not in request.headers:
            return web.json_response({"reason": "bad headers"}, status=400)
        answer = self.scripted()
        if answer is not None:
            status, _body, headers = answer
            return web.Response(status=status, headers=headers)
        if name in self.gone or name not in self.browsers:
            return web.Response(status=410)
        plain = self.browsers[name].decrypt(await request.read())
        self.received.append({"to": name, "payload": json.loads(plain), "vapid": claims,
                              "headers": dict(request.headers)})
        return web.Response(status=201, headers={
            "Location": f"{self.url}/message/{len(self.received)}"})


__all__ = ["Browser", "PushService", "check_vapid", "decrypt"]
