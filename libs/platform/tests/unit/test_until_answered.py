"""Waiting for a server in tests: refused connections and other statuses are "not yet"; a
dead server fails at once with what ``died`` says."""

from __future__ import annotations

import httpx
import pytest

from hms_platform.testing.polling import until_answered


async def test_waits_through_refusals_and_other_statuses() -> None:
    answers = iter([None, 503, 200])

    def reply(request: httpx.Request) -> httpx.Response:
        status = next(answers)
        if status is None:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(status, text=str(status))

    async with httpx.AsyncClient(transport=httpx.MockTransport(reply),
                                 base_url="http://x") as client:
        answer = await until_answered(client, "/readyz", interval=0)
    assert answer.text == "200"


async def test_a_dead_server_fails_with_its_log() -> None:
    calls = []
    transport = httpx.MockTransport(lambda r: calls.append(r) or httpx.Response(503))
    async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
        with pytest.raises(AssertionError, match="exit 3: the log"):
            await until_answered(client, "/readyz", interval=0,
                                 died=lambda: len(calls) >= 2 and "exit 3: the log")
    assert len(calls) == 2
