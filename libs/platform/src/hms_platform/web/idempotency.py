"""``Idempotency-Key`` on every POST, PUT, PATCH and DELETE of a service: a client that retries
a write it is unsure of (a phone on a bad network, an offline batch sent again) gets the first
response back and changes nothing.

A keyed write runs in one transaction that every unit of work of the request joins
(hms_platform.db.SharedTransaction). When the first of them opens it, the key is taken for the
transaction (a second request with the same key meanwhile answers 409) and looked up: a
response already recorded is sent again (``Idempotent-Replayed: true``), or refused with 422 if
the request differs. Once the app has answered with success (2xx), the response is recorded in
that transaction, which then commits: the effect and its record commit together or not at all.
Any other answer rolls back whatever the request wrote and records nothing: a refusal (4xx)
changed nothing, and the same key may be sent again once what was missing is there (a patient
the queue had not heard of yet, a token renewed); a 5xx is for retrying.

A request that never opened a unit of work changed nothing and records nothing. The caller is
the verified principal (a user id), or ``anonymous:<address>`` for requests without a token: a
key belongs to its caller, so another user's request with the same key is a new request."""

from __future__ import annotations

import time
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hms_platform.auth.deps import CurrentUser
from hms_platform.db import (
    SharedTransaction,
    share_transaction,
    shared_transaction,
    unshare_transaction,
)
from hms_platform.domain_errors import Conflict, InvalidRequest
from hms_platform.idempotency import IdempotencyStore, Stored, fingerprint, valid_key
from hms_platform.web.problems import problem_response

log = structlog.get_logger("hms.idempotency")

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REPLAYED = (b"idempotent-replayed", b"true")


class KeyInFlight(Conflict):
    """The same key is being used by a request that has not finished."""


class KeyReused(InvalidRequest):
    """The key was used before with a different request."""


class _Replay(Exception):  # control flow: the recorded answer, sent instead
    def __init__(self, stored: Stored) -> None:
        self.stored = stored


class _Response:
    """The app's answer, held back until its record has committed."""

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = bytearray()

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
            self.headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", [])]
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")


async def send_response(send: Send, status: int, headers: list[tuple[bytes, bytes]],
                        body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


def _caller(scope: Scope) -> str:
    principal = scope.get("state", {}).get("principal")
    if principal is not None:
        return str(principal.user_id)
    client = scope.get("client")
    return f"anonymous:{client[0] if client else '-'}"


async def take_key(principal: CurrentUser) -> None:
    """A route's dependency, for a write whose effect is not in the service's own database
    (sync forwards a batch to the owners): take the request's Idempotency-Key before the work,
    as the first unit of work of any other write does, so that a replay is answered with the
    first success without running again. No key: nothing."""
    shared = shared_transaction()
    if shared is not None:
        await shared.join()


class IdempotencyMiddleware:
    """Innermost of the app's middleware: exceptions reach it before they become a 500."""

    def __init__(self, app: ASGIApp, store: IdempotencyStore,
                 purge_every_seconds: float = 600) -> None:
        self.app = app
        self.store = store
        self.purge_every = purge_every_seconds
        self._purged = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = _header(scope, b"idempotency-key") if scope["type"] == "http" else None
        if raw is None or scope["method"] not in WRITES:
            await self.app(scope, receive, send)
            return
        key = raw.decode("latin-1")
        if not valid_key(key):
            await problem_response(
                400, "Invalid Idempotency-Key",
                "Idempotency-Key must be 1 to 255 visible ASCII characters (send a UUID).",
            )(scope, receive, send)
            return
        body = await _read_body(receive)
        request = fingerprint(scope["method"], scope["path"], scope.get("query_string", b""),
                              _header(scope, b"content-type") or b"", body)
        await self._keyed(scope, _replaying(body, receive), send, key, request)

    async def _keyed(self, scope: Scope, receive: Receive, send: Send, key: str,
                     request: str) -> None:
        caller: list[str] = []

        async def claim(conn: AsyncConnection) -> None:
            caller.append(_caller(scope))
            if not await self.store.lock(conn, caller[0], key):
                raise KeyInFlight("A request with this Idempotency-Key is still being "
                                  "processed; retry once it has finished.")
            found = await self.store.find(conn, caller[0], key)
            if found is None:
                return
            if found.fingerprint != request:
                raise KeyReused("This Idempotency-Key was used with a different request; "
                                "use a new key for a new request.")
            raise _Replay(found)

        shared = SharedTransaction(self.store.engine, claim)
        answer = _Response()
        try:
            token = share_transaction(shared)
            try:
                await self.app(scope, receive, answer.send)
            except _Replay as replay:
                log.info("idempotent_replay", status=replay.stored.status)
                await send_response(send, replay.stored.status,
                                    [*replay.stored.headers, REPLAYED], replay.stored.body)
                return
            finally:
                unshare_transaction(token)
            conn = shared.connection
            if conn is not None and 200 <= answer.status < 300:
                await self.store.save(conn, caller[0], key, Stored(
                    request, answer.status, answer.headers, bytes(answer.body)))
                await self._purge(conn)
                await conn.commit()
            await send_response(send, answer.status, answer.headers, bytes(answer.body))
        finally:
            await shared.close()  # rolls back anything not committed

    async def _purge(self, conn: AsyncConnection) -> None:
        now = time.monotonic()
        if now - self._purged >= self.purge_every:
            self._purged = now
            purged = await self.store.purge(conn)
            if purged:
                log.info("idempotency_keys_purged", count=purged)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """The body already read, once, as the app expects it; then the client's own messages
    (a disconnect, when it leaves)."""
    sent = False

    async def replay() -> Any:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
