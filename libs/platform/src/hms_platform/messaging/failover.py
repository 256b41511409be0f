"""A RabbitMQ cluster's nodes in one AMQP URL setting: ``amqp://u:p@node1:5672/,amqp://u:p@
node2:5672/,...``. The first node that answers is used; when the connection to it is lost,
aio-pika's robust recovery (channels, queues, consumers) reconnects to the next node of the list
instead of waiting for the lost one to come back."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import aio_pika
from aio_pika.abc import AbstractRobustConnection
from aio_pika.exceptions import CONNECTION_EXCEPTIONS
from aio_pika.robust_connection import RobustConnection
from yarl import URL


def broker_urls(setting: str) -> list[str]:
    """The URLs of a setting holding one or several, comma-separated."""
    urls = [part.strip() for part in setting.split(",") if part.strip()]
    if not urls:
        raise ValueError("no AMQP URL")
    return urls


class FailoverConnection(RobustConnection):
    """A robust connection that moves on to the next of ``urls`` each time its connection is
    lost (the node it was on was stopped or killed), round the list."""

    def __init__(self, urls: Sequence[str], start: int = 0, **kwargs: Any) -> None:
        self._urls = [URL(url) for url in urls]
        self._at = start % len(self._urls)
        super().__init__(self._urls[self._at], **kwargs)

    async def _on_connection_close(self, closing: asyncio.Future[Any]) -> None:
        self._at = (self._at + 1) % len(self._urls)
        self.url = self._urls[self._at]
        await super()._on_connection_close(closing)


async def connect_robust(setting: str, query: str, timeout: float
                         ) -> AbstractRobustConnection:
    """A robust connection to the first node of ``setting`` that answers (``query``, e.g.
    ``heartbeat=15``, added to each URL); one URL is aio-pika's own robust connection."""
    urls = [f"{url}{'&' if '?' in url else '?'}{query}" for url in broker_urls(setting)]
    if len(urls) == 1:
        return await aio_pika.connect_robust(urls[0], timeout=timeout)
    failure: BaseException | None = None
    for start in range(len(urls)):
        connection = FailoverConnection(urls, start)
        try:
            await connection.connect(timeout=timeout)
        except (*CONNECTION_EXCEPTIONS, TimeoutError) as error:
            failure = error
            await connection.close()
            continue
        return connection
    assert failure is not None
    raise failure
