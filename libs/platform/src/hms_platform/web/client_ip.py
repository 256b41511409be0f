"""Which address a request came from, believing X-Forwarded-For only from trusted proxies.

Servers are started with uvicorn's own proxy handling off (``hms_platform.runtime``), so this
is the only place that reads the header: ``ClientAddressMiddleware`` rewrites
``scope["client"]`` in place, and ``request.client.host`` and uvicorn's access log (which reads
the same scope) both show the judged address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(text: str) -> IpAddress | None:
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d; judge them as IPv4.
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    return mapped or ip


def client_address(peer: str | None, forwarded_for: Sequence[str],
                   trusted: Sequence[IpNetwork]) -> str:
    """The peer, unless the peer is a trusted proxy: then the right-most X-Forwarded-For hop
    that is not one of ours. Hops to the left of that one are whatever the client wrote, so
    they are never believed (a client could otherwise pick its own throttle key)."""
    peer = (peer or "unknown")[:100]
    peer_ip = _parse(peer)
    if peer_ip is None or not _trusted(peer_ip, trusted) or not forwarded_for:
        return peer
    client = peer_ip
    for hop in reversed(",".join(forwarded_for).split(",")):
        ip = _parse(hop)
        if ip is None:
            break  # garbage: keep the last address a trusted proxy vouched for
        client = ip
        if not _trusted(ip, trusted):
            break
    return str(client)


def _trusted(ip: IpAddress, trusted: Sequence[IpNetwork]) -> bool:
    return any(ip.version == net.version and ip in net for net in trusted)


class ClientAddressMiddleware:
    """Replaces ``scope["client"]`` with the judged client address. With no trusted proxies
    (the default) the peer stays as it is and X-Forwarded-For is ignored."""

    def __init__(self, app: ASGIApp, trusted: Sequence[IpNetwork] = ()) -> None:
        self.app = app
        self.trusted = tuple(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.trusted and scope["type"] in ("http", "websocket"):
            peer = scope.get("client")
            if peer:
                forwarded = [value.decode("latin-1") for name, value in scope["headers"]
                             if name == b"x-forwarded-for"]
                host = client_address(peer[0], forwarded, self.trusted)
                if host != peer[0]:
                    scope["client"] = (host, 0)  # in place: the server's access log sees it
        await self.app(scope, receive, send)
