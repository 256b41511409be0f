"""Twilio's delivery-status callbacks: accepted only with a valid ``X-Twilio-Signature``
(HMAC-SHA1 of the URL and the form, under the account's auth token)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Header, Request, Response
from twilio.request_validator import RequestValidator

from hms_notifications.domain.errors import NotAllowed
from hms_notifications.entrypoints.api import PREFIX
from hms_notifications.entrypoints.api import schemas as s
from hms_notifications.entrypoints.api.deps import Bus
from hms_notifications.service_layer import commands as c

router = APIRouter(prefix=f"{PREFIX}/webhooks", tags=["webhooks"])


@router.post("/twilio", status_code=204, response_class=Response, responses=s.problems(403))
async def twilio_status(
    request: Request, bus: Bus,
    x_twilio_signature: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    settings = request.app.state.settings
    token = settings.twilio_auth_token
    if token is None or not x_twilio_signature:
        raise NotAllowed("missing or unverifiable signature")
    body = await request.body()
    try:
        params = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        raise NotAllowed("bad signature") from None
    # The URL Twilio signed: the public one it was given, not the one behind the gateway.
    url = settings.twilio_status_callback_url or str(request.url)
    if not RequestValidator(token.get_secret_value()).validate(url, params, x_twilio_signature):
        raise NotAllowed("bad signature")
    sid, status = params.get("MessageSid", ""), params.get("MessageStatus", "")
    if sid and status:
        await bus.handle(c.RecordProviderStatus(sid[:200], status[:40],
                                                params.get("ErrorCode") or None))
    return Response(status_code=204)
