"""The owners over HTTP: the gateway (or, in the embedded run, the process's own routes), with
the caller's token and the operation's Idempotency-Key."""

from __future__ import annotations

import json
from typing import Any

import httpx
import structlog

from hms_sync.domain.operations import OwnerRequest
from hms_sync.domain.outcomes import OwnerAnswer, problem, unavailable

log = structlog.get_logger("hms.sync.owners")


class HttpOwnerApi:
    """``client``'s base URL is the gateway's (SYNC_API_URL). No answer (refused, timed out,
    cut) is a 503: the owner's transaction did not commit, or its answer is kept under the
    operation's key, so sending the operation again is safe."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def send(self, request: OwnerRequest, *, authorization: str,
                   idempotency_key: str | None) -> OwnerAnswer:
        headers = {"Authorization": authorization, "Accept": "application/json"}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        try:
            answer = await self.client.request(
                request.method, request.path, params=request.params or None, headers=headers,
                json=request.body if request.body is not None else None)
        except httpx.HTTPError as error:
            log.warning("sync.owner_unreachable", path=request.path,
                        error=type(error).__name__)
            return OwnerAnswer(503, unavailable())
        return OwnerAnswer(
            answer.status_code, _json(answer),
            superseded=answer.headers.get("hms-write-outcome", "").lower() == "superseded",
            replayed=answer.headers.get("idempotent-replayed", "").lower() == "true")

    async def aclose(self) -> None:
        await self.client.aclose()


def _json(answer: httpx.Response) -> Any:
    if not answer.content:
        return None
    try:
        return answer.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return problem(answer.status_code, "Unexpected answer",
                       "The owning service answered something that is not JSON.")
