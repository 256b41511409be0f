"""The platform's plain ASGI middleware: request id / correlation id, Prometheus metrics,
security headers, the request body limit, and the generic 500 for anything unforeseen."""

from __future__ import annotations

import re
import time
from http import HTTPStatus
from typing import Any

import structlog
from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hms_platform.logging import set_correlation_id
from hms_platform.web.problems import problem_response, unexpected_error

_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestIdMiddleware:
    """Takes ``X-Request-ID`` from the gateway (or makes one), binds it to logs as the
    correlation id, and returns it on the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        structlog.contextvars.clear_contextvars()
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = set_correlation_id(given if _SAFE_ID.match(given) else None)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append(
                    (b"x-request-id", request_id.encode("latin-1")))
            await send(message)

        await self.app(scope, receive, send_with_id)


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, registry: CollectorRegistry, service: str) -> None:
        self.app = app
        self.requests = Counter("hms_http_requests_total", "HTTP requests",
                                ["service", "method", "route", "status"], registry=registry)
        self.latency = Histogram("hms_http_request_duration_seconds", "HTTP request latency",
                                 ["service", "method", "route"], registry=registry)
        self.service = service
        # (method, route, status) -> its counter and histogram: the routes are the app's own
        # templates (or "unmatched"), so this stays as small as the metrics themselves.
        self._series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            key = (scope["method"], route, status)
            series = self._series.get(key)
            if series is None:  # labels() takes a lock and builds its key on every call
                series = self._series[key] = (
                    self.requests.labels(self.service, scope["method"], route, str(status)),
                    self.latency.labels(self.service, scope["method"], route))
            series[0].inc()
            series[1].observe(time.perf_counter() - start)


# Nothing an API answer says may be cached, framed, sniffed into another type or leak the
# page it was linked from. A route that sets its own Cache-Control (the public JWKS) keeps it.
_ALWAYS = (
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)
API_CSP = b"default-src 'none'; frame-ancestors 'none'"
# The docs pages (Swagger UI, hms_platform.web.docs): scripts, styles and the OpenAPI documents
# from this origin only, no inline script; Swagger UI's icons are data: images.
DOCS_CSP = (
    b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    b"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def with_security_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``headers`` plus every security header it does not already carry."""
    present = {name.lower(): value for name, value in headers}
    html = present.get(b"content-type", b"").lower().startswith(b"text/html")
    wanted = (*_ALWAYS, (b"content-security-policy", DOCS_CSP if html else API_CSP))
    return [*headers, *((name, value) for name, value in wanted if name not in present)]


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message,
                           "headers": with_security_headers(list(message.get("headers", [])))}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` once a streamed body passes the limit. An HTTPException, so
    FastAPI's body parsing lets it through (it turns other errors into a 400)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes.",
                         headers={"Connection": "close"})


def _too_large(limit: int) -> Response:
    return problem_response(413, HTTPStatus(413).phrase,
                            f"The request body is larger than {limit} bytes.",
                            headers={"Connection": "close"})


class BodyLimitMiddleware:
    """Refuses bodies over ``max_bytes``: at once when Content-Length says so (the app never
    runs), and as soon as a streamed (chunked) body passes the limit, without reading the rest.
    The answer is a 413 problem and the connection is closed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if (name == b"content-length" and value.strip().isdigit()
                    and int(value) > self.max_bytes):
                await _too_large(self.max_bytes)(scope, receive, send)
                return
        received, exceeded = 0, False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:  # asked again after the refusal: the body is over for the app
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    exceeded = True
                    raise BodyTooLarge(self.max_bytes)
            return message

        tracked = _StartTracker(send)
        try:
            await self.app(scope, limited_receive, tracked)
        except BodyTooLarge:
            if tracked.started:
                raise
            await _too_large(self.max_bytes)(scope, receive, send)


class _StartTracker:
    """A ``send`` that remembers whether the response has started: an error answer can only
    replace a response that has not."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self.send(message)


class UnhandledErrorMiddleware:
    """The generic 500 problem for an unforeseen exception, answered here, inside the other
    middleware, so it carries the request id and the security headers like any answer.
    (Starlette would answer it outside every middleware and re-raise it to the server, which
    logs the traceback a second time.)"""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tracked = _StartTracker(send)
        try:
            await self.app(scope, receive, tracked)
        except BodyTooLarge:
            raise
        except Exception as exc:
            if tracked.started:
                raise
            response = await unexpected_error(Request(scope), exc)
            await response(scope, receive, send)
