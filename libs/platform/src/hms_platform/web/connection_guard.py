"""Connection limits uvicorn lacks: a deadline for a request's headers and a cap on one client
address's open connections.

uvicorn closes an idle keep-alive connection, but a client that sends a request line and one
header, then nothing, holds its socket for ever; and nothing stops one address from holding
thousands of them. A server that faces clients itself (``make run``, no gateway in front) needs
both; behind the gateway, HAProxy's ``timeout http-request`` and per-address limits do the same.

``guarded_protocol`` returns uvicorn's own HTTP protocol (httptools) with:

- **a header deadline**: from the moment a connection opens, and again from the end of each
  response, the next request's headers must be complete within ``header_timeout`` seconds, or
  the server answers 408 and closes the connection. A request's body and its response (an
  event stream included) have no such deadline.
- **a per-address cap** (``max_per_client``, off while None): a connection beyond it is
  answered 429 and closed, nothing it sent is parsed. Addresses in ``exempt`` (the
  trusted proxies, which carry many clients) are not capped.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections import Counter
from collections.abc import Iterable
from typing import Any, ClassVar

import structlog
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.utils import get_remote_addr

from hms_platform.settings import IpNetwork

log = structlog.get_logger(__name__)


def _answer(status: bytes, detail: bytes) -> bytes:
    body = (b'{"type":"about:blank","title":"' + status[4:] + b'","status":' + status[:3]
            + b',"detail":"' + detail + b'"}')
    return (b"HTTP/1.1 " + status + b"\r\ncontent-type: application/problem+json\r\n"
            b"connection: close\r\ncontent-length: " + str(len(body)).encode() + b"\r\n\r\n"
            + body)


TOO_MANY = _answer(b"429 Too Many Requests",
                   b"Too many open connections from this address; close some and try again.")
LINGER_SECONDS = 1.0
TOO_SLOW = _answer(b"408 Request Timeout", b"The request's headers did not arrive in time.")


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """Set by ``guarded_protocol``: the limits and the shared count of open connections."""

    header_timeout: ClassVar[float] = 10.0
    max_per_client: ClassVar[int | None] = None
    exempt: ClassVar[tuple[IpNetwork, ...]] = ()
    open_per_client: ClassVar[Counter[str]]
    refused: ClassVar[int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._counted_as: str | None = None
        self._header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        address = (get_remote_addr(transport) or ("", 0))[0]
        if self._over_cap(address):
            type(self).refused += 1
            if type(self).refused == 1 or type(self).refused % 1000 == 0:
                log.warning("http.connection_refused", reason="per-client cap",
                            cap=self.max_per_client, refused_so_far=type(self).refused)
            self.transport = transport
            self._refuse()
            return
        if self.max_per_client is not None:
            self._counted_as = address
            self.open_per_client[address] += 1
        super().connection_made(transport)
        self._arm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        if self._counted_as is not None:
            counts = self.open_per_client
            counts[self._counted_as] -= 1
            if counts[self._counted_as] <= 0:
                del counts[self._counted_as]
            self._counted_as = None
        if self.flow is None:  # refused in connection_made: uvicorn never saw it
            return
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.flow is None:  # refused: read nothing
            return
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._disarm_header_deadline()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_header_deadline()

    def _refuse(self) -> None:
        """429, then a lingering close: closing a socket with the client's request still
        unread would reset it (RST) before the client reads the answer, so the rest is read
        and dropped until the client closes, for a second at most."""
        self.transport.write(TOO_MANY)
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(LINGER_SECONDS, self.transport.close)
        else:
            self.transport.close()

    def _over_cap(self, address: str) -> bool:
        if self.max_per_client is None or not address:
            return False
        if self.open_per_client[address] < self.max_per_client:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return True
        return not any(ip in network for network in self.exempt)

    def _arm_header_deadline(self) -> None:
        self._disarm_header_deadline()
        self._header_deadline = self.loop.call_later(self.header_timeout, self._headers_late)

    def _disarm_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_late(self) -> None:
        self._header_deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a request is being answered (pipelined bytes after it do not count)
        self.transport.write(TOO_SLOW)
        self.transport.close()


def guarded_protocol(*, header_timeout: float = 10.0, max_per_client: int | None = None,
                     exempt: Iterable[IpNetwork] = ()) -> type[GuardedHttpToolsProtocol]:
    """uvicorn's ``http=`` protocol class with these limits, and a count of its own."""
    if header_timeout <= 0:
        raise ValueError("header_timeout must be positive")
    if max_per_client is not None and max_per_client < 1:
        raise ValueError("max_per_client must be at least 1")
    attrs: dict[str, Any] = {"header_timeout": header_timeout, "max_per_client": max_per_client,
                             "exempt": tuple(exempt), "open_per_client": Counter(),
                             "refused": 0}
    return type("GuardedHttpProtocol", (GuardedHttpToolsProtocol,), attrs)
