"""Patient B against patient A's appointments and penalties, on every method (OWASP API1):
refused, and nothing of A's in any answer B gets."""

from __future__ import annotations

import uuid

from hms_appointments.service_layer import commands as c


async def test_patient_b_learns_nothing_about_patient_a(api) -> None:
    mine = await api.book("09:00", who="patient")
    missed = await api.book("10:00", who="patient", doctor_id=str(api.ids["other_doctor"]))
    api.clock.set(api.world.at("11:00"))
    await api.app.state.bus.handle(c.MarkNoShows())
    penalty = (await api.call("patient", "GET", "/penalties")).json()["items"][0]
    a_id, secret_ids = str(api.ids["patient"]), {mine["id"], missed["id"], penalty["id"]}

    attempts = {
        "get": await api.call("other_patient", "GET", f"/{mine['id']}"),
        "cancel": await api.call("other_patient", "POST", f"/{mine['id']}/cancel", json={}),
        "reschedule": await api.call("other_patient", "POST", f"/{mine['id']}/reschedule",
                                     json={"start": api.world.at("15:00").isoformat()}),
        "check-in": await api.call("other_patient", "POST", f"/{mine['id']}/check-in"),
        "complete": await api.call("other_patient", "POST", f"/{mine['id']}/complete",
                                   json={"diagnosis": "x", "treatment": "y"}),
        "no-show": await api.call("other_patient", "POST", f"/{mine['id']}/no-show"),
        "list A": await api.call("other_patient", "GET", f"?patient_id={a_id}"),
        "penalties of A": await api.call("other_patient", "GET", f"/penalties?patient_id={a_id}"),
        "waive": await api.call("other_patient", "POST", f"/penalties/{penalty['id']}/waive",
                                json={"reason": "mine now"}),
        "book for A": await api.call("other_patient", "POST", "", json={
            "doctor_id": str(api.ids["doctor"]), "patient_id": a_id,
            "start": api.world.at("16:00").isoformat()}),
    }
    assert {k: r.status_code for k, r in attempts.items()} == {
        "get": 404, "cancel": 404, "reschedule": 404, "check-in": 403, "complete": 403,
        "no-show": 403, "list A": 403, "penalties of A": 403, "waive": 403, "book for A": 403}
    own_lists = [await api.call("other_patient", "GET", ""),
                 await api.call("other_patient", "GET", "/penalties")]
    assert [r.json()["total"] for r in own_lists] == [0, 0]
    for response in [*attempts.values(), *own_lists]:
        assert not secret_ids & set(response.text.split('"')), response.text

    # A's appointment and one that never existed are indistinguishable to B.
    ghost = await api.call("other_patient", "GET", f"/{uuid.uuid4()}")
    assert ghost.status_code == 404
    assert ghost.json()["title"] == attempts["get"].json()["title"]
    # ...and nothing B tried changed A's appointment.
    still = (await api.call("patient", "GET", f"/{mine['id']}")).json()
    assert (still["status"], still["start"]) == ("no_show", mine["start"])


async def test_clinical_notes_are_for_the_patient_and_the_doctor_only(api) -> None:
    appt = await api.book("09:00")
    await api.call("receptionist", "POST", f"/{appt['id']}/check-in")
    done = await api.call("doctor", "POST", f"/{appt['id']}/complete",
                          json={"diagnosis": "malaria", "treatment": "ACT 3 days"})
    assert (done.json()["diagnosis"], done.json()["treatment"]) == ("malaria", "ACT 3 days")
    seen = {who: (await api.call(who, "GET", f"/{appt['id']}")).json()
            for who in ("patient", "doctor", "receptionist", "admin")}
    assert {who: body["diagnosis"] for who, body in seen.items()} == {
        "patient": "malaria", "doctor": "malaria", "receptionist": None, "admin": None}
    [event] = await api.world.events("appointments.appointment_completed.v1")
    assert "malaria" not in str(event) and "ACT" not in str(event)


async def test_a_doctor_reading_a_patients_notes_is_recorded_for_the_audit(api) -> None:
    """Only a read that shows another person's diagnosis or treatment: ids and time, never
    the text. The patient's own reads, and staff (shown no notes), leave nothing."""
    appt = await api.book("09:00")
    notes = {"diagnosis": "malaria", "treatment": "ACT 3 days"}
    await api.call("doctor", "GET", f"/{appt['id']}")  # no notes yet: nothing to record
    await api.call("receptionist", "POST", f"/{appt['id']}/check-in")
    await api.call("doctor", "POST", f"/{appt['id']}/complete", json=notes)
    name = "appointments.clinical_record_read.v1"
    for who in ("patient", "receptionist", "admin"):
        await api.call(who, "GET", f"/{appt['id']}")
        await api.call(who, "GET", "", params={"patient_id": str(api.ids["patient"])})
    assert await api.world.events(name) == []
    assert (await api.call("doctor", "GET", f"/{appt['id']}")).json()["diagnosis"] == "malaria"
    listed = await api.call("doctor", "GET", "", params={"status": "completed"})
    assert [a["diagnosis"] for a in listed.json()["items"]] == ["malaria"]
    reads = await api.world.events(name)
    assert [(e["appointment_id"], e["patient_id"], e["reader_id"]) for e in reads] == [
        (appt["id"], str(api.ids["patient"]), str(api.ids["doctor"]))] * 2
    assert all(set(e) == {"appointment_id", "patient_id", "reader_id", "read_at"}
               for e in reads)
    assert "malaria" not in str(reads) and "ACT" not in str(reads)
