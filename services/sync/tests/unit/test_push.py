"""Push over a fake owner: each answer becomes its outcome, one operation's failure never
stops the others, and a walk-in registered in the batch gets its ticket at once."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from hms_sync.domain.operations import Caller, Operation, OwnerRequest
from hms_sync.domain.outcomes import OwnerAnswer
from hms_sync.service_layer.push import push

DESK = Caller(uuid.uuid4(), "receptionist")
Answer = Callable[[OwnerRequest], OwnerAnswer]


class FakeOwners:
    """Answers each request with ``answer(request)``; keeps what it was sent."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.sent: list[tuple[OwnerRequest, str, str | None]] = []

    async def send(self, request: OwnerRequest, *, authorization: str,
                   idempotency_key: str | None) -> OwnerAnswer:
        self.sent.append((request, authorization, idempotency_key))
        return self.answer(request)


def ok(request: OwnerRequest) -> OwnerAnswer:
    return OwnerAnswer(201 if request.method == "POST" else 200, {"id": "x"})


def ticket(action: str, op_id: str, **fields: object) -> Operation:
    return Operation(op_id, "ticket", action, uuid.uuid4(), fields)


async def test_each_answer_becomes_its_outcome_in_order() -> None:
    problem = {"type": "about:blank", "title": "Conflict", "status": 409,
               "detail": "The ticket was served already."}
    answers = iter([
        OwnerAnswer(200, {"urgency": 2}),
        OwnerAnswer(200, {"id": "t", "urgency": 1}, replayed=True),
        OwnerAnswer(200, {"id": "t", "urgency": 5}, superseded=True),
        OwnerAnswer(409, problem),
        OwnerAnswer(503, {"title": "Service Unavailable"}),
        OwnerAnswer(409, problem, replayed=True),
    ])
    owners = FakeOwners(lambda _: next(answers))
    ops = [ticket("update", f"op-{i}", urgency=2) for i in range(6)]
    results = await push(ops, DESK, "Bearer t", owners)
    assert [r.outcome for r in results] == [
        "applied", "duplicate", "superseded", "rejected", "rejected", "rejected"]
    assert [r.op_id for r in results] == [o.op_id for o in ops]
    assert results[2].current == {"id": "t", "urgency": 5}
    assert results[3].problem == problem
    assert results[4].problem["status"] == 503  # type: ignore[index]
    assert [(key, auth) for _, auth, key in owners.sent] == [
        (o.op_id, "Bearer t") for o in ops]


async def test_one_illegal_operation_never_stops_the_others() -> None:
    owners = FakeOwners(ok)
    ops = [ticket("update", "a", urgency=1), ticket("update", "b", status="served"),
           Operation("c", "ward", "admit"), ticket("serve", "d")]
    results = await push(ops, DESK, "Bearer t", owners)
    assert [r.outcome for r in results] == ["applied", "rejected", "rejected", "applied"]
    assert results[1].problem["status"] == 422  # type: ignore[index]
    assert [key for _, _, key in owners.sent] == ["a", "d"]  # the refused ones never sent


async def test_an_op_id_used_twice_in_a_batch_for_different_operations() -> None:
    owners = FakeOwners(ok)
    first = ticket("update", "same", urgency=1)
    results = await push([first, ticket("update", "same", urgency=4), first], DESK, "B", owners)
    assert [r.outcome for r in results] == ["applied", "rejected", "applied"]
    assert "op_id" in results[1].problem["detail"]  # type: ignore[index]


async def test_a_walk_in_registered_in_the_batch_is_given_a_ticket_with_auths_voucher() -> None:
    patient = uuid.uuid4()

    def answer(request: OwnerRequest) -> OwnerAnswer:
        if request.path == "/api/auth/patients":
            return OwnerAnswer(201, {"id": str(patient), "voucher": "signed"})
        return OwnerAnswer(201, request.body)

    owners = FakeOwners(answer)
    ops = [Operation("r", "patient", "register", patient,
                     {"phone_number": "+254700000001", "full_name": "Wanjiru"}),
           Operation("t", "ticket", "issue", uuid.uuid4(),
                     {"patient_id": str(patient), "doctor_id": str(uuid.uuid4())})]
    results = await push(ops, DESK, "B", owners)
    assert [r.outcome for r in results] == ["applied", "applied"]
    assert owners.sent[1][0].body["patient_voucher"] == "signed"  # type: ignore[index]


async def test_preferences_are_read_then_written_whole_under_the_op_id() -> None:
    def answer(request: OwnerRequest) -> OwnerAnswer:
        if request.method == "GET":
            return OwnerAnswer(200, {"user_id": "u", "channels": ["sms"], "quiet_hours": None,
                                     "devices": ["d1"]})
        return OwnerAnswer(200, request.body)

    owners = FakeOwners(answer)
    me = Caller(uuid.uuid4(), "patient")
    results = await push([Operation("p", "preferences", "update", None,
                                    {"channels": ["email"]})], me, "B", owners)
    assert results[0].outcome == "applied"
    (get, _, no_key), (put, _, key) = owners.sent
    assert (get.method, no_key, put.method, key) == ("GET", None, "PUT", "p")
    assert put.body == {"channels": ["email"], "quiet_hours": None, "devices": ["d1"]}


async def test_preferences_the_owner_cannot_read_are_rejected_unwritten() -> None:
    owners = FakeOwners(lambda _: OwnerAnswer(503, None))
    results = await push([Operation("p", "preferences", "update", None, {"channels": []})],
                         DESK, "B", owners)
    assert results[0].outcome == "rejected" and len(owners.sent) == 1


async def test_a_token_that_expires_mid_batch_rejects_the_rest_with_the_owners_401() -> None:
    expired = {"type": "about:blank", "title": "Unauthorized", "status": 401,
               "detail": "The access token has expired."}
    answers = iter([OwnerAnswer(200, {}), OwnerAnswer(401, expired), OwnerAnswer(401, expired)])
    results = await push([ticket("serve", f"k{i}") for i in range(3)], DESK, "B",
                         FakeOwners(lambda _: next(answers)))
    assert [r.outcome for r in results] == ["applied", "rejected", "rejected"]
    assert results[2].problem == expired


async def test_operations_not_sent_in_the_batchs_time_are_rejected_unsent() -> None:
    now = [0.0]

    def slow(request: OwnerRequest) -> OwnerAnswer:
        now[0] += 8  # each owner takes 8 s
        return OwnerAnswer(200, {})

    owners = FakeOwners(slow)
    results = await push([ticket("serve", f"k{i}") for i in range(5)], DESK, "B", owners,
                         seconds=20, monotonic=lambda: now[0])
    assert [r.outcome for r in results] == ["applied"] * 3 + ["rejected"] * 2
    assert results[4].problem["status"] == 503  # type: ignore[index]
    assert "send it again" in results[4].problem["detail"]  # type: ignore[index]
    assert len(owners.sent) == 3
