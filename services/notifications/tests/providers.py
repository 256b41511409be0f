"""Local servers speaking the providers' protocols, for the integration tests (loaded by
integration/conftest.py): Twilio's Messages API (basic auth, form fields, signed status
callbacks), FCM HTTP v1 with Google's token endpoint (the RS256 assertion verified against the
test key), and SMTP (aiosmtpd)."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiosmtpd.controller import Controller
from joserfc import jwt
from joserfc.jwk import RSAKey
from twilio.request_validator import RequestValidator

from hms_platform.testing.ports import listening_socket, port_of, smtp_controller

Answer = tuple[int, dict[str, Any], dict[str, str]]  # status, JSON body, headers


class HttpServer:
    """An aiohttp app on a free port of 127.0.0.1; ``script``: answers to give first."""

    def __init__(self) -> None:
        self.socket = listening_socket()
        self.port = port_of(self.socket)
        self.url = f"http://127.0.0.1:{self.port}"
        self.script: list[Answer] = []
        self.requests: list[dict[str, Any]] = []
        self.delay = 0.0  # seconds before answering (a provider that hangs)
        self.app = web.Application()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app)
        await self._runner.setup()
        await web.SockSite(self._runner, self.socket).start()

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    def scripted(self) -> Answer | None:
        return self.script.pop(0) if self.script else None


class TwilioServer(HttpServer):
    def __init__(self, account_sid: str, auth_token: str) -> None:
        super().__init__()
        self.sid, self.token = account_sid, auth_token
        self.app.router.add_post(f"/2010-04-01/Accounts/{account_sid}/Messages.json",
                                 self.create)

    async def create(self, request: web.Request) -> web.Response:
        expected = "Basic " + base64.b64encode(f"{self.sid}:{self.token}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return web.json_response({"code": 20003, "message": "Authenticate",
                                      "status": 401}, status=401)
        form = dict(await request.post())
        self.requests.append(form)
        await asyncio.sleep(self.delay)
        if not {"To", "From", "Body"} <= set(form):
            return web.json_response({"code": 21604, "message": "'To' is required",
                                      "status": 400}, status=400)
        answer = self.scripted()
        if answer:
            status, body, headers = answer
            return web.json_response(body, status=status, headers=headers)
        sid = f"SM{len(self.requests):032d}"
        return web.json_response({"sid": sid, "status": "queued", "to": form["To"],
                                  "from": form["From"], "body": form["Body"],
                                  "account_sid": self.sid}, status=201)

    async def report(self, client: Any, url: str, message_sid: str, status: str) -> Any:
        """Post a delivery status to ``url`` as Twilio does, signed with the auth token."""
        params = {"MessageSid": message_sid, "MessageStatus": status, "AccountSid": self.sid}
        signature = RequestValidator(self.token).compute_signature(url, params)
        return await client.post(url, data=params, headers={"X-Twilio-Signature": signature})


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
