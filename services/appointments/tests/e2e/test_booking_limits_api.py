"""The reported abuse over HTTP: one patient booking a doctor's whole day and a slot years
ahead. Now: one appointment per doctor a day, a 90-day horizon, at most 3 active upcoming
appointments, and staff may go past that cap only with a reason, which the event records."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx

TUESDAY = date(2026, 3, 3)  # "tomorrow": the clock stands at Monday 08:00 in the clinic


async def test_a_patient_cannot_book_a_doctors_whole_day_or_the_far_future(api) -> None:
    doctor, other = str(api.ids["doctor"]), str(api.ids["other_doctor"])

    async def book(who: str, doctor_id: str, start: str, **body: Any) -> httpx.Response:
        return await api.call(who, "POST", "", json={"doctor_id": doctor_id, "start": start,
                                                     **body})

    slots = (await api.call("patient", "GET", f"/doctors/{doctor}/slots",
                            params={"date": TUESDAY.isoformat()})).json()["slots"]
    assert len(slots) == 16 and all(s["available"] for s in slots)
    attempts = [await book("patient", doctor, s["start"]) for s in slots]
    assert [r.status_code for r in attempts] == [201] + [409] * 15
    second = attempts[1]
    assert second.headers["content-type"] == "application/problem+json"
    assert "already has an appointment with this doctor on that day" in second.json()["detail"]
    after = (await api.call("other_patient", "GET", f"/doctors/{doctor}/slots",
                            params={"date": TUESDAY.isoformat()})).json()["slots"]
    assert [s["available"] for s in after] == [False] + [True] * 15  # the rest stay free

    far = await book("patient", other, api.world.at("10:00", TUESDAY + timedelta(days=199))
                     .isoformat())
    assert far.status_code == 422, far.text
    assert far.headers["content-type"] == "application/problem+json"
    assert far.json()["horizon_days"] == 90 and "90 days ahead" in far.json()["detail"]

    # Up to the cap with other doctors and days, then no more: 3 active upcoming appointments.
    for doctor_id, day in ((other, TUESDAY), (doctor, TUESDAY + timedelta(days=1))):
        response = await book("patient", doctor_id, api.world.at("11:00", day).isoformat())
        assert response.status_code == 201, response.text
    thursday = api.world.at("11:00", TUESDAY + timedelta(days=2)).isoformat()
    capped = await book("patient", other, thursday)
    assert capped.status_code == 409 and capped.json()["active_bookings"] == 3
    assert capped.json()["limit"] == 3 and "3 active upcoming" in capped.json()["detail"]
    asking = await book("patient", other, thursday, override_reason="I really need it")
    assert asking.status_code == 403 and "Only staff" in asking.json()["detail"]

    a = str(api.ids["patient"])
    desk_plain = await book("receptionist", other, thursday, patient_id=a)
    assert desk_plain.status_code == 409 and desk_plain.json()["active_bookings"] == 3
    blank = await book("receptionist", other, thursday, patient_id=a, override_reason="  ")
    assert blank.status_code == 422
    desk = await book("receptionist", other, thursday, patient_id=a,
                      override_reason="oncology follow-up series")
    assert desk.status_code == 201, desk.text
    events = await api.world.events("appointments.appointment_booked.v1")
    assert [e["override_reason"] for e in events] == [None, None, None,
                                                      "oncology follow-up series"]
    assert events[-1]["appointment_id"] == desk.json()["id"]
    mine = (await api.call("patient", "GET", "", params={"status": "booked"})).json()
    assert mine["total"] == 4


async def test_reschedule_keeps_the_day_rule_and_the_horizon(api) -> None:
    monday = await api.book("09:00")
    tuesday = await api.book("09:00", start=api.world.at("09:00", TUESDAY).isoformat())
    into_monday = await api.call("patient", "POST", f"/{tuesday['id']}/reschedule",
                                 json={"start": api.world.at("15:00").isoformat()})
    assert into_monday.status_code == 409, into_monday.text
    too_far = await api.call("patient", "POST", f"/{monday['id']}/reschedule", json={
        "start": api.world.at("09:00", TUESDAY + timedelta(days=120)).isoformat()})
    assert too_far.status_code == 422 and too_far.json()["horizon_days"] == 90
    for appt in (monday, tuesday):
        kept = (await api.call("patient", "GET", f"/{appt['id']}")).json()
        assert (kept["start"], kept["status"]) == (appt["start"], "booked")
