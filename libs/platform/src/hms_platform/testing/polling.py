"""Waiting in tests for something another task, process or server will make true."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable

import httpx


async def eventually(
    check: Callable[[], bool | Awaitable[bool]], timeout: float = 15.0, interval: float = 0.05
) -> None:
    """Poll ``check`` (sync or async) until it is true; TimeoutError after ``timeout`` seconds."""
    async with asyncio.timeout(timeout):
        while True:
            result = check()
            if inspect.isawaitable(result):
                result = await result
            if result:
                return
            await asyncio.sleep(interval)


def until(check: Callable[[], bool], timeout: float = 15.0, interval: float = 0.05) -> None:
    """``eventually`` for a test that is not async (it blocks)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not true within {timeout} s")
        time.sleep(interval)


async def until_answered(client: httpx.AsyncClient, path: str, *,
                         died: Callable[[], object] = lambda: None, ok: int = 200,
                         interval: float = 0.2) -> httpx.Response:
    """GET ``path`` until it answers ``ok`` (refused or reset connections count as not yet);
    the answer. ``died``: what to fail with once the server's process has exited (its log),
    falsy while it runs. No timeout of its own: wrap it in ``asyncio.timeout``."""
    while True:
        failure = died()
        assert not failure, failure
        try:
            answer = await client.get(path)
            if answer.status_code == ok:
                return answer
        except httpx.TransportError:
            pass
        await asyncio.sleep(interval)
