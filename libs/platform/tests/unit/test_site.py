"""The web apps' files: the apps' CSP on every answer, hashed assets cached, the shells
revalidated, each app's own pages given its index.html, no file outside the build, GET and HEAD
only."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from hms_platform.web.site import APP_CSP, IMMUTABLE, REVALIDATE, StaticSite


@pytest.fixture
def build(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>HMS</title>")
    (root / "assets" / "index-abc123.js").write_text("console.log(1)")
    (root / "sw.js").write_text("self.skipWaiting()")
    (tmp_path / "secret.txt").write_text("not served")
    return root


async def get(site: StaticSite, path: str, method: str = "GET") -> httpx.Response:
    transport = httpx.ASGITransport(app=site)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.request(method, path)


async def test_the_shell_and_the_apps_pages_are_index_html_revalidated(build: Path) -> None:
    site = StaticSite(build)
    for path in ("/", "/desk", "/admin/reports", "/index.html"):
        response = await get(site, path)
        assert response.status_code == 200, path
        assert response.text.startswith("<!doctype html>")
        assert response.headers["content-security-policy"] == APP_CSP
        assert response.headers["cache-control"] == REVALIDATE
    assert (await get(site, "/sw.js")).headers["cache-control"] == REVALIDATE


async def test_hashed_assets_are_cached_for_a_year_under_the_same_policy(build: Path) -> None:
    response = await get(StaticSite(build), "/assets/index-abc123.js")
    assert response.status_code == 200 and response.text == "console.log(1)"
    assert response.headers["cache-control"] == IMMUTABLE
    assert "javascript" in response.headers["content-type"]
    assert response.headers["content-security-policy"] == APP_CSP
    assert "'unsafe-inline'" not in APP_CSP and "script-src 'self';" in APP_CSP


async def test_a_missing_file_is_a_404_and_nothing_outside_the_build_is_served(
        build: Path) -> None:
    site = StaticSite(build)
    assert (await get(site, "/assets/missing.js")).status_code == 404
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt"):
        response = await get(site, path)
        assert "not served" not in response.text, path


async def test_only_get_and_head(build: Path) -> None:
    site = StaticSite(build)
    assert (await get(site, "/", "HEAD")).status_code == 200
    refused = await get(site, "/desk", "POST")
    assert refused.status_code == 405 and refused.headers["allow"] == "GET, HEAD"


def test_a_folder_with_no_build_is_not_built(tmp_path: Path) -> None:
    assert not StaticSite(tmp_path / "nothing").built


async def test_the_patient_apps_pages_get_its_own_shell_and_its_assets_are_cached(
        build: Path) -> None:
    (build / "patient" / "assets").mkdir(parents=True)
    (build / "patient" / "index.html").write_text("<!doctype html><title>patient</title>")
    (build / "patient" / "assets" / "index-def456.js").write_text("console.log(2)")
    site = StaticSite(build)
    for path in ("/patient", "/patient/", "/patient/ticket", "/patient/visits/abc"):
        response = await get(site, path)
        assert response.status_code == 200, path
        assert "<title>patient</title>" in response.text, path
        assert response.headers["cache-control"] == REVALIDATE
        assert response.headers["content-security-policy"] == APP_CSP
    for path in ("/patients", "/desk/patient"):  # not under /patient/: the staff app's
        assert "<title>HMS</title>" in (await get(site, path)).text, path
    asset = await get(site, "/patient/assets/index-def456.js")
    assert asset.text == "console.log(2)" and asset.headers["cache-control"] == IMMUTABLE
    assert (await get(site, "/patient/assets/missing.js")).status_code == 404
