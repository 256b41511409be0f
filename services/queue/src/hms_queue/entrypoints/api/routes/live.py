"""Live lines: server-sent events per doctor's line and per waiting-room screen, and the
screen's page. Streams send a snapshot first (on every connect and reconnect), then the line
again after every change (from any API process: Postgres NOTIFY), and heartbeats.

A stream's lines are read once per change for all its process's streams (``line_boards``). It
ends when its holder's access ends: the access token's expiry, its revocation or the
retirement of its signing key (checked at each change and heartbeat), the screen link's
expiry, or the revocation of a named display (checked likewise; revoking wakes its lines). A
holder keeps a bounded number of streams open (``stream_limits``). The links themselves are
made in ``routes/displays.py``."""

from __future__ import annotations

import json
import math
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from starlette.requests import ClientDisconnect
from starlette.types import Receive, Scope, Send

from hms_platform.auth import CurrentUser
from hms_platform.errors import Forbidden, Unauthorized
from hms_queue.entrypoints.api import PREFIX
from hms_queue.entrypoints.api import schemas as s
from hms_queue.entrypoints.api.display_links import (
    BadDisplayToken,
    DisplayGrant,
    NamedGrant,
    link_key,
    sign_named,
    verify,
)
from hms_queue.entrypoints.api.display_page import error_page, page
from hms_queue.entrypoints.api.line_boards import OUTAGES, LineBoards
from hms_queue.entrypoints.api.stream_limits import StreamLimits, StreamSlot
from hms_queue.service_layer import commands as c

router = APIRouter(prefix=PREFIX, tags=["live"])
SSE_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
# Any text: a link that is missing, empty, too long or garbage is refused like an altered one.
Token = Annotated[str, Query()]


def _sse(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


async def _line_events(request: Request, doctor_ids: Sequence[uuid.UUID], *,
                       seconds_left: Callable[[], float],
                       revoked: Callable[[], Awaitable[bool]],
                       extra: Callable[[], str | None] = lambda: None,
                       farewell: str = "") -> AsyncIterator[str]:
    """``extra``: anything else due (a screen's fresh token), asked before each wait;
    ``farewell``: sent when the access is revoked, before the stream ends."""
    boards: LineBoards = request.app.state.line_boards
    watcher = request.app.state.line_watcher
    heartbeat = request.app.state.settings.stream_heartbeat_seconds
    async with boards.watch(*doctor_ids) as changes:
        yield "retry: 3000\n\n"
        sent: dict[uuid.UUID, int] = {}  # the version of each line last sent
        while True:
            for doctor_id in doctor_ids:
                if sent.get(doctor_id) == boards.version(doctor_id):
                    continue
                try:
                    version, board = await boards.board(doctor_id)
                except Exception:  # logged once by the shared read; tried again at the
                    continue  # next change or heartbeat
                yield _sse("line" if doctor_id in sent else "snapshot", board)
                sent[doctor_id] = version
            if (due := extra()) is not None:
                yield due
            changed = await changes.wait(min(heartbeat, max(seconds_left(), 0.0)))
            if watcher.closing:
                return  # the server is stopping; EventSource reconnects to another replica
            if seconds_left() <= 0:
                return  # access ended; the reconnect is refused (401 or 403)
            if await revoked():
                if farewell:
                    yield farewell
                return
            if not changed:
                yield ": heartbeat\n\n"


class _EventStream(StreamingResponse):
    """A stream that gives its slot back however it ends, and ends quietly when its client
    has gone (nothing to answer, nothing to log)."""

    def __init__(self, events: AsyncIterator[str], slot: StreamSlot) -> None:
        super().__init__(events, media_type="text/event-stream", headers=SSE_HEADERS)
        self._events, self._slot = events, slot

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except (ClientDisconnect, OSError):
            pass
        finally:
            self._slot.release()
            aclose = getattr(self._events, "aclose", None)
            if aclose is not None:  # leaves the lines' subscription, even if never started
                await aclose()


def _slot(request: Request, key: str, limit: int) -> StreamSlot:
    limits: StreamLimits = request.app.state.stream_limits
    return limits.acquire(key, limit)


async def _not_revoked() -> bool:
    return False


@router.get("/doctors/{doctor_id}/stream", responses=s.problems(429),
            response_class=StreamingResponse)
async def stream(doctor_id: uuid.UUID, request: Request, user: CurrentUser) -> StreamingResponse:
    """``text/event-stream``: a ``snapshot`` event, then a ``line`` event after each change
    (``{doctor_id, room, doctor_name, called, next, waiting}``: no patient's), and heartbeat
    comments. It ends when the access token expires or is revoked; 429 beyond
    ``QUEUE_STREAMS_PER_USER`` open streams."""
    settings = request.app.state.settings
    exp = user.claims.get("exp")
    expires = float(exp) if isinstance(exp, int | float) and not isinstance(exp, bool) else 0.0
    revocations = request.app.state.revocations
    verifier, signing_keys = request.app.state.token_verifier, request.app.state.signing_keys
    token = request.headers.get("authorization", "").partition(" ")[2]

    async def revoked() -> bool:
        """The token verified again (a verified token is cached: no signature check), so a
        signing key that auth's rotation retired meanwhile ends the stream too."""
        try:
            await verifier.verify(token, await signing_keys.current())
        except Unauthorized:
            return True
        return bool(await revocations.refuses(user))

    slot = _slot(request, f"user:{user.user_id}", settings.streams_per_user)
    events = _line_events(request, [doctor_id], revoked=revoked,
                          seconds_left=lambda: expires - time.time())
    return _EventStream(events, slot)


def _grant(request: Request, token: str) -> DisplayGrant | NamedGrant:
    settings = request.app.state.settings
    return verify(settings.display_secret.get_secret_value(), token,
                  request.app.state.clock.now(), max_doctors=settings.display_max_doctors)


@dataclass(frozen=True)
class _Screen:
    """What a valid screen link opens: its lines, its stream cap's key, how long it lasts and
    whether it was revoked meanwhile, and for a named display its fresh tokens."""

    doctor_ids: tuple[uuid.UUID, ...]
    limit_key: str
    seconds_left: Callable[[], float]
    revoked: Callable[[], Awaitable[bool]] = _not_revoked
    display_id: uuid.UUID | None = None


async def _screen(request: Request, token: str) -> _Screen:
    """The screen a link opens, or ``BadDisplayToken`` (altered, expired, malformed; a named
    display that does not exist, was revoked or now names more lines than allowed)."""
    grant = _grant(request, token)
    clock, bus = request.app.state.clock, request.app.state.bus
    if isinstance(grant, DisplayGrant):
        return _Screen(grant.doctor_ids, f"display:{link_key(token)}",
                       lambda: (grant.expires_at - clock.now()).total_seconds())
    display = await bus.handle(c.ActiveDisplay(grant.display_id))
    if display is None or len(display.doctor_ids) > request.app.state.settings.display_max_doctors:
        raise BadDisplayToken("unknown or revoked display")

    async def revoked() -> bool:
        try:
            return await bus.handle(c.ActiveDisplay(display.id)) is None
        except OUTAGES:
            return False  # the database is away: the stream goes on, asked again next time

    # the cap counts the display's streams, whichever of its tokens opened them
    return _Screen(display.doctor_ids, f"display:named:{display.id}", lambda: math.inf,
                   revoked, display.id)


def _fresh_tokens(request: Request, display_id: uuid.UUID) -> Callable[[], str | None]:
    """A ``token`` event for a named display's screen at once, then every half of its life:
    the page keeps the newest for its reconnects and reloads."""
    settings, clock = request.app.state.settings, request.app.state.clock
    life = timedelta(minutes=settings.display_token_minutes)
    next_at: list[datetime] = []

    def due() -> str | None:
        now = clock.now()
        if next_at and now < next_at[0]:
            return None
        next_at[:] = [now + life / 2]
        token = sign_named(settings.display_secret.get_secret_value(),
                           NamedGrant(display_id, now + life))
        return _sse("token", {"token": token, "expires_at": (now + life).isoformat()})

    return due


@router.get("/display", response_class=HTMLResponse,
            responses={403: {"content": {"text/html": {}}}})
async def display(request: Request, token: Token = "") -> HTMLResponse:
    """The waiting-room page: one self-contained HTML document, updated live."""
    try:
        await _screen(request, token)
    except BadDisplayToken:
        return HTMLResponse(error_page(), status_code=403)
    nonce = secrets.token_urlsafe(16)
    csp = (f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
           "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    return HTMLResponse(page(nonce), headers={"Content-Security-Policy": csp,
                                              "Cache-Control": "no-store"})


@router.get("/display/stream", response_class=StreamingResponse, responses=s.problems(403, 429))
async def display_stream(request: Request, token: Token = "") -> StreamingResponse:
    """The screen's events (as the doctor stream's), for the lines its link names, until the
    link expires or its named display is revoked (then a ``revoked`` event ends it); a named
    display's screen also gets a ``token`` event (``{token, expires_at}``) at once and every
    half of ``QUEUE_DISPLAY_TOKEN_MINUTES``. 429 beyond ``QUEUE_STREAMS_PER_DISPLAY`` open
    streams of one link or named display."""
    try:
        screen = await _screen(request, token)
    except BadDisplayToken as error:
        raise Forbidden("This display link is not valid (expired, revoked or altered).") \
            from error
    settings = request.app.state.settings
    slot = _slot(request, screen.limit_key, settings.streams_per_display)
    named = screen.display_id is not None
    events = _line_events(
        request, screen.doctor_ids, revoked=screen.revoked, seconds_left=screen.seconds_left,
        extra=_fresh_tokens(request, screen.display_id) if screen.display_id else lambda: None,
        farewell=_sse("revoked", {}) if named else "")
    return _EventStream(events, slot)
