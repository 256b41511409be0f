"""The owners over HTTP: what is sent (token, key, body, query) and how the answer is read;
no answer at all is a 503."""

from __future__ import annotations

import json

import httpx

from hms_sync.adapters.owners import HttpOwnerApi
from hms_sync.domain.operations import OwnerRequest


def api(handler) -> HttpOwnerApi:  # type: ignore[no-untyped-def]
    return HttpOwnerApi(httpx.AsyncClient(base_url="http://gateway:8000",
                                          transport=httpx.MockTransport(handler)))


async def test_the_callers_token_the_key_and_the_body_go_as_they_are() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"urgency": 5},
                              headers={"HMS-Write-Outcome": "superseded"})

    answer = await api(handler).send(
        OwnerRequest("PATCH", "/api/queue/tickets/t", {"urgency": 1}),
        authorization="Bearer abc", idempotency_key="op-1")
    assert (answer.status, answer.body, answer.superseded, answer.replayed) == (
        200, {"urgency": 5}, True, False)
    (request,) = seen
    assert (request.method, str(request.url)) == ("PATCH",
                                                  "http://gateway:8000/api/queue/tickets/t")
    assert request.headers["authorization"] == "Bearer abc"
    assert request.headers["idempotency-key"] == "op-1"
    assert json.loads(request.content) == {"urgency": 1}


async def test_a_delete_carries_its_time_in_the_query_and_a_replay_is_read() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={}, headers={"Idempotent-Replayed": "true"})

    answer = await api(handler).send(
        OwnerRequest("DELETE", "/api/queue/tickets/t", None, {"client_updated_at": "x+03:00"}),
        authorization="Bearer abc", idempotency_key=None)
    assert answer.replayed and not seen[0].content
    assert seen[0].url.params["client_updated_at"] == "x+03:00"
    assert "idempotency-key" not in seen[0].headers


async def test_no_answer_is_a_503_and_a_body_that_is_not_json_a_problem() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    down = await api(refused).send(OwnerRequest("POST", "/x", {}), authorization="B",
                                   idempotency_key="k")
    assert down.status == 503 and down.body["status"] == 503

    garbled = await api(lambda r: httpx.Response(502, content=b"<html>")).send(
        OwnerRequest("POST", "/x", {}), authorization="B", idempotency_key="k")
    assert garbled.status == 502 and garbled.body["status"] == 502
