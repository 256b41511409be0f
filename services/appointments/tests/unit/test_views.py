"""The answer about an appointment is built without validation, as model_construct would."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from hms_appointments.domain.actor import Actor
from hms_appointments.domain.appointment import Appointment, Status
from hms_appointments.entrypoints.api import schemas as s
from hms_appointments.entrypoints.api import views

START = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_an_appointment_is_what_model_construct_makes_of_the_same_values() -> None:
    patient, doctor = uuid.uuid4(), uuid.uuid4()
    appt = Appointment(uuid.uuid4(), patient, doctor, START, START + timedelta(minutes=30), 3,
                       "cough", patient, START - timedelta(days=1), Status.COMPLETED,
                       diagnosis="flu", treatment="rest")
    built = views.appointment(appt, Actor(patient, "patient"), {doctor: "Dr D"})
    expected = s.AppointmentPublic.model_construct(**built.model_dump())
    assert built == expected and built.model_fields_set == expected.model_fields_set
    assert built.model_dump_json() == s.AppointmentPublic.model_validate(
        built.model_dump()).model_dump_json()
    assert (built.doctor_name, built.patient_name, built.diagnosis) == ("Dr D", None, "flu")
