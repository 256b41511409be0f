"""The reported SMS flood over HTTP: one patient booking and cancelling in a loop (30 cycles
queued 120 messages to one number). Now the loop stops after three of the patient's own
cancellations in 24 hours, with a 429 problem saying when they may try again; parallel
requests cannot slip past it; reception can still book and cancel for them."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any

import httpx

TUESDAY = date(2026, 3, 3)


async def test_a_book_and_cancel_loop_stops_at_three_cancellations_a_day(api) -> None:
    doctor = str(api.ids["doctor"])

    async def book(who: str = "patient", **body: Any) -> httpx.Response:
        return await api.call(who, "POST", "", json={
            "doctor_id": doctor, "start": api.world.at("10:00", TUESDAY).isoformat(), **body})

    held = await api.call("patient", "POST", "", json={
        "doctor_id": str(api.ids["other_doctor"]),
        "start": api.world.at("09:00", TUESDAY).isoformat()})
    assert held.status_code == 201, held.text
    statuses = []
    for _ in range(30):  # the attack: book, cancel, again
        booked = await book()
        statuses.append(booked.status_code)
        if booked.status_code != 201:
            continue
        cancelled = await api.call("patient", "POST", f"/{booked.json()['id']}/cancel")
        statuses.append(cancelled.status_code)
    assert statuses == [201, 200] * 3 + [429] * 27
    events = [await api.world.events(f"appointments.appointment_{name}.v1")
              for name in ("booked", "cancelled")]
    assert (len(events[0]), len(events[1])) == (4, 3)  # the held one, and three cycles

    refused = await book()
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["title"] == "Too many cancellations today"
    assert problem["type"] == "https://hms.example/problems/too-many-cancellations"
    assert (problem["cancellations"], problem["limit"], problem["window_hours"]) == (3, 3, 24)
    assert "again from 2026-03-03 08:00 clinic time" in problem["detail"]
    retry_at = datetime.fromisoformat(problem["retry_at"])
    assert retry_at == api.clock.now() + timedelta(hours=24)
    assert int(refused.headers["retry-after"]) == problem["retry_after"] == 24 * 3600
    # Nor may the patient cancel what they still hold...
    kept = await api.call("patient", "POST", f"/{held.json()['id']}/cancel")
    assert kept.status_code == 429 and kept.json()["title"] == "Too many cancellations today"
    # ...while reception can still book and cancel for them.
    desk = await book("receptionist", patient_id=str(api.ids["patient"]))
    assert desk.status_code == 201, desk.text
    assert (await api.call("receptionist", "POST", f"/{desk.json()['id']}/cancel")
            ).status_code == 200
    # A day later the patient may act again.
    api.clock.set(retry_at)
    assert (await api.call("patient", "POST", f"/{held.json()['id']}/cancel")).status_code == 200


async def test_parallel_cancellation_requests_cannot_pass_the_cap(api) -> None:
    doctors = [str(api.ids["doctor"]), str(api.ids["other_doctor"]),
               str(await api.world.doctor()), str(await api.world.doctor())]
    held = []
    for day, doctor in enumerate(doctors[:3]):  # three, the most a patient may hold
        response = await api.call("patient", "POST", "", json={
            "doctor_id": doctor, "start": api.world.at("10:00", TUESDAY + timedelta(days=day))
            .isoformat()})
        assert response.status_code == 201, response.text
        held.append(response.json()["id"])
    cycle = await api.call("patient", "POST", "", json={
        "doctor_id": doctors[3], "start": api.world.at("11:00", TUESDAY).isoformat()})
    assert cycle.status_code == 409  # the active cap: cancel one first
    first = await api.call("patient", "POST", f"/{held[0]}/cancel")
    second_booking = await api.call("patient", "POST", "", json={
        "doctor_id": doctors[3], "start": api.world.at("11:00", TUESDAY).isoformat()})
    assert (first.status_code, second_booking.status_code) == (200, 201)
    held = [*held[1:], second_booking.json()["id"]]
    # Two cancellations left under the cap, three appointments held: all at once.
    answers = await asyncio.gather(*(api.call("patient", "POST", f"/{appt}/cancel")
                                     for appt in held))
    assert sorted(a.status_code for a in answers) == [200, 200, 429]
    assert await api.world.scalar(
        "SELECT count(*) FROM appointments.appointments WHERE patient_id = :p "
        "AND cancelled_by = :p", p=api.ids["patient"]) == 3
