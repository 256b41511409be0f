"""health_router (live, ready, metrics) and the request-id and metrics middleware."""

import asyncio
import re
from collections.abc import AsyncIterator, Mapping

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter
from starlette.types import Message, Receive, Scope, Send

from hms_platform.logging import correlation_id
from hms_platform.web.health import ReadinessCheck, health_router
from hms_platform.web.middleware import MetricsMiddleware, RequestIdMiddleware


async def ok() -> None:
    return None


async def failing() -> None:
    raise ConnectionError("broker unreachable")


async def hanging() -> None:
    await asyncio.Event().wait()


async def not_connected() -> bool:
    return False


def client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


METRICS_TOKEN = "scrape-token-0123456789"


def health_app(checks: Mapping[str, ReadinessCheck], registry: CollectorRegistry,
               metrics_token: str | None = METRICS_TOKEN) -> FastAPI:
    app = FastAPI()
    app.include_router(health_router(checks, registry, timeout=0.05, metrics_token=metrics_token))
    return app


async def test_healthz_is_up_even_when_a_dependency_is_down() -> None:
    async with client(health_app({"db": ok, "bus": failing}, CollectorRegistry())) as c:
        r = await c.get("/healthz")
    assert (r.status_code, r.json()) == (200, {"status": "ok"})


@pytest.mark.parametrize(
    ("bus_check", "status", "bus_result"),
    [
        (ok, 200, "ok"),
        (failing, 503, "error: ConnectionError"),
        (hanging, 503, "error: TimeoutError"),
        (not_connected, 503, "error: not connected"),
    ],
)
async def test_readyz_names_the_failing_check(
    bus_check: ReadinessCheck, status: int, bus_result: str
) -> None:
    async with client(health_app({"db": ok, "bus": bus_check}, CollectorRegistry())) as c:
        r = await c.get("/readyz")
    assert r.status_code == status
    assert r.json() == {"status": "ready" if status == 200 else "unavailable",
                        "checks": {"db": "ok", "bus": bus_result}}


async def test_metrics_are_prometheus_text() -> None:
    registry = CollectorRegistry()
    Counter("hms_test_events", "events", registry=registry).inc(3)
    async with client(health_app({}, registry)) as c:
        r = await c.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    assert "# TYPE hms_test_events_total counter" in r.text
    assert "hms_test_events_total 3.0" in r.text


async def test_metrics_are_a_404_while_no_token_is_configured() -> None:
    async with client(health_app({}, CollectorRegistry(), metrics_token=None)) as c:
        for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer None"}):
            r = await c.get("/metrics", headers=headers)
            assert r.status_code == 404
            assert r.headers["content-type"] == "application/problem+json"
            assert "hms_" not in r.text


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", "Bearer ", f"Basic {METRICS_TOKEN}", f"Bearer {METRICS_TOKEN}x",
    f"Bearer {METRICS_TOKEN[:-1]}", "Bearer wrong-token", f"{METRICS_TOKEN}",
    "Bearer \u00e9t\u00e9".encode("latin-1"),  # not ASCII: still just a wrong token
])
async def test_metrics_without_the_right_bearer_token_are_a_401(
    authorization: str | bytes | None,
) -> None:
    registry = CollectorRegistry()
    Counter("hms_test_events", "events", registry=registry).inc()
    headers = {} if authorization is None else {"Authorization": authorization}
    async with client(health_app({}, registry)) as c:
        r = await c.get("/metrics", headers=headers)
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["www-authenticate"] == "Bearer"
    assert "hms_test_events" not in r.text


async def test_the_metrics_token_is_case_insensitive_in_its_scheme_only() -> None:
    async with client(health_app({}, CollectorRegistry())) as c:
        ok = await c.get("/metrics", headers={"Authorization": f"bearer {METRICS_TOKEN}"})
        upper = await c.get("/metrics",
                            headers={"Authorization": f"Bearer {METRICS_TOKEN.upper()}"})
    assert (ok.status_code, upper.status_code) == (200, 401)


class Echo:
    """An ASGI app that answers 200 and remembers the correlation id it ran under."""

    seen: str | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.seen = correlation_id()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})


async def call(app: RequestIdMiddleware, request_id: bytes | None) -> dict[bytes, bytes]:
    headers = [] if request_id is None else [(b"x-request-id", request_id)]
    scope: Scope = {"type": "http", "method": "GET", "path": "/", "headers": headers}
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return dict(sent[0]["headers"])


async def test_a_safe_request_id_is_echoed_and_becomes_the_correlation_id() -> None:
    echo = Echo()
    headers = await call(RequestIdMiddleware(echo), b"gw-1f2e.3:abc_D")
    assert headers[b"x-request-id"] == b"gw-1f2e.3:abc_D"
    assert echo.seen == "gw-1f2e.3:abc_D"


@pytest.mark.parametrize(
    "given", [None, b"", b"has space", b"abc\ndef", b"abc\r\nSet-Cookie: x=1", b"a" * 300]
)
async def test_a_missing_or_unsafe_request_id_is_replaced(given: bytes | None) -> None:
    echo = Echo()
    headers = await call(RequestIdMiddleware(echo), given)
    assert re.fullmatch(rb"[0-9a-f]{32}", headers[b"x-request-id"])
    assert echo.seen == headers[b"x-request-id"].decode()


@pytest.fixture
async def metered() -> AsyncIterator[tuple[httpx.AsyncClient, CollectorRegistry]]:
    registry = CollectorRegistry()
    app = FastAPI()

    @app.get("/items/{item_id}")
    async def item(item_id: str) -> dict[str, str]:
        return {"id": item_id}

    app.add_middleware(MetricsMiddleware, registry=registry, service="svc")
    app.add_middleware(RequestIdMiddleware)
    async with client(app) as c:
        yield c, registry


async def test_metrics_count_requests_by_route_template(
    metered: tuple[httpx.AsyncClient, CollectorRegistry],
) -> None:
    c, registry = metered
    first = await c.get("/items/17")
    second = await c.get("/items/42", headers={"X-Request-ID": "r1"})
    await c.get("/nowhere")
    assert (first.status_code, second.headers["x-request-id"]) == (200, "r1")
    counts = {
        (s.labels["route"], s.labels["status"]): s.value
        for metric in registry.collect() for s in metric.samples
        if s.name == "hms_http_requests_total" and s.labels["service"] == "svc"
    }
    assert counts == {("/items/{item_id}", "200"): 2.0, ("unmatched", "404"): 1.0}
    observed = registry.get_sample_value(
        "hms_http_request_duration_seconds_count",
        {"service": "svc", "method": "GET", "route": "/items/{item_id}"})
    assert observed == 2.0
