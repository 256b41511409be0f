"""What a person reads: the audit trail names the people beside their ids (and follows a name
change), and the reports' durations and rates are rounded to one decimal, without float noise,
in JSON and in CSV alike."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import timedelta

from hms_contracts import appointments as a
from hms_contracts import auth
from hms_contracts import queue as q

NOISE = re.compile(r"\d\.\d{4,}")  # e.g. 70.30000000000001 or 33.333333333333336


async def get(api, path: str) -> tuple[dict, list[dict[str, str]]]:
    admin = api.headers["admin"]
    body = (await api.client.get(path, headers=admin)).json()
    answer = await api.client.get(f"{path}&format=csv", headers=admin)
    assert not NOISE.search(answer.text), answer.text
    return body, list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))


async def test_durations_in_minutes_and_rates_in_percent_one_decimal(api, producer,
                                                                   clock) -> None:
    doctor, patients = uuid.uuid4(), [uuid.uuid4() for _ in range(3)]
    now = clock.now()
    # waits of 4000 s and 4436 s: mean and median 4218 s = 70.3 min; p90 4392.4 s = 73.2 min.
    # services of 300 s and 601 s: p90 is 570.9000000000001 s in floating point = 9.5 min.
    for patient, waited, served in ((patients[0], 4000, 300), (patients[1], 4436, 601)):
        ticket = {"ticket_id": uuid.uuid4(), "patient_id": patient, "doctor_id": doctor}
        await producer.send(q.TicketIssued(**ticket, number=1, urgency=3, source="walk_in",
                                           position=1, eta_minutes=5), at=now)
        await producer.send(q.PatientServed(**ticket, waited_seconds=waited,
                                            service_seconds=served), at=now)
    # one no-show of three appointments due: 33.3 %
    for i, patient in enumerate(patients):
        appt = {"appointment_id": uuid.uuid4(), "patient_id": patient, "doctor_id": doctor}
        start = now + timedelta(minutes=30 * i)
        await producer.send(a.AppointmentBooked(**appt, start=start, end=start + timedelta(
            minutes=30), urgency=3, booked_by=patient), at=now)
        await producer.send(a.AppointmentNoShow(**appt, start=start, marked_by="scheduler")
                            if i == 0 else a.AppointmentCompleted(**appt, completed_at=start),
                            at=start)
    period = f"from={now.date()}&to={now.date()}"

    body, table = await get(api, f"/api/reports/queue?{period}")
    (row,), (cells,) = body["rows"], table
    minutes = {k: v for k, v in row.items() if "minutes" in k}
    assert minutes == {"wait_minutes_mean": 70.3, "wait_minutes_p50": 70.3,
                       "wait_minutes_p90": 73.2, "service_minutes_mean": 7.5,
                       "service_minutes_p50": 7.5, "service_minutes_p90": 9.5}
    assert {k: cells[k] for k in minutes} == {k: str(v) for k, v in minutes.items()}

    body, table = await get(api, f"/api/reports/no-shows?group_by=doctor&{period}")
    assert (body["rows"][0]["no_shows"], body["rows"][0]["due"]) == (1, 3)
    assert body["rows"][0]["rate_percent"] == 33.3 and table[0]["rate_percent"] == "33.3"


async def test_the_audit_trail_names_actor_and_subject_and_follows_a_change(
        api, producer, clock) -> None:
    admin, desk, patient, stranger = (uuid.uuid4() for _ in range(4))
    now = clock.now()
    await producer.send(auth.UserRegistered(user_id=admin, role="admin", full_name="Ada Admin"),
                        at=now - timedelta(minutes=9))
    await producer.send(auth.UserRegistered(user_id=desk, role="receptionist",
                                            full_name="Desmond Desk"),
                        at=now - timedelta(minutes=8))
    await producer.send(auth.UserRegistered(user_id=patient, role="patient",
                                            full_name="Achieng"), at=now - timedelta(minutes=7))
    appointment = uuid.uuid4()
    await producer.send(a.AppointmentBooked(
        appointment_id=appointment, patient_id=patient, doctor_id=uuid.uuid4(), start=now,
        end=now + timedelta(minutes=30), urgency=3, booked_by=desk), at=now - timedelta(minutes=6))
    await producer.send(auth.UserUpdated(user_id=patient, changed=["full_name"],
                                         full_name="Achieng Otieno", updated_by=admin),
                        at=now - timedelta(minutes=5))
    await producer.send(auth.UserDeactivated(user_id=stranger, deactivated_by=admin),
                        at=now - timedelta(minutes=4))
    period = f"from={now.date()}&to={now.date()}"

    body, table = await get(api, f"/api/audit?{period}")
    named = [(i["action"], i["actor_name"], i["subject_name"]) for i in body["items"]]
    assert named == [
        ("auth.user_deactivated", "Ada Admin", None),  # a subject not heard of: null
        ("auth.user_updated", "Ada Admin", "Achieng Otieno"),
        ("appointments.appointment_booked", "Desmond Desk", "Achieng Otieno"),  # its patient
        ("auth.user_registered", None, "Achieng Otieno"),
        ("auth.user_registered", None, "Desmond Desk"),
        ("auth.user_registered", None, "Ada Admin")]
    assert list(body["items"][0])[:7] == ["occurred_at", "action", "actor_id", "actor_name",
                                          "actor_role", "subject_id", "subject_name"]
    assert [(r["actor_name"], r["subject_name"]) for r in table] == [
        (actor or "", subject or "") for _, actor, subject in named]
