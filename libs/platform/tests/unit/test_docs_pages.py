"""The docs pages every service app serves (hms_platform.web.docs): Swagger UI from the app
itself (no CDN, no inline script), its own page under the prefix with the OAuth2 redirect
beside it, the system's /api index and /api/docs page, and the bearer scheme documented as the
OAuth2 password flow at /api/auth/token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from html import unescape

import httpx
import pytest

from hms_platform.auth import CurrentUser
from hms_platform.settings import ServiceSettings
from hms_platform.web import create_service_app
from hms_platform.web.docs import SERVICES, TOKEN_URL


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_service_app("demo", prefix="/api/demo",
                             settings=ServiceSettings(environment="test"))

    @app.get("/api/demo/mine")
    async def mine(user: CurrentUser) -> dict[str, str]:
        return {"id": str(user.id)}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app),
                                 base_url="http://t") as http:
        yield http


def loads(page: str) -> list[str]:
    """Every script and stylesheet address a page loads."""
    return re.findall(r'<(?:script src|link rel="stylesheet" href)="([^"]+)"', page)


def swagger_data(page: str) -> tuple[str, list[tuple[str, str]], str]:
    """The document shown first, the menu's (address, name) options, the OAuth2 redirect."""
    url = re.search(r'data-url="([^"]+)"', page)
    redirect = re.search(r'data-oauth2-redirect="([^"]+)"', page)
    assert url and redirect
    menu = re.findall(r'<option value="([^"]+)">([^<]+)</option>', page)
    return unescape(url.group(1)), menu, unescape(redirect.group(1))


@pytest.mark.parametrize("page", ["/api/demo/docs", "/api/docs"])
async def test_a_docs_page_loads_everything_from_here_without_inline_script(
    client: httpx.AsyncClient, page: str,
) -> None:
    response = await client.get(page)
    assert response.status_code == 200
    assert "http" not in response.text.replace('charset="utf-8"', "")  # no other origin
    assert re.findall(r"<script[^>]*>([^<]*)</script>", response.text) == ["", ""]
    assert " style=" not in response.text and "<style" not in response.text
    assets = loads(response.text)
    assert {a.rsplit("/", 1)[1] for a in assets} == {
        "swagger-ui.css", "docs.css", "swagger-ui-bundle.js", "docs.js"}
    for asset in assets:
        assert asset.startswith(page + "/assets/")
        served = await client.get(asset)
        assert served.status_code == 200, asset
        kind = "text/css" if asset.endswith(".css") else "text/javascript"
        assert served.headers["content-type"].startswith(kind)
        assert served.headers["x-content-type-options"] == "nosniff"
        assert served.headers["cache-control"] == "public, max-age=86400"
    assert "SwaggerUIBundle" in (await client.get(f"{page}/assets/docs.js")).text


async def test_a_service_page_shows_its_own_document_and_redirects_under_its_prefix(
    client: httpx.AsyncClient,
) -> None:
    url, menu, redirect = swagger_data((await client.get("/api/demo/docs")).text)
    assert (url, menu) == ("/api/demo/openapi.json", [])
    assert redirect == "/api/demo/docs/oauth2-redirect"
    page = await client.get(redirect)
    assert page.status_code == 200
    assert "script-src 'self';" in page.headers["content-security-policy"]
    (script,) = loads(page.text)
    assert re.findall(r"<script[^>]*>([^<]*)</script>", page.text) == [""]
    code = await client.get(script)
    assert code.status_code == 200 and "swaggerUIRedirectOauth2" in code.text


async def test_the_system_page_offers_every_service(client: httpx.AsyncClient) -> None:
    url, menu, redirect = swagger_data((await client.get("/api/docs")).text)
    assert url == "/api/auth/openapi.json"
    assert menu == [(f"/api/{name}/openapi.json", f"HMS {name}") for name in (
        "auth", "appointments", "queue", "notifications", "reporting", "sync")]
    assert redirect == "/api/docs/oauth2-redirect"


async def test_the_index_lists_every_service_with_its_paths_and_links(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api")
    assert response.status_code == 200
    index = response.json()
    assert index["docs"] == "/api/docs"
    services = {s["name"]: s for s in index["services"]}
    assert list(services) == [s.name for s in SERVICES] == [
        "auth", "appointments", "queue", "notifications", "reporting", "sync"]
    assert services["reporting"] == {
        "name": "reporting", "prefixes": ["/api/reporting", "/api/reports", "/api/audit"],
        "docs": "/api/reporting/docs", "openapi": "/api/reporting/openapi.json",
        "health": "/api/reporting/healthz", "readiness": "/api/reporting/readyz"}
    assert services["auth"]["prefixes"] == ["/api/auth"]


async def test_an_unknown_asset_is_a_404_problem(client: httpx.AsyncClient) -> None:
    for path in ("/api/docs/assets/index.html", "/api/demo/docs/assets/..%2F..%2Fapp.py"):
        response = await client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


async def test_the_bearer_scheme_is_the_password_flow_at_auth(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/api/demo/openapi.json")).json()
    schemes = document["components"]["securitySchemes"]
    assert schemes == {"HTTPBearer": {
        "type": "oauth2", "description": schemes["HTTPBearer"]["description"],
        "flows": {"password": {"tokenUrl": TOKEN_URL, "scopes": {}}}}}
    assert TOKEN_URL == "/api/auth/token"
    assert document["paths"]["/api/demo/mine"]["get"]["security"] == [{"HTTPBearer": []}]
    # the pages are no API operations
    assert not [p for p in document["paths"] if "/docs" in p or p == "/api"]
