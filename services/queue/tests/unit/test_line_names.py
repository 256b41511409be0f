"""People's names: the directory keeps them from auth's events (also a later name change), the
doctor's line shows them to that doctor and staff, and screens never carry patients' names."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

from hms_contracts.auth import UserRegistered, UserUpdated
from hms_queue.entrypoints.api import views
from hms_queue.service_layer import commands as c


async def handle(w: SimpleNamespace, event: object) -> None:
    uow = w.bus.uow_factory()
    async with uow:
        await w.bus.handle(event, uow=uow)
        await uow.commit()


async def register(w: SimpleNamespace, role: str, name: str) -> uuid.UUID:
    user_id = uuid.uuid4()
    await handle(w, UserRegistered(user_id=user_id, role=role, full_name=name, room="3"))
    return user_id


async def test_the_directory_follows_a_name_change_and_keeps_it_against_a_late_registration(
        world) -> None:
    ann = await register(world, "patient", "Ann Achieng")
    await handle(world, UserUpdated(user_id=ann, changed=["full_name"], full_name="Ann Otieno"))
    await handle(world, UserUpdated(user_id=ann, changed=["phone_number"], full_name=None))
    assert world.store.people[ann].full_name == "Ann Otieno"
    # the update arrives before the registration (no global order): the later name stays
    late = uuid.uuid4()
    await handle(world, UserUpdated(user_id=late, changed=["full_name"], full_name="New Name"))
    await handle(world, UserRegistered(user_id=late, role="patient", full_name="Old Name"))
    assert world.store.people[late].full_name == "New Name"
    assert world.store.people[late].role == "patient"


async def test_a_doctors_name_change_refreshes_the_screens_a_patients_does_not(world) -> None:
    doctor = await register(world, "doctor", "Dr Mwangi")
    patient = await register(world, "patient", "Ann Achieng")
    world.store.changed_lines.clear()
    await handle(world, UserUpdated(user_id=patient, changed=["full_name"], full_name="Ann O"))
    assert world.store.changed_lines == []
    await handle(world, UserUpdated(user_id=doctor, changed=["full_name"], full_name="Dr M"))
    assert world.store.changed_lines == [doctor]


async def test_the_line_names_patients_for_staff_and_the_doctor_never_on_screens(world) -> None:
    doctor = await register(world, "doctor", "Dr Mwangi")
    ann = await register(world, "patient", "Ann Achieng")
    ben = await register(world, "patient", "Ben Barasa")
    unknown = world.person("patient")  # known without a name (no event with it seen yet)
    for patient in (ann, ben, unknown):
        await world.bus.handle(c.IssueTicket(world.desk, patient, doctor, 3))
        world.clock.advance(seconds=1)
    await world.bus.handle(c.CallNext(world.doctor_actor(doctor), doctor))
    for reader in (world.desk, world.doctor_actor(doctor)):
        line = views.line(await world.bus.handle(c.GetLine(reader, doctor)), 50, 0)
        assert line.doctor_name == "Dr Mwangi"
        assert line.called is not None and line.called.patient_name == "Ann Achieng"
        assert [(w.patient_id, w.patient_name) for w in line.waiting] == [
            (ben, "Ben Barasa"), (unknown, None)]
    snapshot = await world.bus.handle(c.LineSnapshot(doctor))
    assert snapshot.names == {}
    board = repr(views.board(snapshot))
    assert "Ann" not in board and "Ben" not in board and str(ann) not in board
