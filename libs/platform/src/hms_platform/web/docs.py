"""The API's documentation without the internet: Swagger UI's own files (version 5, which
reads FastAPI's OpenAPI 3.1; from the ``fastapi-swagger`` wheel, whose resources alone are used)
served by the services themselves, a page per service at
``<prefix>/docs``, one page for the whole system at ``/api/docs`` (a menu of the five OpenAPI
documents) and ``/api``, an index of the services in JSON.

Every service app carries these routes (``create_service_app``), so the same pages answer
whichever process serves them: the gateway sends ``/api`` and ``/api/docs...`` to auth's
replicas, the embedded run answers them itself. The pages run under a Content-Security-Policy
without inline scripts or other origins; "Authorize" signs in through the OAuth2 password
grant at ``/api/auth/token``, which every service's OpenAPI document names."""

from __future__ import annotations

import html
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from hms_platform.web.middleware import DOCS_CSP
from hms_platform.web.problems import problem_response

TOKEN_URL = "/api/auth/token"
SYSTEM_DOCS = "/api/docs"
_STATIC = Path(__file__).with_name("static")
_VENDOR = Path(str(files("fastapi_swagger.resources")))
# What the pages load: Swagger UI's files and the platform's own starter, header and redirect.
_ASSETS = {
    "swagger-ui-bundle.js": _VENDOR / "swagger-ui-bundle.js",
    "swagger-ui.css": _VENDOR / "swagger-ui.css",
    "favicon-32x32.png": _VENDOR / "favicon-32x32.png",
    "docs.js": _STATIC / "docs.js",
    "docs.css": _STATIC / "docs.css",
    "oauth2-redirect.js": _STATIC / "oauth2-redirect.js",
}
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".png": "image/png"}
# The files never change within a version: a day in the browser's cache.
_CACHE = {"Cache-Control": "public, max-age=86400"}


@dataclass(frozen=True)
class ServiceEntry:
    """A service as the index lists it: its documents and probes live under ``home``; the
    gateway routes every one of ``prefixes`` to it."""

    name: str
    prefixes: tuple[str, ...]

    @property
    def home(self) -> str:
        return f"/api/{self.name}"

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "prefixes": list(self.prefixes),
                "docs": f"{self.home}/docs", "openapi": f"{self.home}/openapi.json",
                "health": f"{self.home}/healthz", "readiness": f"{self.home}/readyz"}


SERVICES = (
    ServiceEntry("auth", ("/api/auth",)),
    ServiceEntry("appointments", ("/api/appointments",)),
    ServiceEntry("queue", ("/api/queue",)),
    ServiceEntry("notifications", ("/api/notifications",)),
    ServiceEntry("reporting", ("/api/reporting", "/api/reports", "/api/audit")),
    ServiceEntry("sync", ("/api/sync",)),
)  # as the system manifest declares them (libs/system's tests hold the two together)
PASSWORD_SCHEME = {
    "type": "oauth2",
    "description": "Sign in with a username (or phone number) and password at "
                   f"{TOKEN_URL}; send the access token as `Authorization: Bearer <token>`.",
    "flows": {"password": {"tokenUrl": TOKEN_URL, "scopes": {}}},
}


def api_index(**extra: Any) -> dict[str, Any]:
    """The ``/api`` document: every service's prefixes, docs, OpenAPI and probes."""
    return {"name": "HMS", "docs": SYSTEM_DOCS,
            "services": [s.describe() for s in SERVICES], **extra}


def docs_page(title: str, documents: list[dict[str, str]], assets: str) -> HTMLResponse:
    """Swagger UI on the first of ``documents`` ([{"name", "url"}]), with a menu of them all
    when there are several; its files from ``assets``."""
    menu = ""
    if len(documents) > 1:
        options = "".join(f'<option value="{html.escape(d["url"])}">{html.escape(d["name"])}'
                          "</option>" for d in documents)
        menu = (f'<label for="hms-definition">Service</label>'
                f'<select id="hms-definition">{options}</select>')
    redirect = html.escape(f"{assets.removesuffix('/assets')}/oauth2-redirect")
    body = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="stylesheet" href="{assets}/docs.css">
<link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
</head>
<body>
<header class="hms-bar"><h1>{html.escape(title)}</h1><div>{menu}</div></header>
<div id="swagger-ui" data-url="{html.escape(documents[0]["url"])}"
     data-oauth2-redirect="{redirect}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/docs.js"></script>
</body>
</html>
"""
    return HTMLResponse(body, headers={"Content-Security-Policy": DOCS_CSP.decode()})


def _redirect_page(assets: str) -> HTMLResponse:
    body = ('<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            "<title>Swagger UI: OAuth2 Redirect</title></head>"
            f'<body><script src="{assets}/oauth2-redirect.js"></script></body></html>\n')
    return HTMLResponse(body, headers={"Content-Security-Policy": DOCS_CSP.decode()})


def _asset(name: str) -> Response:
    path = _ASSETS.get(name)
    if path is None:
        return problem_response(404, "Not Found", "Not Found")
    return FileResponse(path, media_type=_TYPES[path.suffix], headers=_CACHE)


def _docs_routes(router: APIRouter, base: str, title: str,
                 documents: list[dict[str, str]]) -> None:
    """``base`` (a page), ``base``/oauth2-redirect and ``base``/assets/<file>."""
    assets = f"{base}/assets"

    @router.get(base)
    async def page() -> HTMLResponse:
        return docs_page(title, documents, assets)

    @router.get(f"{base}/oauth2-redirect")
    async def oauth2_redirect() -> HTMLResponse:
        return _redirect_page(assets)

    @router.get(f"{assets}/{{name}}")
    async def asset(name: str) -> Response:
        return _asset(name)


def docs_router(name: str, prefix: str) -> APIRouter:
    """The service's own page (``<prefix>/docs``) and the system's (``/api/docs``, ``/api``),
    none of them in the service's OpenAPI document."""
    router = APIRouter(include_in_schema=False)
    _docs_routes(router, f"{prefix}/docs", f"HMS {name} API",
                 [{"name": f"HMS {name}", "url": f"{prefix}/openapi.json"}])
    system_docs_routes(router)
    return router


def system_docs_routes(router: APIRouter, **index_extra: Any) -> None:
    """``/api`` (the index, with ``index_extra``) and ``/api/docs`` on ``router``."""
    _docs_routes(router, SYSTEM_DOCS, "HMS API",
                 [{"name": f"HMS {s.name}", "url": f"{s.home}/openapi.json"} for s in SERVICES])

    @router.get("/api")
    async def index() -> JSONResponse:
        return JSONResponse(api_index(**index_extra))


def install_password_scheme(app: FastAPI) -> None:
    """Every bearer scheme in ``app.openapi()`` becomes the OAuth2 password flow against
    ``/api/auth/token`` (the same ``Authorization: Bearer`` header on the wire), so the docs'
    "Authorize" signs in with a username and password."""
    inner = app.openapi

    def openapi() -> dict[str, Any]:
        document = inner()
        schemes = document.get("components", {}).get("securitySchemes", {})
        for name, scheme in schemes.items():
            if scheme.get("type") == "http" and scheme.get("scheme", "").lower() == "bearer":
                schemes[name] = PASSWORD_SCHEME
        return document

    app.openapi = openapi  # type: ignore[method-assign]
