"""Reading a ``text/event-stream`` in tests, line by line (``httpx``'s ``aiter_lines``)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any


async def next_event(lines: AsyncIterator[str]) -> tuple[str, Any]:
    """The next event (its name and JSON data) or heartbeat comment (``("heartbeat", None)``);
    AssertionError when the stream ends first."""
    kind, data = "", None
    async for line in lines:
        if line.startswith(": heartbeat"):
            return "heartbeat", None
        if line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: "):
            data = json.loads(line[6:])
        elif line == "" and kind:
            return kind, data
    raise AssertionError("the stream ended")


async def until_event(lines: AsyncIterator[str], kind: str, **match: Any) -> Any:
    """The data of the next ``kind`` event whose fields equal ``match``."""
    while True:
        got, data = await next_event(lines)
        if got == kind and all(data[k] == v for k, v in match.items()):
            return data


async def rest(lines: AsyncIterator[str]) -> list[str]:
    """Everything the stream still sends, until it ends (it must end)."""
    return [line async for line in lines]
