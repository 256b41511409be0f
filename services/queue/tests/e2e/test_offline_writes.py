"""Offline writes over HTTP on the real database (docs/api.md, Offline writes): client-chosen
ticket ids, last-write-wins per field with ``client_updated_at`` (applied / superseded in
``HMS-Write-Outcome``), illegal moves rejected whatever the times, and auth's patient voucher."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from httpx import ASGITransport, AsyncClient

from hms_contracts.auth import UserRegistered
from hms_contracts.envelope import Envelope
from hms_queue.entrypoints.api.app import create_app

OUTCOME = "HMS-Write-Outcome"


def _at(api, minutes: float = 0, days: float = 0) -> str:
    return (api.clock.now() + timedelta(minutes=minutes, days=days)).isoformat()


async def test_a_ticket_takes_the_clients_id_and_a_taken_id_is_409(api) -> None:
    chosen = uuid.uuid4()
    body = {"id": str(chosen), "patient_id": str(api.ids["patient"]),
            "doctor_id": str(api.ids["doctor"])}
    made = await api.call("receptionist", "POST", "/tickets", json=body)
    assert made.status_code == 201, made.text
    assert made.json()["id"] == str(chosen)
    again = await api.call("receptionist", "POST", "/tickets",
                           json={**body, "patient_id": str(api.ids["other_patient"])})
    assert again.status_code == 409, again.text
    assert again.headers["content-type"].startswith("application/problem+json")


async def test_an_older_offline_urgency_is_superseded_with_the_current_value(api) -> None:
    ticket = await api.ticket()
    # 10:02 online, then a change made offline at 10:01 arrives
    online = await api.call("receptionist", "PATCH", f"/tickets/{ticket}", json={"urgency": 2})
    assert online.status_code == 200 and OUTCOME not in online.headers
    late = await api.call("receptionist", "PATCH", f"/tickets/{ticket}",
                          json={"urgency": 4, "client_updated_at": _at(api, minutes=-1)})
    assert late.status_code == 200, late.text
    assert late.headers[OUTCOME] == "superseded"
    assert late.json()["urgency"] == 2 and late.json()["id"] == str(ticket)
    api.clock.advance(seconds=60)
    newer = await api.call("admin", "PATCH", f"/tickets/{ticket}",
                           json={"urgency": 5, "client_updated_at": _at(api, minutes=-0.5)})
    assert newer.headers[OUTCOME] == "applied" and newer.json()["urgency"] == 5


async def test_a_ticket_served_online_then_missed_offline_is_rejected(api) -> None:
    ticket = await api.ticket("called")
    served = await api.call("doctor", "POST", f"/tickets/{ticket}/serve")
    assert served.status_code == 200, served.text
    for minutes in (-5, 5):  # whether the offline clock was behind or ahead
        missed = await api.call("receptionist", "POST", f"/tickets/{ticket}/no-show",
                                json={"client_updated_at": _at(api, minutes=minutes)})
        assert missed.status_code == 409, missed.text
        assert missed.json()["current_status"] == "served"
    got = await api.call("receptionist", "GET", f"/tickets/{ticket}")
    assert got.json()["status"] == "served"


async def test_status_moves_say_their_outcome_and_too_old_is_refused(api) -> None:
    ticket = await api.ticket("called")
    old = await api.call("receptionist", "POST", f"/tickets/{ticket}/no-show",
                         json={"client_updated_at": _at(api, days=-8)})
    assert old.status_code == 422 and "older than 7 days" in old.json()["detail"]
    # the doctor's call (online, now) is later than this offline miss: superseded
    lost = await api.call("receptionist", "POST", f"/tickets/{ticket}/no-show",
                          json={"client_updated_at": _at(api, minutes=-1)})
    assert lost.status_code == 200 and lost.headers[OUTCOME] == "superseded"
    assert lost.json()["status"] == "called"
    api.clock.advance(seconds=30)
    served = await api.call("doctor", "POST", f"/tickets/{ticket}/serve",
                            json={"client_updated_at": _at(api, days=1)})  # future: now
    assert served.headers[OUTCOME] == "applied" and served.json()["status"] == "served"
    other = await api.ticket(patient="other_patient")
    left = await api.call("other_patient", "DELETE", f"/tickets/{other}",
                          params={"client_updated_at": _at(api)})
    assert left.status_code == 200 and left.headers[OUTCOME] == "applied"
    assert left.json()["status"] == "cancelled"


async def test_a_vouched_patient_gets_a_ticket_before_auths_event(api) -> None:
    newcomer = uuid.uuid4()  # registered at the desk; auth's event has not come yet
    body = {"patient_id": str(newcomer), "doctor_id": str(api.ids["doctor"])}
    assert (await api.call("receptionist", "POST", "/tickets", json=body)).status_code == 404

    def voucher(sub: uuid.UUID, typ: str = "hms-patient+jwt") -> str:
        return api.tokens.issue(sub, "patient", typ=typ,
                                extra_claims={"full_name": "Wanjiru Kamau"})

    for bad in (voucher(uuid.uuid4()), voucher(newcomer, typ="at+jwt"), "not.a.voucher"):
        refused = await api.call("receptionist", "POST", "/tickets",
                                 json={**body, "patient_voucher": bad})
        assert refused.status_code == 422, refused.text
    made = await api.call("receptionist", "POST", "/tickets",
                          json={**body, "patient_voucher": voucher(newcomer)})
    assert made.status_code == 201, made.text
    line = await api.call("receptionist", "GET", f"/doctors/{api.ids['doctor']}")
    assert [w["patient_name"] for w in line.json()["waiting"]] == ["Wanjiru Kamau"]
    # auth's event arrives later: the same person, nothing breaks
    await api.world.consumer(Envelope.of(UserRegistered(
        user_id=newcomer, role="patient", full_name="Wanjiru Kamau", phone_number="+254700000001")))
    mine = await api.call("receptionist", "GET", f"/tickets/{made.json()['id']}")
    assert mine.status_code == 200


async def test_without_a_voucher_the_ticket_waits_for_auths_event(api, settings, db,
                                                                  verifier, clock) -> None:
    app = create_app(settings.model_copy(update={"patient_wait_seconds": 10}), engine=db,
                     token_verifier=verifier, clock=clock)
    newcomer = uuid.uuid4()

    async def event_later() -> None:
        await asyncio.sleep(0.3)
        await api.world.consumer(Envelope.of(UserRegistered(
            user_id=newcomer, role="patient", full_name="Otieno", phone_number="+254700000002")))

    async with AsyncClient(transport=ASGITransport(app), base_url="http://queue") as client:
        later = asyncio.create_task(event_later())
        made = await client.post("/api/queue/tickets", headers=api.headers["receptionist"],
                                 json={"patient_id": str(newcomer),
                                       "doctor_id": str(api.ids["doctor"])})
        await later
    assert made.status_code == 201, made.text
