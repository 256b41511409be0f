"""Admin changes, profiles, the caller check and signing keys, over fakes."""

from __future__ import annotations

import uuid

import pytest

from hms_auth.domain import errors
from hms_auth.domain.keys import KeyStatus
from hms_auth.service_layer import commands as c


async def admin(bus, name: str = "admin"):
    return await bus.handle(c.CreateStaffUser(name, "password-1", "admin", name.title()))


async def test_the_last_active_admin_cannot_be_demoted_or_deactivated(bus) -> None:
    first = await admin(bus)
    for change in ({"active": False}, {"role": "receptionist"}):
        with pytest.raises(errors.LastActiveAdmin):
            await bus.handle(c.UpdateUser(first.id, change))
    second = await admin(bus, "second")
    demoted = await bus.handle(c.UpdateUser(first.id, {"role": "receptionist"}))
    assert demoted.role.value == "receptionist"
    with pytest.raises(errors.LastActiveAdmin):
        await bus.handle(c.UpdateUser(second.id, {"active": False}))


async def test_an_admin_change_is_saved_and_published_with_its_fields(bus, uow) -> None:
    staff = await bus.handle(c.CreateStaffUser("rec.one", "password-1", "receptionist", "R"))
    updated = await bus.handle(c.UpdateUser(staff.id, {
        "role": "doctor", "department": "ENT", "room": "4", "email": "r@example.com",
        "username": "ignored"}))
    assert uow.users.rows[staff.id].role.value == "doctor"
    assert updated.username == "rec.one"  # not an editable field
    event = uow.events[-1]
    assert event.name == "auth.user_updated.v1"
    assert event.payload["changed"] == ["role", "department", "room", "email"]
    assert (event.payload["role"], event.payload["room"]) == ("doctor", "4")


async def test_deactivation_publishes_and_revokes_sessions(bus, uow) -> None:
    staff = await bus.handle(c.CreateStaffUser("rec.one", "password-1", "receptionist", "R"))
    await bus.handle(c.SignIn("rec.one", "password-1"))
    await bus.handle(c.UpdateUser(staff.id, {"active": False}))
    assert uow.event_names()[-1] == "auth.user_deactivated.v1"
    assert [f.revoked_reason for f in uow.refresh_tokens.families.values()] == ["deactivated"]
    await bus.handle(c.UpdateUser(staff.id, {"active": True}))
    assert uow.events[-1].payload["changed"] == ["active"]


async def test_changes_and_deactivations_name_who_made_them(bus, uow) -> None:
    admin, staff = uuid.uuid4(), await bus.handle(c.CreateStaffUser(
        "rec.two", "password-1", "receptionist", "R"))
    await bus.handle(c.UpdateUser(staff.id, {"role": "doctor", "department": "ENT", "room": "3"},
                                  actor_id=admin))
    updated = [e for e in uow.events if e.name == "auth.user_updated.v1"][-1]
    assert (updated.payload["updated_by"], updated.payload["role"]) == (str(admin), "doctor")
    await bus.handle(c.UpdateUser(staff.id, {"active": False}, actor_id=admin))
    [deactivated] = [e for e in uow.events if e.name == "auth.user_deactivated.v1"]
    assert deactivated.payload["deactivated_by"] == str(admin)
    patient = await bus.handle(c.RegisterPatient("0712999888", "password-1", "Amina"))
    await bus.handle(c.UpdateProfile(patient.id, {"full_name": "Amina W"}))
    assert uow.events[-1].payload["updated_by"] == str(patient.id)  # their own change


async def test_a_profile_change_touches_only_self_editable_fields(bus, uow) -> None:
    user = await bus.handle(c.RegisterPatient("0712345678", "password-1", "Amina"))
    await bus.handle(c.RegisterPatient("0722000111", "password-1", "Other"))
    changed = await bus.handle(c.UpdateProfile(user.id, {
        "full_name": "Amina W", "phone_number": "0733 000 222", "role": "admin"}))
    assert (changed.full_name, changed.phone_number, changed.role.value) == (
        "Amina W", "+254733000222", "patient")
    assert changed.username == "+254733000222"  # it was the phone number, so it follows
    with pytest.raises(errors.AlreadyRegistered):
        await bus.handle(c.UpdateProfile(user.id, {"phone_number": "+254722000111"}))
    with pytest.raises(errors.PhoneNumberRequired):
        await bus.handle(c.UpdateProfile(user.id, {"phone_number": None}))


async def test_updating_a_missing_user_is_not_found(bus) -> None:
    with pytest.raises(errors.UserNotFound):
        await bus.handle(c.UpdateUser(uuid.uuid4(), {"full_name": "X"}))


async def test_the_caller_must_still_be_active_with_the_same_role(bus) -> None:
    staff = await bus.handle(c.CreateStaffUser("rec.one", "password-1", "receptionist", "R"))
    await admin(bus)
    await bus.handle(c.ConfirmCaller(staff.id, "receptionist"))
    for user_id, role in ((staff.id, "admin"), (uuid.uuid4(), "receptionist")):
        with pytest.raises(errors.StaleAccessToken):
            await bus.handle(c.ConfirmCaller(user_id, role))
    await bus.handle(c.UpdateUser(staff.id, {"active": False}))
    with pytest.raises(errors.StaleAccessToken):
        await bus.handle(c.ConfirmCaller(staff.id, "receptionist"))


async def test_listing_filters_and_pages(bus) -> None:
    for n in range(3):
        await bus.handle(c.CreateStaffUser(f"rec.{n}", "password-1", "receptionist", f"R {n}"))
    await admin(bus)
    page = await bus.handle(c.ListUsers(role="receptionist", limit=2, offset=1))
    assert (page.total, [u.username for u in page.items]) == (3, ["rec.1", "rec.2"])
    with pytest.raises(errors.InvalidRole):
        await bus.handle(c.ListUsers(role="wizard"))


async def test_signing_keys_are_created_once_and_rotate(bus, uow) -> None:
    first = await bus.handle(c.EnsureSigningKey())
    assert first.kid == "key-1"  # the bus fixture made it; no second key
    second = await bus.handle(c.RotateSigningKeys())
    third = await bus.handle(c.RotateSigningKeys())
    statuses = {k.kid: (k.status, k.private_pem is not None) for k in uow.signing_keys.keys}
    assert statuses == {"key-1": (KeyStatus.RETIRED, False), "key-2": (KeyStatus.PREVIOUS, True),
                        "key-3": (KeyStatus.CURRENT, True)}
    jwks = await bus.handle(c.GetJwks())
    assert [k["kid"] for k in jwks["keys"]] == [third.kid, second.kid]
    rotations = [e.payload for e in uow.events if e.name == "auth.signing_key_rotated.v1"]
    assert [(r["kid"], r["previous_kid"], r["retired_kids"]) for r in rotations] == [
        ("key-2", "key-1", []), ("key-3", "key-2", ["key-1"])]  # ids only, for the audit trail
