"""Users and roles: the rules every change keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hms_auth.domain import errors
from hms_auth.domain.events import (
    SessionsRevoked,
    UserDeactivated,
    UserRegistered,
    UserUpdated,
    mask_username,
)
from hms_auth.domain.users import (
    Role,
    User,
    check_password,
    check_username,
    mask_phone,
    parse_role,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def patient(**kwargs: object) -> User:
    values: dict = {"username": "+254712345678", "role": Role.PATIENT, "full_name": "Amina",
                    "now": NOW, "phone_number": "+254712345678", "email": "a@example.com"}
    return User.register(**{**values, **kwargs})


def doctor() -> User:
    return User.register(username="dr.otieno", role=Role.DOCTOR, full_name="Dr Otieno", now=NOW,
                         department="Cardiology", room="B-12", password_hash="h")


def test_registration_records_the_contact_details_other_services_copy() -> None:
    user = doctor()
    [event] = user.pull_events()
    assert event == UserRegistered(user.id, "doctor", "Dr Otieno", None, None, "Cardiology",
                                   "B-12")
    assert user.pull_events() == []


def test_a_doctor_needs_a_department_and_a_room() -> None:
    with pytest.raises(errors.DoctorDetailsMissing):
        User.register(username="dr.x", role=Role.DOCTOR, full_name="X", now=NOW, department="A")


def test_a_patient_needs_a_phone_number() -> None:
    with pytest.raises(errors.PhoneNumberRequired):
        patient(phone_number=None)


def test_update_returns_and_records_only_what_changed() -> None:
    user = doctor()
    user.pull_events()
    later = NOW + timedelta(hours=1)
    assert user.update({"full_name": "Dr Otieno", "room": "C-1"}, later) == ["room"]
    assert user.updated_at == later
    assert user.pull_events() == [UserUpdated(user.id, ("room",), {"room": "C-1"})]
    assert user.update({"room": "C-1"}, later) == []
    assert user.pull_events() == []


def test_a_change_that_breaks_a_rule_changes_nothing() -> None:
    user = doctor()
    with pytest.raises(errors.DoctorDetailsMissing):
        user.update({"room": None, "full_name": "Renamed"}, NOW)
    assert (user.room, user.full_name) == ("B-12", "Dr Otieno")
    with pytest.raises(errors.PhoneNumberRequired):
        patient().update({"phone_number": None}, NOW)


def test_becoming_a_doctor_needs_the_details_in_the_same_change() -> None:
    user = User.register(username="rec.one", role=Role.RECEPTIONIST, full_name="R", now=NOW)
    with pytest.raises(errors.DoctorDetailsMissing):
        user.update({"role": "doctor"}, NOW)
    assert user.update({"role": "doctor", "department": "ENT", "room": "4"}, NOW) == [
        "role", "department", "room"]
    assert user.role is Role.DOCTOR


def test_deactivation_is_its_own_event_and_reactivation_an_update() -> None:
    user = doctor()
    user.pull_events()
    user.update({"active": False, "full_name": "Dr O"}, NOW)
    assert user.pull_events() == [SessionsRevoked(user.id, NOW, "deactivated"),
                                  UserDeactivated(user.id),
                                  UserUpdated(user.id, ("full_name",), {"full_name": "Dr O"})]
    user.update({"active": True}, NOW)
    assert user.pull_events() == [UserUpdated(user.id, ("active",), {"active": True})]


def test_a_username_that_is_the_phone_number_follows_it() -> None:
    user = patient()
    user.update({"phone_number": "+254722000111"}, NOW)
    assert user.username == "+254722000111"
    chosen = patient(username="amina")
    chosen.update({"phone_number": "+254722000111"}, NOW)
    assert chosen.username == "amina"


def test_role_values_are_the_four_roles() -> None:
    assert parse_role("doctor") is Role.DOCTOR
    with pytest.raises(errors.InvalidRole):
        parse_role("superuser")


@pytest.mark.parametrize("name", ["ab", "1abc", "+254712345678", "has space", "x" * 65, "é-name"])
def test_usernames_start_with_a_letter_and_cannot_pass_for_phone_numbers(name: str) -> None:
    with pytest.raises(errors.InvalidUsername):
        check_username(name)


def test_password_length_is_counted_in_characters_without_truncation() -> None:
    assert check_password("😀" * 8) == "😀" * 8
    assert check_password("x" * 1024)
    for bad in ("x" * 7, "x" * 1025, ""):
        with pytest.raises(errors.InvalidPassword):
            check_password(bad)


def test_masked_usernames_keep_only_the_first_character() -> None:
    assert mask_username("  alice  ") == "a***"
    assert mask_username("+254712345678") == "+***"
    assert mask_username("") == "?***"


@pytest.mark.parametrize(("number", "masked"), [
    ("+254712345678", "+2547••••678"), ("+12025550123", "+120••••123"),
    ("+6831234", "+••••234")])
def test_a_masked_phone_number_hides_at_least_four_digits(number: str, masked: str) -> None:
    assert mask_phone(number) == masked


def test_a_reset_voids_the_password_but_not_the_activation() -> None:
    user = patient(password_hash="h")
    assert user.activated and user.has_password
    user.void_password(NOW)
    assert user.activated and not user.has_password
    walk_in = patient()
    assert not walk_in.activated
    walk_in.set_password("h", NOW)
    assert walk_in.activated_at == NOW and walk_in.password_reset_by is None
