"""The client address: X-Forwarded-For believed only from trusted proxies, judged once by the
platform's middleware into scope["client"]."""

from __future__ import annotations

import ipaddress

import httpx
import pytest
from starlette.requests import Request

from hms_platform.settings import ServiceSettings
from hms_platform.web import create_service_app
from hms_platform.web.client_ip import client_address

GATEWAY = [ipaddress.ip_network("10.0.0.0/24")]


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy() -> None:
    assert client_address("203.0.113.9", ["1.2.3.4"], GATEWAY) == "203.0.113.9"
    assert client_address("10.0.0.5", ["198.51.100.7"], GATEWAY) == "198.51.100.7"
    assert client_address("10.0.0.5", [], GATEWAY) == "10.0.0.5"
    assert client_address(None, ["1.2.3.4"], GATEWAY) == "unknown"
    assert client_address("testclient", ["1.2.3.4"], GATEWAY) == "testclient"
    assert client_address("10.0.0.5", ["1.2.3.4"], []) == "10.0.0.5"


def test_the_client_is_the_rightmost_hop_that_is_not_ours() -> None:
    # The client wrote "6.6.6.6" itself; the gateway appended what it saw.
    assert client_address("10.0.0.5", ["6.6.6.6, 198.51.100.7", "10.0.0.9"],
                          GATEWAY) == "198.51.100.7"
    assert client_address("10.0.0.5", ["garbage, 10.0.0.8"], GATEWAY) == "10.0.0.8"
    assert client_address("10.0.0.5", ["2001:db8::1"], GATEWAY) == "2001:db8::1"


def test_ipv4_mapped_ipv6_addresses_are_judged_as_ipv4() -> None:
    # A dual-stack listener (host "::") reports an IPv4 gateway as ::ffff:10.0.0.5.
    assert client_address("::ffff:10.0.0.5", ["198.51.100.7"], GATEWAY) == "198.51.100.7"
    assert client_address("10.0.0.5", ["::ffff:198.51.100.7"], GATEWAY) == "198.51.100.7"
    assert client_address("::ffff:203.0.113.9", ["1.2.3.4"], GATEWAY) == "::ffff:203.0.113.9"


def app_client(**settings: object) -> httpx.AsyncClient:
    app = create_service_app("demo", prefix="/api/demo",
                             settings=ServiceSettings(environment="test", **settings))

    @app.get("/api/demo/whoami")
    async def whoami(request: Request) -> dict[str, object]:
        assert request.client is not None
        return {"host": request.client.host}

    # httpx's ASGITransport connects from 127.0.0.1.
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t")


@pytest.mark.parametrize("forwarded", ["203.0.113.66", "6.6.6.6, 203.0.113.66", "garbage"])
async def test_without_trusted_proxies_a_forged_header_changes_nothing(forwarded: str) -> None:
    async with app_client() as client:
        response = await client.get("/api/demo/whoami", headers={"X-Forwarded-For": forwarded})
    assert response.json() == {"host": "127.0.0.1"}


@pytest.mark.parametrize(("trusted", "forwarded", "host"), [
    (["127.0.0.1"], "6.6.6.6, 198.51.100.7", "198.51.100.7"),
    (["127.0.0.0/8"], "6.6.6.6, 198.51.100.7, 127.0.0.2", "198.51.100.7"),
    (["127.0.0.1"], "198.51.100.7, garbage", "127.0.0.1"),
    (["10.0.0.0/8"], "198.51.100.7", "127.0.0.1"),  # the peer is not a trusted proxy
])
async def test_from_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client(
    trusted: list[str], forwarded: str, host: str,
) -> None:
    async with app_client(trusted_proxies=trusted) as client:
        response = await client.get("/api/demo/whoami", headers={"X-Forwarded-For": forwarded})
    assert response.json() == {"host": host}


def test_trusted_proxies_come_from_the_environment_and_are_validated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HMS_TRUSTED_PROXIES", '["10.0.0.0/8", "::1"]')
    assert [str(n) for n in ServiceSettings().proxy_networks()] == ["10.0.0.0/8", "::1/128"]
    monkeypatch.setenv("HMS_TRUSTED_PROXIES", "10.0.0.2, 172.16.0.0/12")
    assert ServiceSettings().trusted_proxies == ["10.0.0.2", "172.16.0.0/12"]
    monkeypatch.setenv("HMS_TRUSTED_PROXIES", "")
    assert ServiceSettings().trusted_proxies == []
    monkeypatch.delenv("HMS_TRUSTED_PROXIES")
    assert ServiceSettings().trusted_proxies == []  # default: nobody's header is believed
    with pytest.raises(ValueError):
        ServiceSettings(trusted_proxies=["10.0.0.300"])
    with pytest.raises(ValueError):
        ServiceSettings(trusted_proxies="gateway")
