"""Ports for the servers tests start, without a race on a busy machine: a port picked free and
bound later may be taken by another process in between ("address already in use"). In-process
servers get a socket already bound (``listening_socket``, ``uvicorn_serving``,
``smtp_controller``); a process that cannot take one is started again on other ports when it
failed on a taken one (``on_free_ports``, ``started_on_free_ports``,
``retried_on_free_ports``)."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import uvicorn

T = TypeVar("T")
ATTEMPTS = 5
TAKEN = ("address already in use", "cannot bind socket")  # Python, uvicorn; HAProxy


def listening_socket(host: str = "127.0.0.1") -> socket.socket:
    """A TCP socket bound to a port of its own on ``host`` and listening: the port is known and
    held from now on (hand the socket to the server)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    sock.listen(128)
    return sock


def port_of(sock: socket.socket) -> int:
    return int(sock.getsockname()[1])


@contextlib.contextmanager
def unanswered_port(host: str = "127.0.0.1") -> Iterator[int]:
    """A port on ``host`` where nothing answers while the block runs: bound here and never
    listening (a connection is refused), so no other process can take it meanwhile."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        yield port_of(sock)


@contextlib.asynccontextmanager
async def uvicorn_serving(config: uvicorn.Config, timeout: float = 20) -> AsyncIterator[int]:
    """Serve ``config``'s app in this process on a socket bound here (its host and port are not
    used) while the block runs; yields the port, once the server has started."""
    sock = listening_socket()
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(timeout):
            while not server.started:
                assert not task.done(), task.exception() if not task.cancelled() else "cancelled"
                await asyncio.sleep(0.01)
        yield port_of(sock)
    finally:
        server.should_exit = True
        await task
        sock.close()


def smtp_controller(handler: Any, host: str = "127.0.0.1") -> Any:
    """An aiosmtpd ``Controller`` for ``handler`` on a socket bound now: ``.port`` is held
    before ``start()``."""
    from aiosmtpd.controller import Controller

    sock = listening_socket(host)

    class Bound(Controller):
        def _create_server(self) -> Any:
            return self.loop.create_server(self._factory_invoker, sock=sock,
                                           ssl=self.ssl_context)

    return Bound(handler, hostname=host, port=port_of(sock))


def exit_report(log: Path, chars: int = 3000) -> str:
    """What a process that exited left in ``log``: its last ``chars`` characters, after any line
    that says a port was taken (which ``port_taken`` looks for), wherever it is."""
    text = log.read_text(errors="replace")
    taken = [line for line in text.splitlines() if any(w in line.lower() for w in TAKEN)]
    return "\n".join([*taken[:3], text[-chars:]])


def port_taken(error: BaseException) -> bool:
    """Whether ``error`` (or what caused it) says a port was already in use, as an OSError or as
    a failed process's log in its message."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno == errno.EADDRINUSE:
            return True
        if any(words in str(seen).lower() for words in TAKEN):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def retried_on_free_ports(start: Callable[[], T], attempts: int = ATTEMPTS) -> T:
    """``start()`` as ``started_on_free_ports`` does it, for a test that is not async."""
    for attempt in range(1, attempts + 1):
        try:
            return start()
        except Exception as error:
            if attempt == attempts or not port_taken(error):
                raise
    raise AssertionError("unreachable")


async def started_on_free_ports(start: Callable[[], Awaitable[T]],
                                attempts: int = ATTEMPTS) -> T:
    """``await start()``: it picks its ports (``infra.free_port``), starts what binds them and
    waits until it serves, failing with what the process said if it exited. Run again, from the
    beginning, when that failure was a port taken meanwhile."""
    for attempt in range(1, attempts + 1):
        try:
            return await start()
        except Exception as error:
            if attempt == attempts or not port_taken(error):
                raise
    raise AssertionError("unreachable")


@contextlib.asynccontextmanager
async def on_free_ports(start: Callable[[], contextlib.AbstractAsyncContextManager[T]],
                        attempts: int = ATTEMPTS) -> AsyncIterator[T]:
    """``async with start()`` as ``started_on_free_ports`` does it: entered again, from the
    beginning, when it failed to enter on a port taken meanwhile (it cleans up after itself)."""
    async with contextlib.AsyncExitStack() as stack:
        for attempt in range(1, attempts + 1):
            try:
                value = await stack.enter_async_context(start())
                break
            except Exception as error:
                if attempt == attempts or not port_taken(error):
                    raise
        yield value
