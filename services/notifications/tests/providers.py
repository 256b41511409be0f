"""Local servers speaking the providers' protocols, for the integration tests (loaded by
integration/conftest.py): Twilio's Messages API (basic auth, form fields, signed status
callbacks), FCM HTTP v1 with Google's token endpoint (the RS256 assertion verified against the
test key), and SMTP (aiosmtpd)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiosmtpd.controller import Controller
from joserfc import jwt
from joserfc.jwk import RSAKey

from hms_platform.testing.modules import load_beside
from hms_platform.testing.ports import smtp_controller

_HTTP = load_beside(__file__, "http_server.py", "hms_notifications_test_http_server")
HttpServer = _HTTP.HttpServer
TwilioServer = load_beside(__file__, "twilio_server.py",
                           "hms_notifications_test_twilio_server").TwilioServer


class FcmServer(HttpServer):
    """Google's token endpoint (JWT bearer grant) and FCM v1's messages:send."""

    def __init__(self, project: str, key: RSAKey, client_email: str) -> None:
        super().__init__()
        self.project, self.key, self.client_email = project, key, client_email
        self.token_url = f"{self.url}/token"
        self.tokens_issued = 0
        self.dead: set[str] = set()
        self.assertions: list[dict[str, Any]] = []
        self.app.router.add_post("/token", self.token)
        self.app.router.add_post(f"/v1/projects/{project}/messages:send", self.send)

    async def token(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        try:
            token = jwt.decode(str(form["assertion"]), self.key, algorithms=["RS256"])
        except Exception:
            return web.json_response({"error": "invalid_grant"}, status=400)
        claims = token.claims
        now = time.time()
        if (claims.get("iss") != self.client_email or claims.get("aud") != self.token_url
                or "firebase.messaging" not in claims.get("scope", "")
                or not claims["iat"] - 60 <= now <= claims["exp"]):
            return web.json_response({"error": "invalid_grant"}, status=400)
        self.assertions.append({"header": token.header, "claims": claims})
        self.tokens_issued += 1
        return web.json_response({"access_token": f"ya29.test-{self.tokens_issued}",
                                  "expires_in": 3600, "token_type": "Bearer"})

    async def send(self, request: web.Request) -> web.Response:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ya29.test-"):
            return web.json_response({"error": {"code": 401, "status": "UNAUTHENTICATED"}},
                                     status=401)
        body = await request.json()
        self.requests.append({"auth": auth, **body})
        answer = self.scripted()
        if answer:
            status, payload, headers = answer
            return web.json_response(payload, status=status, headers=headers)
        token = body["message"]["token"]
        if token in self.dead:
            return web.json_response({"error": {
                "code": 404, "status": "NOT_FOUND", "message": "Requested entity was not found.",
                "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                             "errorCode": "UNREGISTERED"}]}}, status=404)
        return web.json_response(
            {"name": f"projects/{self.project}/messages/{len(self.requests)}"})


class SmtpHandler:
    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.answer: Callable[[str], str | None] = lambda rcpt: None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: Any) -> str:
        refused = self.answer(address)
        if refused:
            return refused
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 Message accepted"


def smtp_server() -> tuple[Controller, SmtpHandler]:
    handler = SmtpHandler()
    return smtp_controller(handler), handler


__all__ = ["FcmServer", "SmtpHandler", "TwilioServer", "smtp_server"]
