"""Domain objects -> response bodies."""

from __future__ import annotations

from fastapi import Response

from hms_auth.domain.users import User
from hms_auth.entrypoints.api.schemas import UserPublic, WalkInPatientPublic
from hms_auth.service_layer.commands import WalkInRegistration
from hms_platform.last_write import OUTCOME_HEADER


def user_public(user: User) -> UserPublic:
    return UserPublic(
        id=user.id, username=user.username, role=user.role.value, full_name=user.full_name,
        email=user.email, phone_number=user.phone_number, department=user.department,
        room=user.room, active=user.active, activated=user.activated,
        created_at=user.created_at, updated_at=user.updated_at)


def walk_in_public(registration: WalkInRegistration) -> WalkInPatientPublic:
    return WalkInPatientPublic(
        **user_public(registration.user).model_dump(),
        activation_code=registration.activation_code,
        activation_code_expires_at=registration.expires_at, voucher=registration.voucher)


def told(response: Response, user: User) -> UserPublic:
    """The user; an offline write also says its outcome in ``HMS-Write-Outcome``: applied, or
    superseded (the answer is then the profile as it is)."""
    if user.write_outcome is not None:
        response.headers[OUTCOME_HEADER] = user.write_outcome
    return user_public(user)
