"""What a newcomer meets first: `make seed` says in one line where it looked when nothing
answers; `make run` answers /healthz, /readyz, /api (the index), / (to the index) and
/api/docs, the docs of every service on one page that works offline under a strict CSP, where
"Authorize" signs in and "Try it out" calls a protected route (a real chromium); the gateway
answers /api and /api/docs too (the real HAProxy); the data folders stay out of git."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import importlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from playwright.async_api import async_playwright

from hms_embedded.__main__ import SERVICES
from hms_embedded.front import FrontDoor, front_app, home_of
from hms_embedded.seed import default_base_url, trusted
from hms_platform.messaging.memory import InMemoryBus
from hms_platform.testing.embedded import embedded_run, reachable_folder
from hms_platform.testing.haproxy import start_haproxy, stop_process
from hms_platform.testing.polling import until_answered
from hms_platform.testing.ports import unanswered_port, uvicorn_serving
from hms_platform.web import create_service_app
from hms_platform.web.docs import SERVICES as ENTRIES
from hms_platform.web.docs import TOKEN_URL
from hms_platform.web.serving import uvicorn_config
from hms_platform.web.site import APP_CSP, StaticSite

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "haproxy" / "haproxy.cfg"
ADMIN_PASSWORD = "front door admin password 1"
NAMES = ["auth", "appointments", "queue", "notifications", "reporting", "sync"]


# ---- make seed --------------------------------------------------------------------------

def test_seed_says_in_one_line_which_address_did_not_answer(tmp_path: Path) -> None:
    with unanswered_port() as port:
        env = {**os.environ, "HMS_PORT": str(port), "HMS_HOST": "0.0.0.0",
               "HMS_ADMIN_PASSWORD": "x"}
        env.pop("HMS_URL", None)
        done = subprocess.run([sys.executable, "-m", "hms_embedded.seed", "--data-dir",
                               str(tmp_path)], env=env, capture_output=True, text=True,
                              timeout=60)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and done.stdout == ""
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"no HMS answers at http://127.0.0.1:{port} ")
    assert f"`make run` (HMS_PORT={port})" in line


@pytest.mark.parametrize(("env", "url"), [
    ({}, "http://127.0.0.1:8000"),
    ({"HMS_PORT": "8123"}, "http://127.0.0.1:8123"),
    ({"HMS_HOST": "0.0.0.0", "HMS_PORT": "9000"}, "http://127.0.0.1:9000"),
    ({"HMS_HOST": "::"}, "http://127.0.0.1:8000"),
    ({"HMS_HOST": "::1"}, "http://[::1]:8000"),
    ({"HMS_HOST": "10.0.0.5", "HMS_PORT": "80"}, "http://10.0.0.5:80"),
    ({"HMS_URL": "https://hms.example:8443/", "HMS_PORT": "1"}, "https://hms.example:8443"),
    ({"HMS_TLS": "self-signed", "HMS_PORT": "8443"}, "https://127.0.0.1:8443"),
    ({"HMS_TLS_CERT": "/etc/hms/cert.pem"}, "https://127.0.0.1:8000"),
])
def test_seed_follows_make_runs_address(env: dict[str, str], url: str) -> None:
    assert default_base_url(env) == url


def test_seed_trusts_make_runs_self_signed_certificate_only(tmp_path: Path) -> None:
    self_signed = {"HMS_TLS": "self-signed"}
    assert trusted(self_signed, tmp_path) is True  # not made yet: the system's roots
    (tmp_path / "tls.pem").write_text("certificate")
    assert trusted(self_signed, tmp_path) == str(tmp_path / "tls.pem")
    assert trusted({}, tmp_path) is True
    assert trusted({"HMS_TLS_CERT": "/etc/hms/cert.pem"}, tmp_path) is True


# ---- the data folders -------------------------------------------------------------------

def test_the_data_folders_of_make_run_and_make_dev_are_git_ignored() -> None:
    files = [".hms/admin-password", ".hms/pgdata/PG_VERSION", ".hms-dev/admin-password",
             ".hms-dev/gateway.pem"]
    done = subprocess.run(["git", "check-ignore", "--no-index", *files], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.stdout.split() == files


# ---- the embedded front door, in process --------------------------------------------------

def probe_app(status: int) -> FastAPI:
    app = FastAPI(openapi_url="/api/x/openapi.json")

    @app.get("/api/x/readyz")
    async def readyz() -> JSONResponse:
        return JSONResponse({"status": "ready" if status == 200 else "unavailable"}, status)

    return app


async def test_readyz_is_503_naming_the_service_that_is_not_ready() -> None:
    up, down = probe_app(200), probe_app(503)
    app = front_app({"auth": (up, "/api/x"), "queue": (down, "/api/x")})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as c:
        response = await c.get("/readyz")
        assert response.status_code == 503
        assert response.json()["not_ready"] == ["queue"]
        assert response.json()["services"]["auth"] == {"status": "ready"}
    app = front_app({"auth": (up, "/api/x"), "queue": (up, "/api/x")})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as c:
        response = await c.get("/readyz")
        assert (response.status_code, response.json()["status"]) == (200, "ready")


@pytest.fixture
def components(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every service's embedded component, built and never started."""
    for name in ("QUEUE_DISPLAY_SECRET", "AUTH_KEY_ENCRYPTION_KEY", "HMS_CODE_ENCRYPTION_KEY"):
        monkeypatch.setenv(name, base64.b64encode(os.urandom(32)).decode())
    bus = InMemoryBus(time_scale=1.0, unbound="drop")
    return [importlib.import_module(name).component(
        "postgresql+asyncpg://postgres@127.0.0.1:1/none", bus) for name in SERVICES]


def test_the_index_says_where_each_embedded_service_answers(components: list[Any]) -> None:
    entries = {e.name: e for e in ENTRIES}
    assert [c.name for c in components] == list(entries) == NAMES
    for c in components:
        entry, document = entries[c.name], c.app.openapi()
        assert home_of(c.app) == entry.home
        served = {"/".join(path.split("/")[:3]) for path in document["paths"]}
        assert served == set(entry.prefixes), c.name
        for scheme in document["components"]["securitySchemes"].values():
            assert scheme["flows"]["password"]["tokenUrl"] == TOKEN_URL


async def test_what_no_service_answers_is_a_404_naming_every_path(components: list[Any]) -> None:
    transport = httpx.ASGITransport(FrontDoor(components))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/nowhere")
        assert response.status_code == 404
        detail = response.json()["detail"]
        for prefix in ("/api/auth/", "/api/reports/", "/api/audit/", "/api/reporting/"):
            assert prefix in detail
        assert "/api/docs" in detail
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        # under /api too: no service takes what the others do not answer
        unknown = await client.get("/api/nowhere/at-all")
        assert unknown.status_code == 404
        assert unknown.headers["content-type"] == "application/problem+json"
        assert unknown.json()["detail"] == detail
        # before the web app is built, / leads to the index
        root = await client.get("/")
        assert (root.status_code, root.headers["location"]) == (307, "/api")


async def test_a_built_web_app_answers_every_path_but_the_apis(components: list[Any],
                                                               tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(WEB_SHELL)
    transport = httpx.ASGITransport(FrontDoor(components, StaticSite(tmp_path)))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        for page in ("/", "/desk", "/admin/audit"):
            assert (await client.get(page)).text == WEB_SHELL
        for own in ("/healthz", "/api", "/api/nowhere", "/api/auth/nowhere"):
            response = await client.get(own)
            assert response.text != WEB_SHELL and response.status_code in (200, 404), own


def test_each_of_a_services_prefixes_reaches_it_and_its_lifespan_runs_once(
        components: list[Any]) -> None:
    door = FrontDoor(components)
    reporting = next(c for c in components if c.name == "reporting")
    routed = {prefix: app for prefix, app in door.services.apps}
    for prefix in ("/api/reporting", "/api/reports", "/api/audit"):
        assert routed[prefix] is reporting.app
    assert "/api" not in routed
    assert len(door.services.distinct) == len(components)


WEB_SHELL = "<!doctype html><title>HMS</title>"


# ---- make run, for real -------------------------------------------------------------------

@pytest.fixture(scope="module")
def make_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m hms_embedded` on a port of its own; its base URL."""
    log_path = tmp_path_factory.mktemp("run") / "run.log"
    # A stand-in web build: what make run serves at / and on the app's own pages.
    web = tmp_path_factory.mktemp("web")
    (web / "index.html").write_text(WEB_SHELL)
    with reachable_folder("hms-front-door-") as folder:

        def env_for(port: int) -> dict[str, str]:
            return {**os.environ, "HMS_PORT": str(port), "HMS_DATA_DIR": str(folder / "data"),
                    "HMS_LOG_LEVEL": "WARNING", "HMS_ADMIN_USERNAME": "admin",
                    "HMS_ADMIN_PASSWORD": ADMIN_PASSWORD, "HMS_WEB_ROOT": str(web)}

        with embedded_run(env_for, log_path, timeout=90) as base:
            yield base


@pytest.mark.e2e
def test_make_run_answers_health_readiness_and_the_index(make_run: str) -> None:
    with httpx.Client(base_url=make_run, timeout=10) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert {n: s["status"] for n, s in ready.json()["services"].items()} == {
            n: "ready" for n in NAMES}
        for page in ("/", "/desk"):  # the web app's shell; its router takes the page
            shell = client.get(page)
            assert (shell.status_code, shell.text) == (200, WEB_SHELL)
            assert shell.headers["content-security-policy"] == APP_CSP
        assert client.get("/api/nowhere").status_code == 404  # /api stays the services'
        index = client.get("/api")
        assert index.headers["content-security-policy"] == (
            "default-src 'none'; frame-ancestors 'none'")
        body = index.json()
        assert (body["docs"], body["health"], body["readiness"]) == (
            "/api/docs", "/healthz", "/readyz")
        for service in body["services"]:
            for link in ("docs", "openapi", "health", "readiness"):
                assert client.get(service[link]).status_code == 200, service[link]


@pytest.mark.e2e
async def test_the_docs_page_works_offline_and_tries_a_protected_route(make_run: str) -> None:
    """One page for every service's API, from this origin alone under its CSP; Authorize
    with the admin's username and password, then "Try it out" on GET /api/auth/me."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "chromium is missing: `make test` installs it (apt-get install chromium)"
    elsewhere: list[str] = []
    problems: list[str] = []

    async def only_here(route: Any) -> None:
        if route.request.url.startswith(make_run + "/"):
            await route.continue_()
        else:
            elsewhere.append(route.request.url)
            await route.abort()

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium,
                                          args=["--no-sandbox", "--disable-gpu"])
        try:
            page = await browser.new_page()
            page.on("console", lambda m: m.type in ("error", "warning")
                    and problems.append(m.text))
            page.on("pageerror", lambda error: problems.append(str(error)))
            await page.route("**/*", only_here)
            await page.goto(make_run + "/api/docs")
            select = page.locator("#hms-definition")
            await select.wait_for()
            options = await select.locator("option").all_inner_texts()
            assert options == [f"HMS {name}" for name in NAMES]
            for name in reversed(NAMES):  # auth last: it is the one tried below
                await select.select_option(label=f"HMS {name}")
                await page.locator(".info .title").filter(has_text=f"HMS {name}").wait_for()
                await page.locator(".opblock").first.wait_for()
            await page.locator(".auth-wrapper .authorize").click()
            await page.fill("#oauth_username", "admin")
            await page.fill("#oauth_password", ADMIN_PASSWORD)
            await page.locator(".auth-btn-wrapper .authorize").click()
            await page.locator(".auth-btn-wrapper button", has_text="Logout").wait_for()
            await page.locator(".auth-btn-wrapper .btn-done").click()
            me = page.locator(".opblock-get").filter(
                has=page.locator('[data-path="/api/auth/me"]'))
            await me.locator(".opblock-summary").click()
            await me.locator(".try-out__btn").click()
            await me.locator(".execute").click()
            status = me.locator(".live-responses-table .response .response-col_status")
            await status.wait_for()
            assert (await status.inner_text()).strip() == "200"
            assert '"username": "admin"' in await me.locator(
                ".live-responses-table .microlight").first.inner_text()
        finally:
            await browser.close()
    assert elsewhere == []
    assert problems == []


# ---- behind the gateway -------------------------------------------------------------------

def serving(app: Any) -> contextlib.AbstractAsyncContextManager[int]:
    return uvicorn_serving(uvicorn_config(app, host="127.0.0.1", port=0))


@pytest.mark.e2e
async def test_the_gateway_answers_the_index_and_the_docs(tmp_path: Path) -> None:
    auth = create_service_app("auth", prefix="/api/auth")  # what every service app serves
    async with serving(auth) as auth_port:
        log = tmp_path / "haproxy.log"
        haproxy = await start_haproxy(CONFIG, {"HMS_AUTH_ADDR": f"127.0.0.1:{auth_port}"}, log)
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{haproxy.port}",
                                         timeout=5) as client, asyncio.timeout(30):
                # until its check found auth ready
                await until_answered(client, "/api/auth/readyz", died=lambda: (
                    haproxy.process.returncode is not None and log.read_text()))
                index = await client.get("/api")
                assert index.status_code == 200
                assert [s["name"] for s in index.json()["services"]] == NAMES
                docs = await client.get("/api/docs")
                assert docs.status_code == 200 and "swagger-ui" in docs.text
                assert "script-src 'self';" in docs.headers["content-security-policy"]
                bundle = await client.get("/api/docs/assets/swagger-ui-bundle.js")
                assert bundle.status_code == 200 and "SwaggerUIBundle" in bundle.text
                assert (await client.get("/api/docs/oauth2-redirect")).status_code == 200
                assert (await client.get("/api/documents")).status_code == 404  # not a prefix
        finally:
            await stop_process(haproxy.process)
