"""Schedules, slots, booking and the lifecycle through HTTP, with the errors callers meet."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from hms_appointments.service_layer import commands as c
from hms_contracts.auth import UserDeactivated
from hms_contracts.envelope import Envelope

HOURS = {"slot_minutes": 30, "weekly": [{"weekday": 0, "start": "09:00", "end": "12:00"}],
         "time_off": [{"start": "2026-03-02T10:00:00+03:00", "end": "2026-03-02T10:30:00+03:00"}]}


async def test_schedule_slots_book_reschedule_cancel(api) -> None:
    doctor = api.ids["doctor"]
    put = await api.call("doctor", "PUT", f"/doctors/{doctor}/schedule", json=HOURS)
    assert put.status_code == 200, put.text
    assert put.json()["timezone"] == "Africa/Nairobi" and put.json()["weekly"] == HOURS["weekly"]
    doctors = (await api.call("patient", "GET", "/doctors")).json()
    assert {(d["full_name"], d["department"], d["room"]) for d in doctors["items"]} == {
        ("Dr Daudi", "General", "1"), ("Dr Esther", "General", "1")}

    booked = await api.call("patient", "POST", "", json={
        "doctor_id": str(doctor), "start": "2026-03-02T09:30:00+03:00",
        "reason": "follow-up"})
    assert booked.status_code == 201, booked.text
    appt = booked.json()
    assert (appt["status"], appt["start"], appt["end"], appt["urgency"], appt["reason"]) == (
        "booked", "2026-03-02T06:30:00Z", "2026-03-02T07:00:00Z", 3, "follow-up")

    slots = (await api.call("other_patient", "GET", f"/doctors/{doctor}/slots",
                            params={"date": "2026-03-02"})).json()
    assert [(s["start"], s["available"]) for s in slots["slots"]] == [
        ("2026-03-02T06:00:00Z", True), ("2026-03-02T06:30:00Z", False),  # taken
        ("2026-03-02T07:00:00Z", False),  # time off
        ("2026-03-02T07:30:00Z", True), ("2026-03-02T08:00:00Z", True),
        ("2026-03-02T08:30:00Z", True)]

    moved = await api.call("patient", "POST", f"/{appt['id']}/reschedule",
                           json={"start": "2026-03-02T08:00:00Z"})
    assert (moved.status_code, moved.json()["id"], moved.json()["start"]) == (
        200, appt["id"], "2026-03-02T08:00:00Z")
    cancelled = await api.call("patient", "POST", f"/{appt['id']}/cancel",
                               json={"reason": "feeling better"})
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["late_cancel"] is True
    again = await api.call("patient", "POST", f"/{appt['id']}/cancel")
    assert again.status_code == 409 and again.json()["current_status"] == "cancelled"
    counts = {n: len(await api.world.events(f"appointments.{n}.v1")) for n in (
        "schedule_changed", "appointment_booked", "appointment_rescheduled",
        "appointment_cancelled")}
    assert counts == {"schedule_changed": 3, "appointment_booked": 1,  # 2 from the fixture
                      "appointment_rescheduled": 1, "appointment_cancelled": 1}


async def test_check_in_then_complete_and_illegal_moves_say_the_status(api) -> None:
    appt = await api.book("09:00")
    checked = await api.call("receptionist", "POST", f"/{appt['id']}/check-in")
    assert checked.json()["status"] == "checked_in"
    [event] = await api.world.events("appointments.patient_checked_in.v1")
    assert event["urgency"] == 3 and event["arrived_at"].startswith("2026-03-02T05:00:00")
    for path in ("cancel", "no-show", "check-in"):
        response = await api.call("admin", "POST", f"/{appt['id']}/{path}")
        assert response.status_code == 409, path
        assert response.json()["current_status"] == "checked_in"
    done = await api.call("doctor", "POST", f"/{appt['id']}/complete",
                          json={"diagnosis": "ok", "treatment": "none"})
    assert done.json()["status"] == "completed"


async def test_booking_refusals(api) -> None:
    at, ids = api.world.at, api.ids

    async def book(who: str, hhmm: str, **body: object) -> httpx.Response:
        payload = {"doctor_id": str(ids["doctor"]), "start": at(hhmm).isoformat(), **body}
        return await api.call(who, "POST", "", json=payload)

    await api.book("09:00")
    cases = {
        "taken": await book("receptionist", "09:00", patient_id=str(ids["other_patient"])),
        "off boundary": await book("patient", "09:10"),
        "outside hours": await book("patient", "18:00"),
        "unknown patient": await book("admin", "10:00", patient_id=str(uuid.uuid4())),
        "staff without patient": await book("admin", "10:00"),
        "unknown doctor": await book("patient", "10:00", doctor_id=str(uuid.uuid4())),
        "doctor as doctor": await book("patient", "10:00", doctor_id=str(ids["patient"])),
    }
    api.clock.set(at("10:01"))
    cases["past"] = await book("patient", "10:00")
    assert {k: r.status_code for k, r in cases.items()} == {
        "taken": 409, "off boundary": 422, "outside hours": 422, "unknown patient": 404,
        "staff without patient": 422, "unknown doctor": 404, "doctor as doctor": 404,
        "past": 422}
    assert "slot boundary" in cases["off boundary"].json()["detail"]
    assert all(r.headers["content-type"] == "application/problem+json" for r in cases.values())


async def test_a_deactivated_doctor_takes_no_new_bookings(api) -> None:
    kept = await api.book("09:00")
    await api.world.consumer(Envelope.of(UserDeactivated(user_id=api.ids["doctor"])))
    refused = await api.call("patient", "POST", "", json={
        "doctor_id": str(api.ids["doctor"]), "start": api.world.at("10:00").isoformat()})
    assert refused.status_code == 409 and "no longer active" in refused.json()["detail"]
    slots = (await api.call("patient", "GET", f"/doctors/{api.ids['doctor']}/slots",
                            params={"date": "2026-03-02"})).json()["slots"]
    assert slots and not any(s["available"] for s in slots)
    assert (await api.call("patient", "GET", f"/{kept['id']}")).json()["status"] == "booked"


async def test_three_no_shows_stop_self_booking_until_one_is_waived(api) -> None:
    third_doctor = await api.world.doctor()  # one visit per doctor a day: three doctors
    for hhmm, doctor in (("09:00", api.ids["doctor"]), ("09:30", api.ids["other_doctor"]),
                         ("10:00", third_doctor)):
        await api.book(hhmm, doctor_id=str(doctor))
    api.clock.set(api.world.at("11:00"))
    assert await api.app.state.bus.handle(c.MarkNoShows()) == 3
    penalties = (await api.call("patient", "GET", "/penalties")).json()
    assert penalties["total"] == 3 and all(p["active"] for p in penalties["items"])

    refused = await api.call("patient", "POST", "", json={
        "doctor_id": str(api.ids["doctor"]), "start": api.world.at("12:00").isoformat()})
    assert refused.status_code == 403
    assert refused.json()["active_penalties"] == 3 and "3 active" in refused.json()["detail"]
    assert (await api.book("12:00", who="receptionist"))["status"] == "booked"

    first = penalties["items"][0]["id"]
    waived = await api.call("admin", "POST", f"/penalties/{first}/waive",
                            json={"reason": "flooded road"})
    assert waived.status_code == 200 and waived.json()["active"] is False
    twice = await api.call("admin", "POST", f"/penalties/{first}/waive", json={"reason": "x"})
    assert twice.status_code == 409
    assert (await api.book("13:00", who="patient",  # D has A at 12:00 already
                           doctor_id=str(api.ids["other_doctor"])))["status"] == "booked"


async def test_fifty_concurrent_http_bookings_of_one_slot(api) -> None:
    patients = [uuid.uuid4() for _ in range(50)]
    start = api.world.at("11:00").isoformat()

    async def book(patient: uuid.UUID) -> int:
        token = api.tokens.issue(patient, role="patient")
        response = await api.client.post(
            "/api/appointments", json={"doctor_id": str(api.ids["doctor"]), "start": start},
            headers={"Authorization": f"Bearer {token}"})
        return response.status_code

    statuses = await asyncio.gather(*(book(p) for p in patients))
    assert sorted(statuses) == [201] + [409] * 49
    assert await api.world.scalar("SELECT count(*) FROM appointments.appointments") == 1
