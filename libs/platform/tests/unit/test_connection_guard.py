"""The server every HMS process runs (uvicorn through ``uvicorn_config``) under a client that
holds connections open: half-sent requests are cut at the header deadline, one address cannot
hold more than its cap, and other clients are served meanwhile. A real server, real sockets; the
attacker connects from 127.0.0.2 (all of 127/8 is loopback on Linux), the others from 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.routing import Route

from hms_platform.testing.polling import eventually
from hms_platform.testing.ports import uvicorn_serving
from hms_platform.web.serving import uvicorn_config

ATTACKER = "127.0.0.2"


async def hello(_: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


async def slow_stream(_: Request) -> StreamingResponse:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(4):
            yield b"tick\n"
            await asyncio.sleep(0.5)

    return StreamingResponse(chunks(), media_type="text/plain")


APP = Starlette(routes=[Route("/hello", hello), Route("/stream", slow_stream)])


@contextlib.asynccontextmanager
async def served(**limits: object) -> AsyncIterator[tuple[int, type]]:
    config = uvicorn_config(APP, host="127.0.0.1", port=0, **limits)  # type: ignore[arg-type]
    async with uvicorn_serving(config) as port:
        yield port, config.http_protocol_class


async def half_open(port: int, source: str = ATTACKER) -> tuple[asyncio.StreamReader,
                                                                   asyncio.StreamWriter]:
    """A connection that sends a request line and one header, then nothing."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
    writer.write(b"GET /hello HTTP/1.1\r\nHost: hms\r\n")
    await writer.drain()
    return reader, writer


async def answer(reader: asyncio.StreamReader) -> bytes:
    """Everything the server sends until it closes the connection."""
    async with asyncio.timeout(10):
        return await reader.read()


def close_all(writers: list[asyncio.StreamWriter]) -> None:
    for writer in writers:
        writer.close()


async def test_a_request_whose_headers_never_finish_is_answered_408_and_closed() -> None:
    async with served(header_timeout=0.5) as (port, _):
        reader, writer = await half_open(port)
        try:
            reply = await answer(reader)
        finally:
            writer.close()
    assert reply.startswith(b"HTTP/1.1 408 ")
    assert b"application/problem+json" in reply


async def test_an_idle_keep_alive_connection_gets_the_same_deadline_for_its_next_request() -> None:
    async with served(header_timeout=0.5, timeout_keep_alive=30) as (port, _):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(b"GET /hello HTTP/1.1\r\nHost: hms\r\n\r\nGET /hello HTTP/1.1\r\n")
            await writer.drain()
            reply = await answer(reader)
        finally:
            writer.close()
    assert reply.startswith(b"HTTP/1.1 200 ")
    assert b"HTTP/1.1 408 " in reply  # the second request never finished its headers


async def test_a_response_that_takes_longer_than_the_header_deadline_is_not_cut() -> None:
    async with served(header_timeout=0.3) as (port, _), \
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        response = await client.get("/stream")
    assert response.status_code == 200
    assert response.text == "tick\n" * 4


async def test_one_address_holding_more_than_its_cap_leaves_others_served_within_a_second() -> None:
    cap = 40
    async with served(max_connections_per_client=cap, header_timeout=60) as (port, protocol):
        held = [await half_open(port) for _ in range(cap)]
        refused = [await half_open(port) for _ in range(cap)]  # twice the cap in all
        try:
            replies = await asyncio.gather(*(answer(reader) for reader, _ in refused))
            assert all(reply.startswith(b"HTTP/1.1 429 ") for reply in replies)
            assert protocol.open_per_client[ATTACKER] == cap
            # the attacker's held connections stay open, and anybody else is served at once
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}",
                                         timeout=1.0) as client:
                for _ in range(5):
                    assert (await client.get("/hello")).status_code == 200
        finally:
            close_all([writer for _, writer in held + refused])
        # closed connections free their places: the attacker's address may connect again
        await eventually(lambda: not protocol.open_per_client[ATTACKER], timeout=5,
                         interval=0.02)
        reader, writer = await asyncio.open_connection("127.0.0.1", port,
                                                       local_addr=(ATTACKER, 0))
        writer.write(b"GET /hello HTTP/1.1\r\nHost: hms\r\nConnection: close\r\n\r\n")
        try:
            assert (await answer(reader)).startswith(b"HTTP/1.1 200 ")
        finally:
            writer.close()


async def test_a_trusted_proxy_is_not_capped() -> None:
    proxy = [ipaddress.ip_network(f"{ATTACKER}/32")]
    async with served(max_connections_per_client=3, uncapped=proxy) as (port, protocol):
        held = [await half_open(port) for _ in range(10)]
        try:
            await eventually(lambda: protocol.open_per_client[ATTACKER] >= 10, timeout=5,
                             interval=0.02)
            assert protocol.refused == 0
        finally:
            close_all([writer for _, writer in held])


def test_the_protocol_is_the_platforms_and_its_limits_are_checked() -> None:
    with pytest.raises(TypeError, match="http is fixed"):
        uvicorn_config(APP, host="127.0.0.1", port=1, http="h11")
    with pytest.raises(ValueError, match="max_per_client"):
        uvicorn_config(APP, host="127.0.0.1", port=1, max_connections_per_client=0)
    with pytest.raises(ValueError, match="header_timeout"):
        uvicorn_config(APP, host="127.0.0.1", port=1, header_timeout=0)


def test_loopback_aliases_are_usable_here() -> None:
    """The attacks above connect from 127.0.0.2; this machine must route it to loopback."""
    with socket.socket() as s:
        s.bind((ATTACKER, 0))
        assert s.getsockname()[0] == ATTACKER
