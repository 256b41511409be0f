"""Ports for the servers tests start (hms_platform.testing.ports): bound sockets, and starting
again on other ports when one was taken between the pick and the bind."""

from __future__ import annotations

import asyncio
import contextlib
import smtplib
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from hms_platform.testing.infra import free_port
from hms_platform.testing.polling import until
from hms_platform.testing.ports import (
    exit_report,
    listening_socket,
    on_free_ports,
    port_of,
    port_taken,
    retried_on_free_ports,
    smtp_controller,
    started_on_free_ports,
    unanswered_port,
    uvicorn_serving,
)


def picks(*first: int) -> Any:
    """A port picker that hands out ``first`` (taken ports), then free ones."""
    queue = list(first)
    return lambda: queue.pop(0) if queue else free_port()


async def test_a_uvicorn_app_is_served_on_the_socket_bound_for_it() -> None:
    app = Starlette(routes=[Route("/", lambda _: PlainTextResponse("hello"))])
    async with (uvicorn_serving(uvicorn.Config(app, log_level="warning")) as port,
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client):
        assert (await client.get("/")).text == "hello"


async def test_a_start_that_met_a_taken_port_is_run_again_on_another() -> None:
    with listening_socket() as taken:
        pick = picks(port_of(taken), port_of(taken))
        tried: list[int] = []

        async def start() -> asyncio.Server:
            tried.append(pick())
            return await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", tried[-1])

        server = await started_on_free_ports(start)
        try:
            assert tried[:2] == [port_of(taken)] * 2 and len(tried) == 3
            assert server.sockets[0].getsockname()[1] == tried[-1]
        finally:
            server.close()
            await server.wait_closed()


async def test_other_failures_and_a_port_taken_every_time_are_not_hidden() -> None:
    calls = []

    async def broken() -> None:
        calls.append(1)
        raise RuntimeError("no database")

    with pytest.raises(RuntimeError, match="no database"):
        await started_on_free_ports(broken)
    assert len(calls) == 1
    with listening_socket() as taken:
        async def always_taken() -> asyncio.Server:
            return await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1",
                                              port_of(taken))

        with pytest.raises(OSError) as raised:
            await started_on_free_ports(always_taken, attempts=3)
        assert port_taken(raised.value)


async def test_a_context_is_entered_again_and_cleans_up_after_a_taken_port() -> None:
    closed: list[int] = []

    @contextlib.asynccontextmanager
    async def served(port: int) -> AsyncIterator[int]:
        try:
            server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", port)
            async with server:
                yield port
        finally:
            closed.append(port)

    with listening_socket() as taken:
        pick = picks(port_of(taken))
        async with on_free_ports(lambda: served(pick())) as port:
            assert port != port_of(taken) and closed == [port_of(taken)]
        assert closed == [port_of(taken), port]


def test_a_process_log_saying_so_is_a_taken_port(tmp_path: Path) -> None:
    log = tmp_path / "run.log"
    log.write_text("[ALERT] Starting frontend www: cannot bind socket (Address already in use)"
                   " [127.0.0.1:8000]\n" + "shutting down\n" * 500)
    report = exit_report(log, 100)
    assert report.startswith("[ALERT]") and len(report) < 300
    assert port_taken(AssertionError(report))
    assert not port_taken(AssertionError(exit_report(log, 100).split("\n", 1)[1]))
    with listening_socket() as taken:
        def sync_start() -> int:
            with socket.socket() as s:
                s.bind(("127.0.0.1", port_of(taken)))
            return 0

        with pytest.raises(OSError):
            retried_on_free_ports(sync_start, attempts=2)


def test_an_smtp_server_holds_its_port_from_the_start() -> None:
    class Inbox:
        messages: list[Any] = []

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            self.messages.append(envelope)
            return "250 Message accepted"

    inbox = Inbox()
    controller = smtp_controller(inbox)
    with socket.socket() as other, pytest.raises(OSError):  # held before start()
        other.bind(("127.0.0.1", controller.port))
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", controller.port) as client:
            client.sendmail("a@hms.local", ["b@hms.local"], "Subject: hi\r\n\r\nhello")
        until(lambda: len(inbox.messages) == 1, timeout=5)
    finally:
        controller.stop()


def test_an_unanswered_port_refuses_connections_and_cannot_be_taken() -> None:
    with unanswered_port() as port:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        with socket.socket() as other, pytest.raises(OSError):
            other.bind(("127.0.0.1", port))


def test_until_waits_then_gives_up() -> None:
    seen: list[int] = []

    def third_time() -> bool:
        seen.append(1)
        return len(seen) == 3

    until(third_time, timeout=5, interval=0.01)
    assert len(seen) == 3
    with pytest.raises(TimeoutError):
        until(lambda: False, timeout=0.1, interval=0.01)
