"""People's names beside the ids (NamePeople): of the appointments the caller may see only, so a
patient learns their doctor's name and their own, never another patient's."""

from __future__ import annotations

import uuid

from hms_appointments.domain.actor import ADMIN, DOCTOR, PATIENT, RECEPTIONIST, Actor
from hms_appointments.domain.directory import Person
from hms_appointments.entrypoints.api import views
from hms_appointments.service_layer import commands as c


async def test_names_are_of_the_appointments_the_caller_may_see(fake) -> None:
    d1, d2 = fake.doctor(), fake.doctor()
    alice, bob = (Actor(fake.person(PATIENT), PATIENT) for _ in range(2))
    mine = await fake.bus.handle(c.BookAppointment(alice, d1, fake.at("09:00")))
    theirs = await fake.bus.handle(c.BookAppointment(bob, d2, fake.at("09:00")))
    name = {i: p.full_name for i, p in fake.store.people.items()}
    both = (mine, theirs)

    for staff in (Actor(uuid.uuid4(), RECEPTIONIST), Actor(uuid.uuid4(), ADMIN)):
        assert await fake.bus.handle(c.NamePeople(staff, both)) == {
            i: name[i] for i in (alice.user_id, d1, bob.user_id, d2)}
    # a patient handed someone else's appointment still learns nothing of it
    assert await fake.bus.handle(c.NamePeople(alice, both)) == {
        alice.user_id: name[alice.user_id], d1: name[d1]}
    assert await fake.bus.handle(c.NamePeople(Actor(d2, DOCTOR), both)) == {
        bob.user_id: name[bob.user_id], d2: name[d2]}
    assert await fake.bus.handle(c.NamePeople(Actor(uuid.uuid4(), PATIENT), both)) == {}


async def test_an_unknown_name_is_null_in_the_answer(fake) -> None:
    doctor, alice = fake.doctor(), Actor(uuid.uuid4(), PATIENT)  # alice: no event seen yet
    appt = await fake.bus.handle(c.BookAppointment(alice, doctor, fake.at("09:00")))
    fake.store.people[doctor] = Person(doctor, None)  # as if known from a later event only
    staff = Actor(uuid.uuid4(), ADMIN)
    names = await fake.bus.handle(c.NamePeople(staff, (appt,)))
    public = views.appointment(appt, staff, names)
    assert (public.patient_name, public.doctor_name) == (None, None)
