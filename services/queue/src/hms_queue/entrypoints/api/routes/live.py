"""Live lines: server-sent events per doctor's line, display links for waiting-room screens,
and the screen's page. Streams send a snapshot first (on every connect and reconnect), then
the line again after every change (from any API process: Postgres NOTIFY), and heartbeats."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from hms_platform.auth import CurrentUser, Principal, require_role
from hms_platform.errors import Forbidden
from hms_platform.roles import STAFF
from hms_queue.entrypoints.api import PREFIX, views
from hms_queue.entrypoints.api import schemas as s
from hms_queue.entrypoints.api.display_links import BadDisplayToken, DisplayGrant, sign, verify
from hms_queue.entrypoints.api.display_page import error_page, page
from hms_queue.service_layer.commands import LineSnapshot

router = APIRouter(prefix=PREFIX, tags=["live"])
SSE_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
Token = Annotated[str, Query(min_length=1, max_length=4096)]


def _sse(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


async def _line_events(request: Request, doctor_ids: Sequence[uuid.UUID]) -> AsyncIterator[str]:
    bus, watcher = request.app.state.bus, request.app.state.line_watcher
    heartbeat = request.app.state.settings.stream_heartbeat_seconds
    async with watcher.subscribe(*doctor_ids) as changes:
        yield "retry: 3000\n\n"
        kind = "snapshot"
        while True:
            for doctor_id in doctor_ids:
                yield _sse(kind, views.board(await bus.handle(LineSnapshot(doctor_id))))
            kind = "line"
            while not await changes.wait(heartbeat) and not watcher.closing:
                yield ": heartbeat\n\n"
            if watcher.closing:
                return  # the server is stopping; EventSource reconnects to another replica


def _stream(request: Request, doctor_ids: Sequence[uuid.UUID]) -> StreamingResponse:
    return StreamingResponse(_line_events(request, doctor_ids), media_type="text/event-stream",
                             headers=SSE_HEADERS)


@router.get("/doctors/{doctor_id}/stream", responses=s.problems(),
            response_class=StreamingResponse)
async def stream(doctor_id: uuid.UUID, request: Request, _: CurrentUser) -> StreamingResponse:
    """``text/event-stream``: a ``snapshot`` event, then a ``line`` event after each change
    (``{doctor_id, room, called, next, waiting}``: numbers only), and heartbeat comments."""
    return _stream(request, [doctor_id])


def _grant(request: Request, token: str) -> DisplayGrant:
    settings = request.app.state.settings
    return verify(settings.display_secret.get_secret_value(), token,
                  request.app.state.clock.now())


@router.post("/displays", status_code=201, response_model=s.DisplayPublic,
             responses=s.problems(403))
async def create_display(
    body: s.DisplayCreate, request: Request,
    _: Annotated[Principal, Depends(require_role(*sorted(STAFF)))],
) -> s.DisplayPublic:
    """A link for a waiting-room screen, signed and expiring, scoped to these lines."""
    settings = request.app.state.settings
    hours = min(body.hours, settings.display_max_hours)
    expires = request.app.state.clock.now() + timedelta(hours=hours)
    token = sign(settings.display_secret.get_secret_value(),
                 DisplayGrant(tuple(dict.fromkeys(body.doctor_ids)), expires))
    return s.DisplayPublic(url=f"{PREFIX}/display?token={token}", expires_at=expires)


@router.get("/display", response_class=HTMLResponse,
            responses={403: {"content": {"text/html": {}}}})
async def display(request: Request, token: Token) -> HTMLResponse:
    """The waiting-room page: one self-contained HTML document, updated live."""
    try:
        _grant(request, token)
    except BadDisplayToken:
        return HTMLResponse(error_page(), status_code=403)
    nonce = secrets.token_urlsafe(16)
    csp = (f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
           "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    return HTMLResponse(page(nonce), headers={"Content-Security-Policy": csp})


@router.get("/display/stream", response_class=StreamingResponse, responses=s.problems(403))
async def display_stream(request: Request, token: Token) -> StreamingResponse:
    """The screen's events (as the doctor stream's), for the lines its link names."""
    try:
        grant = _grant(request, token)
    except BadDisplayToken as error:
        raise Forbidden("This display link is not valid (expired or altered).") from error
    return _stream(request, grant.doctor_ids)
