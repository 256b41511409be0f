"""deploy/web/nginx.conf run by a real nginx (Debian's; compose and Kubernetes run the official
unprivileged image with the same file) over a small build: the headers make run's StaticSite
gives (hms_platform.web.site), the app's pages falling back to index.html, missing files 404.
Skipped without nginx unless HMS_REQUIRE_INFRA is set (make test installs it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hms_platform.testing.infra import free_port, missing
from hms_platform.web.site import APP_CSP, IMMUTABLE, REVALIDATE
from hms_system.manifest import SYSTEM
from hms_system.render import nginx

SECURITY = {"content-security-policy": APP_CSP, "x-content-type-options": "nosniff",
            "x-frame-options": "DENY", "referrer-policy": "no-referrer"}


def test_the_image_runs_the_committed_file_unprivileged() -> None:
    site = SYSTEM.site
    assert site is not None
    text = nginx.conf(site)
    assert "listen 8080;" in text and "pid /tmp/nginx.pid;" in text
    assert "root /usr/share/nginx/html;" in text and "server_tokens off;" in text
    # the one place headers are added: a location adding its own would drop these
    server, _, locations = text.partition("\n        location ")
    assert locations.count("add_header") == 0
    assert all(f"add_header {name}" in server for name in
               ("Cache-Control", "Content-Security-Policy", "X-Content-Type-Options",
                "X-Frame-Options", "Referrer-Policy"))
    dockerfile = (Path(__file__).resolve().parents[3] / "Dockerfile").read_text()
    assert f"COPY {nginx.PATH} /etc/nginx/nginx.conf" in dockerfile
    assert f"{nginx.IMAGE_ROOT}" in dockerfile


@pytest.fixture
def served(tmp_path: Path) -> Iterator[httpx.Client]:
    binary = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None)
    if binary is None:
        missing("nginx is not installed: make test installs Debian's")
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>HMS</title>")
    (root / "assets" / "index-3f2a.js").write_text("console.log(1)")
    (root / "sw.js").write_text("self")
    (root / "manifest.webmanifest").write_text("{}")
    (root / "patient" / "assets").mkdir(parents=True)
    (root / "patient" / "index.html").write_text("<!doctype html><title>patient</title>")
    (root / "patient" / "assets" / "index-9c1e.js").write_text("console.log(2)")
    for path in (tmp_path, *tmp_path.rglob("*")):
        path.chmod(0o755 if path.is_dir() else 0o644)
    port = free_port()
    site = SYSTEM.site
    assert site is not None
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx.conf(site, port=port, root=str(root), tmp=str(tmp_path)))
    # as root (the test's container) the workers would otherwise run as nobody
    extra = "daemon off;" + (" user root;" if os.geteuid() == 0 else "")
    command = [binary, "-e", "stderr", "-p", str(tmp_path), "-c", str(conf), "-g", extra]
    checked = subprocess.run([*command[:-2], "-t"], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            for _ in range(100):
                try:
                    client.get("/")
                    break
                except httpx.TransportError:
                    assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                    time.sleep(0.05)
            yield client
    finally:
        proc.terminate()
        proc.wait(10)


def _secure(response: httpx.Response) -> None:
    for name, value in SECURITY.items():
        assert response.headers.get(name) == value, (response.url, name)
    assert "nginx/" not in response.headers.get("server", "")  # server_tokens off


def test_nginx_serves_the_build_with_the_apps_headers(served: httpx.Client) -> None:
    for path in ("/", "/index.html", "/desk", "/admin/reports"):
        page = served.get(path)
        assert page.status_code == 200, path
        assert page.text.startswith("<!doctype html>"), path
        assert page.headers["cache-control"] == REVALIDATE, path
        _secure(page)
    asset = served.get("/assets/index-3f2a.js")
    assert asset.status_code == 200 and asset.text == "console.log(1)"
    assert asset.headers["cache-control"] == IMMUTABLE
    assert "javascript" in asset.headers["content-type"]
    _secure(asset)
    worker = served.get("/sw.js")
    assert worker.status_code == 200 and worker.headers["cache-control"] == REVALIDATE
    manifest = served.get("/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")


def test_the_patient_app_gets_its_own_shell_under_patient(served: httpx.Client) -> None:
    for path in ("/patient", "/patient/", "/patient/ticket", "/patient/visits/abc"):
        page = served.get(path)
        assert page.status_code == 200, path
        assert "<title>patient</title>" in page.text, path
        assert page.headers["cache-control"] == REVALIDATE, path
        _secure(page)
    assert "<title>HMS</title>" in served.get("/patients").text
    asset = served.get("/patient/assets/index-9c1e.js")
    assert asset.text == "console.log(2)" and asset.headers["cache-control"] == IMMUTABLE
    _secure(asset)
    assert served.get("/patient/assets/missing.js").status_code == 404


def test_a_missing_file_is_a_404_with_the_same_headers(served: httpx.Client) -> None:
    for path in ("/missing.png", "/assets/missing-1.js", "/desk/photo.jpg"):
        missing = served.get(path)
        assert missing.status_code == 404, path
        _secure(missing)
