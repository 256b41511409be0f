"""Push and pull over HTTP: the batch's shape, each operation forwarded with the caller's
token and its op_id as Idempotency-Key, results in order; the pull's cursor and its 410."""

from __future__ import annotations

import uuid

import pytest

from hms_contracts import auth

pytestmark = pytest.mark.e2e
PROBLEM = "application/problem+json"


def op(op_id: str, entity: str, action: str, **rest: object) -> dict[str, object]:
    return {"op_id": op_id, "entity": entity, "action": action, **rest}


async def test_each_operation_is_forwarded_with_the_callers_token_and_its_key(api) -> None:
    ticket = str(uuid.uuid4())
    batch = {"operations": [
        op("k1", "ticket", "update", id=ticket, fields={"urgency": 1},
           client_updated_at="2026-03-02T10:01:00+03:00"),
        op("k2", "ward", "admit"),
        op("k3", "ticket", "serve", id=ticket),
        op("k4", "ticket", "serve", id=ticket),
    ]}
    answer = await api.client.post("/api/sync", json=batch, headers=api.headers["doctor"])
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [(r["op_id"], r["outcome"]) for r in results] == [
        ("k1", "applied"), ("k2", "rejected"), ("k3", "applied"), ("k4", "rejected")]
    assert results[1]["problem"]["status"] == 422 and "current" not in results[0]
    assert results[3]["problem"]["detail"] == "Served already."
    assert [(r.method, r.url.path, r.headers["idempotency-key"]) for r in api.sent] == [
        ("PATCH", f"/api/queue/tickets/{ticket}", "k1"),
        ("POST", f"/api/queue/tickets/{ticket}/serve", "k3"),
        ("POST", f"/api/queue/tickets/{ticket}/serve", "k4")]
    assert {r.headers["authorization"] for r in api.sent} == {
        api.headers["doctor"]["Authorization"]}


@pytest.mark.parametrize("body", [
    {}, {"operations": "all"}, {"operations": [{"op_id": "a"}]},
    {"operations": [op("", "ticket", "serve")]},
    {"operations": [op("a b", "ticket", "serve")]},
    {"operations": [op("a", "ticket", "serve", id="not-a-uuid")]},
    {"operations": [op("a", "ticket", "serve", colour="red")]},
    {"operations": [op(str(i), "ticket", "serve") for i in range(501)]},
    {"operations": [], "more": 1},
])
async def test_a_malformed_batch_is_one_422_and_nothing_is_forwarded(api, body) -> None:  # type: ignore[no-untyped-def]
    answer = await api.client.post("/api/sync", json=body, headers=api.headers["admin"])
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM)
    assert api.sent == []


async def test_500_operations_are_one_batch(api) -> None:
    ops = [op(f"k{i}", "ward", "admit") for i in range(500)]
    answer = await api.client.post("/api/sync", json={"operations": ops},
                                   headers=api.headers["admin"])
    assert answer.status_code == 200
    assert len(answer.json()["results"]) == 500


async def test_signed_in_callers_only(api) -> None:
    for path, method in (("/api/sync", "POST"), ("/api/sync/changes", "GET")):
        answer = await api.client.request(method, path, json={"operations": []},
                                          headers=api.headers["anonymous"])
        assert answer.status_code == 401
        assert answer.headers["content-type"].startswith(PROBLEM)


async def test_pull_pages_and_cursors(api, producer) -> None:
    patient = api.ids["patient"]
    await producer.send(auth.UserRegistered(user_id=patient, role="patient", full_name="P"))
    first = await api.client.get("/api/sync/changes", headers=api.headers["patient"])
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["has_more"] is False
    assert body["changes"] == [{"entity": "patient", "id": str(patient), "version": 1,
                                "deleted": False, "fields": {"full_name": "P",
                                                             "active": True}}]
    again = await api.client.get("/api/sync/changes", params={"cursor": body["cursor"]},
                                 headers=api.headers["patient"])
    # Nothing new; the same version may come again (while any transaction that was running
    # during the first pull, anywhere on the server, is still older than its snapshot).
    assert again.status_code == 200 and again.json()["changes"] in ([], body["changes"])
    other = await api.client.get("/api/sync/changes", headers=api.headers["doctor"])
    assert other.json()["changes"] == []


async def test_a_forged_cursor_is_422_and_an_old_one_410(api, clock) -> None:
    forged = await api.client.get("/api/sync/changes", params={"cursor": "x"},
                                  headers=api.headers["patient"])
    assert forged.status_code == 422
    cursor = (await api.client.get("/api/sync/changes",
                                   headers=api.headers["patient"])).json()["cursor"]
    clock.advance(days=8)
    gone = await api.client.get("/api/sync/changes", params={"cursor": cursor},
                                headers=api.headers["patient"])
    assert gone.status_code == 410
    assert gone.headers["content-type"].startswith(PROBLEM)
    assert "without a cursor" in gone.json()["detail"]
