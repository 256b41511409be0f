"""`make dev`'s environment: sync reaches the owners through the gateway, over HTTPS with the
gateway's own certificate when --tls is on (plain HTTP would only be redirected); the staff web
app's build is served behind the gateway when there is one."""

from __future__ import annotations

import argparse
import ssl
from pathlib import Path

import pytest

from hms_embedded import dev


def args(tmp_path: Path, *, tls: bool, bind: str) -> argparse.Namespace:
    return argparse.Namespace(
        postgres_port=5432, role_prefix="hms_", database="hms", amqp_url="amqp://x",
        amqp_prefix="", tls=tls, tls_bind="0.0.0.0:8443", gateway_bind=bind, data_dir=tmp_path,
        web_port=8190, web_root=tmp_path / "dist", gateway_config=Path("haproxy.cfg"))


@pytest.fixture(autouse=True)
def passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in dev.NAMES:
        monkeypatch.setenv(f"{name.upper()}_DB_PASSWORD", "pw")


def test_sync_reaches_the_gateway_on_loopback(tmp_path: Path) -> None:
    ports = dict.fromkeys(dev.NAMES, 9000)
    env = dev.environment(args(tmp_path, tls=False, bind="0.0.0.0:8123"), ports)
    assert env["SYNC_API_URL"] == "http://127.0.0.1:8123"
    assert "SYNC_API_CA_FILE" not in env
    env = dev.environment(args(tmp_path, tls=False, bind="10.1.2.3:8000"), ports)
    assert env["SYNC_API_URL"] == "http://10.1.2.3:8000"


def test_with_tls_sync_uses_https_and_trusts_the_gateways_certificate(tmp_path: Path) -> None:
    env = dev.environment(args(tmp_path, tls=True, bind="127.0.0.1:8000"),
                          dict.fromkeys(dev.NAMES, 9000))
    assert env["SYNC_API_URL"] == "https://127.0.0.1:8443"
    assert env["SYNC_API_CA_FILE"] == env["HMS_GATEWAY_TLS_CERT"]
    ssl.create_default_context(cafile=env["SYNC_API_CA_FILE"])  # a bundle ssl can load


def test_the_web_apps_build_is_served_behind_the_gateway(tmp_path: Path) -> None:
    options = args(tmp_path, tls=False, bind="127.0.0.1:8000")
    ports = dict.fromkeys(dev.NAMES, 9000)
    assert dev.environment(options, ports)["HMS_WEB_ADDR"] == "127.0.0.1:8190"
    assert "web" not in dict(dev.commands(options, ports))  # no build: not started
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "index.html").write_text("<!doctype html>")
    processes = dict(dev.commands(options, ports))
    assert processes["web"][1:] == [
        "-m", "hms_platform.web.site", "--root", str(tmp_path / "dist"), "--host", "127.0.0.1",
        "--port", "8190"]
    assert list(processes)[-1] == "gateway"
