"""Named displays over the in-memory fakes: an admin makes, lists and revokes them; names and
lines are checked; revoking is final, idempotent and wakes the display's lines (so its screens'
streams end at once); the screen's check (``ActiveDisplay``) refuses a revoked display."""

from __future__ import annotations

import uuid

import pytest

from hms_queue.domain import errors as exc
from hms_queue.domain.actor import Actor
from hms_queue.service_layer import commands as c

ADMIN = Actor(uuid.uuid4(), "admin")


async def test_a_display_lives_until_revoked(world) -> None:
    doctors = (world.person("doctor"), world.person("doctor"))
    made = await world.bus.handle(c.CreateDisplay(
        ADMIN, "  Ground floor   waiting room ", (*doctors, doctors[0]), 12))
    assert (made.name, made.doctor_ids, made.created_by, made.active) == (
        "Ground floor waiting room", doctors, ADMIN.user_id, True)
    world.clock.advance(hours=30)  # older than any link: still valid
    assert (await world.bus.handle(c.ActiveDisplay(made.id))).doctor_ids == doctors
    assert [d.id for d in await world.bus.handle(c.ListDisplays(ADMIN))] == [made.id]
    world.store.changed_lines.clear()
    revoked = await world.bus.handle(c.RevokeDisplay(ADMIN, made.id))
    assert revoked.revoked_at == world.clock.now() and revoked.revoked_by == ADMIN.user_id
    assert sorted(world.store.changed_lines) == sorted(doctors)  # its streams wake and end
    assert await world.bus.handle(c.ActiveDisplay(made.id)) is None
    world.store.changed_lines.clear()
    world.clock.advance(minutes=1)
    again = await world.bus.handle(c.RevokeDisplay(ADMIN, made.id))
    assert again.revoked_at == revoked.revoked_at and world.store.changed_lines == []
    (listed,) = await world.bus.handle(c.ListDisplays(ADMIN))
    assert listed.revoked_at == revoked.revoked_at


@pytest.mark.parametrize(("name", "lines"), [("", 1), ("   ", 1), ("x" * 101, 1), ("A", 13)])
async def test_a_display_needs_a_name_and_1_to_max_lines(world, name: str, lines: int) -> None:
    doctors = tuple(uuid.uuid4() for _ in range(lines))
    with pytest.raises(exc.InvalidDisplay):
        await world.bus.handle(c.CreateDisplay(ADMIN, name, doctors, 12))
    assert world.store.displays == {}


@pytest.mark.parametrize("role", ["receptionist", "doctor", "patient"])
async def test_only_an_admin_manages_displays(world, role: str) -> None:
    made = await world.bus.handle(c.CreateDisplay(ADMIN, "Hall", (uuid.uuid4(),), 12))
    other = Actor(uuid.uuid4(), role)
    for command in (c.CreateDisplay(other, "Hall", (uuid.uuid4(),), 12),
                    c.ListDisplays(other), c.RevokeDisplay(other, made.id)):
        with pytest.raises(exc.NotAllowed):
            await world.bus.handle(command)
    assert (await world.bus.handle(c.ActiveDisplay(made.id))) is not None


async def test_revoking_an_unknown_display_is_not_found(world) -> None:
    with pytest.raises(exc.DisplayNotFound):
        await world.bus.handle(c.RevokeDisplay(ADMIN, uuid.uuid4()))
    assert await world.bus.handle(c.ActiveDisplay(uuid.uuid4())) is None
