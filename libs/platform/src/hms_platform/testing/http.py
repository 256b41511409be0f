"""A service's app called in process over HTTP (httpx's ASGI transport) as a cast of callers,
for its e2e tests."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx

Call = Callable[..., Awaitable[httpx.Response]]


@contextlib.asynccontextmanager
async def calling(app: Any, prefix: str, headers: dict[str, dict[str, str]],
                  base_url: str = "http://hms") -> AsyncIterator[tuple[httpx.AsyncClient, Call]]:
    """The client, and ``call(who, method, path, **kwargs)``: a request to ``prefix + path``
    with the headers of ``who`` (see TokenFactory.headers) and any more in ``headers=``."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=base_url) as client:

        async def call(who: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
            extra = kwargs.pop("headers", {})
            return await client.request(method, prefix + path,
                                        headers={**headers[who], **extra}, **kwargs)

        yield client, call
