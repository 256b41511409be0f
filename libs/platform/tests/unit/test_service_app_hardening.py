"""What every service app answers with, whatever the route: security headers, no caching, a
body limit, and metrics only with a token."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from hms_platform.errors import NotFound
from hms_platform.settings import ServiceSettings
from hms_platform.web import PROBLEM_JSON, create_service_app

LIMIT = 1000
TOKEN = "metrics-token-5b2f"


class Note(BaseModel):
    text: str


class Demo:
    """A service app with a few routes; remembers whether a handler ran."""

    def __init__(self, **settings: object) -> None:
        self.ran: list[str] = []
        self.app = create_service_app(
            "demo", prefix="/api/demo", error_map={KeyError: 404},
            settings=ServiceSettings(environment="test", **settings))

        @self.app.post("/api/demo/notes")
        async def add_note(note: Note) -> dict[str, int]:
            self.ran.append("notes")
            return {"length": len(note.text)}

        @self.app.get("/api/demo/missing")
        async def missing() -> None:
            raise NotFound("No such note.")

        @self.app.get("/api/demo/boom")
        async def boom() -> None:
            raise RuntimeError("unforeseen")

        @self.app.get("/api/demo/public")
        async def public() -> JSONResponse:
            return JSONResponse({"keys": []}, headers={"Cache-Control": "public, max-age=300"})

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(self.app), base_url="http://t")


@pytest.fixture
async def demo() -> AsyncIterator[tuple[Demo, httpx.AsyncClient]]:
    service = Demo(max_body_bytes=LIMIT)
    async with service.client() as client:
        yield service, client


def assert_api_headers(response: httpx.Response) -> None:
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    csp = response.headers["content-security-policy"]
    assert csp == "default-src 'none'; frame-ancestors 'none'"
    assert "server" not in response.headers


@pytest.mark.parametrize(("method", "path", "body", "status"), [
    ("POST", "/api/demo/notes", {"text": "hello"}, 200),
    ("POST", "/api/demo/notes", {"wrong": 1}, 422),
    ("GET", "/api/demo/missing", None, 404),
    ("GET", "/api/demo/nowhere", None, 404),
    ("GET", "/api/demo/boom", None, 500),
    ("GET", "/api/demo/healthz", None, 200),
    ("GET", "/api/demo/readyz", None, 200),
    ("GET", "/api/demo/openapi.json", None, 200),
    ("GET", "/api/demo/metrics", None, 404),
    ("DELETE", "/api/demo/healthz", None, 405),
])
async def test_every_answer_carries_the_security_headers(
    demo: tuple[Demo, httpx.AsyncClient], method: str, path: str, body: object, status: int,
) -> None:
    _, client = demo
    response = await client.request(method, path, json=body)
    assert response.status_code == status
    assert_api_headers(response)
    if status >= 400:
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.headers["x-request-id"]


async def test_a_route_that_chooses_its_caching_keeps_it(
    demo: tuple[Demo, httpx.AsyncClient],
) -> None:
    _, client = demo
    response = await client.get("/api/demo/public")
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_the_docs_page_loads_swagger_from_here_only(
    demo: tuple[Demo, httpx.AsyncClient],
) -> None:
    _, client = demo
    response = await client.get("/api/demo/docs")
    assert response.status_code == 200 and "swagger-ui" in response.text
    csp = response.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"  # no CDN, no inline script
    assert directives["style-src"] == "'self'"
    assert "'self'" in directives["connect-src"]  # the page fetches openapi.json from here
    assert directives["frame-ancestors"] == "'none'"
    assert response.headers["x-frame-options"] == "DENY"


# ---- body limit ---------------------------------------------------------------------------

async def test_a_body_under_the_limit_is_served(demo: tuple[Demo, httpx.AsyncClient]) -> None:
    service, client = demo
    response = await client.post("/api/demo/notes", json={"text": "x" * (LIMIT - 100)})
    assert (response.status_code, response.json()) == (200, {"length": LIMIT - 100})
    assert service.ran == ["notes"]


async def test_a_declared_length_over_the_limit_is_refused_before_the_app_runs(
    demo: tuple[Demo, httpx.AsyncClient],
) -> None:
    service, client = demo
    pulled = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal pulled
        for _ in range(300):
            pulled += 1
            yield b"x" * 1000

    response = await client.post("/api/demo/notes", content=body(), headers={
        "Content-Length": str(300 * 1000), "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["connection"] == "close"
    assert str(LIMIT) in response.json()["detail"]
    assert_api_headers(response)
    assert (service.ran, pulled) == ([], 0)  # no handler, not a byte read


async def test_a_streamed_body_is_cut_off_once_it_passes_the_limit(
    demo: tuple[Demo, httpx.AsyncClient],
) -> None:
    service, client = demo
    pulled = 0

    async def body() -> AsyncIterator[bytes]:  # no length: sent chunked
        nonlocal pulled
        yield b'{"text": "'
        for _ in range(10_000):
            pulled += 1
            yield b"x" * 100
        yield b'"}'

    response = await client.post("/api/demo/notes", content=body(),
                                 headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM_JSON
    assert_api_headers(response)
    assert service.ran == []
    assert pulled <= LIMIT // 100 + 1  # reading stopped at the limit, the rest never asked for


async def test_the_limit_defaults_to_one_mebibyte() -> None:
    assert ServiceSettings().max_body_bytes == 1024 * 1024
    service = Demo()
    async with service.client() as client:
        fits = await client.post("/api/demo/notes", json={"text": "x" * 1_000_000})
        too_big = await client.post("/api/demo/notes", json={"text": "x" * 1_100_000})
    assert (fits.status_code, too_big.status_code) == (200, 413)


# ---- metrics ----------------------------------------------------------------------------------

async def test_metrics_are_not_served_without_a_configured_token() -> None:
    service = Demo()
    async with service.client() as client:
        response = await client.get("/api/demo/metrics", headers={"Authorization": "Bearer x"})
    assert response.status_code == 404 and response.headers["content-type"] == PROBLEM_JSON


@pytest.mark.parametrize(("authorization", "status"), [
    (None, 401), ("Bearer wrong", 401), (f"Bearer {TOKEN}", 200),
])
async def test_metrics_need_the_configured_bearer_token(
    authorization: str | None, status: int,
) -> None:
    service = Demo(metrics_token=TOKEN)
    headers = {"Authorization": authorization} if authorization else {}
    async with service.client() as client:
        await client.get("/api/demo/healthz")
        response = await client.get("/api/demo/metrics", headers=headers)
    assert response.status_code == status
    assert_api_headers(response)
    assert ("hms_http_requests_total" in response.text) is (status == 200)


def test_the_metrics_token_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ServiceSettings().metrics_token is None
    monkeypatch.setenv("HMS_METRICS_TOKEN", TOKEN)
    token = ServiceSettings().metrics_token
    assert token is not None and token.get_secret_value() == TOKEN
    assert TOKEN not in repr(ServiceSettings())
    monkeypatch.setenv("HMS_METRICS_TOKEN", "")
    assert ServiceSettings().metrics_token is None  # empty means unset, not "any empty token"
