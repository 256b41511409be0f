"""Offline writes over HTTP on the real database (docs/api.md, Offline writes): a booking
takes the client's id, reschedules are last-write-wins on the start with staff over patients
(``HMS-Write-Outcome``), a move no longer legal is rejected, and a client time too old is
refused."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

OUTCOME = "HMS-Write-Outcome"


def _at(api, minutes: float = 0, days: float = 0) -> str:
    return (api.clock.now() + timedelta(minutes=minutes, days=days)).isoformat()


async def test_a_booking_takes_the_clients_id_and_a_taken_id_is_409(api) -> None:
    chosen = str(uuid.uuid4())
    made = await api.book("10:00", id=chosen)
    assert made["id"] == chosen
    again = await api.call("admin", "POST", "", json={
        "id": chosen, "doctor_id": str(api.ids["other_doctor"]),
        "patient_id": str(api.ids["other_patient"]), "start": api.world.at("11:00").isoformat()})
    assert again.status_code == 409, again.text
    got = await api.call("admin", "GET", f"/{chosen}")
    assert got.json()["patient_id"] == str(api.ids["patient"])


@pytest.mark.parametrize("staff_first", [True, False])
@pytest.mark.parametrize("staff_clock_ahead", [True, False])
async def test_a_staff_reschedule_wins_over_the_patients_in_any_order(
        api, staff_first: bool, staff_clock_ahead: bool) -> None:
    appt = (await api.book("10:00"))["id"]
    staff_at, patient_at = (-1, -3) if staff_clock_ahead else (-3, -1)
    writes = {
        "receptionist": {"start": api.world.at("13:00").isoformat(),
                         "client_updated_at": _at(api, minutes=staff_at)},
        "patient": {"start": api.world.at("14:00").isoformat(),
                    "client_updated_at": _at(api, minutes=patient_at)},
    }
    order = ["receptionist", "patient"] if staff_first else ["patient", "receptionist"]
    answers = {}
    for who in order:
        answers[who] = await api.call(who, "POST", f"/{appt}/reschedule", json=writes[who])
        assert answers[who].status_code == 200, answers[who].text
    assert answers["receptionist"].headers[OUTCOME] == "applied"
    assert answers["patient"].headers[OUTCOME] == ("superseded" if staff_first else "applied")
    if staff_first:  # the superseded answer carries the appointment as it is
        assert answers["patient"].json()["start"] == api.world.at("13:00").isoformat().replace(
            "+00:00", "Z")
    got = await api.call("patient", "GET", f"/{appt}")
    assert got.json()["start"].startswith(api.world.at("13:00").strftime("%Y-%m-%dT%H:%M"))


async def test_an_older_offline_reschedule_is_superseded_and_an_online_one_applies(api) -> None:
    appt = (await api.book("10:00"))["id"]
    online = await api.call("patient", "POST", f"/{appt}/reschedule",
                            json={"start": api.world.at("11:00").isoformat()})
    assert online.status_code == 200 and OUTCOME not in online.headers
    late = await api.call("patient", "POST", f"/{appt}/reschedule", json={
        "start": api.world.at("12:00").isoformat(), "client_updated_at": _at(api, minutes=-2)})
    assert late.status_code == 200 and late.headers[OUTCOME] == "superseded"
    assert late.json()["start"].startswith(api.world.at("11:00").strftime("%Y-%m-%dT%H:%M"))


async def test_a_cancel_after_an_online_check_in_is_rejected_and_too_old_is_refused(api) -> None:
    appt = (await api.book("09:00"))["id"]
    old = await api.call("patient", "POST", f"/{appt}/cancel",
                         json={"client_updated_at": _at(api, days=-8)})
    assert old.status_code == 422 and "older than 7 days" in old.json()["detail"]
    checked = await api.call("receptionist", "POST", f"/{appt}/check-in",
                             json={"client_updated_at": _at(api, minutes=-1)})
    assert checked.status_code == 200 and checked.headers[OUTCOME] == "applied"
    for minutes in (-5, 5):
        cancel = await api.call("patient", "POST", f"/{appt}/cancel",
                                json={"client_updated_at": _at(api, minutes=minutes)})
        assert cancel.status_code == 409, cancel.text
        assert cancel.json()["current_status"] == "checked_in"
