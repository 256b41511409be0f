"""Users: staff accounts and the admin's list and changes; everyone's own profile."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from hms_auth.entrypoints.api.deps import Bus, ClientIp, caller
from hms_auth.entrypoints.api.schemas import (
    ProfileWrite,
    RoleName,
    StaffCreate,
    UserList,
    UserPublic,
    UserUpdate,
)
from hms_auth.entrypoints.api.views import told, user_public
from hms_auth.service_layer import commands as c
from hms_platform.auth import Principal
from hms_platform.web import problems

router = APIRouter(tags=["users"])
_SIGNED_IN = problems(401, 422)
_ADMIN = problems(401, 403, 422)


@router.get("/me", responses=_SIGNED_IN)
async def get_me(user: Annotated[Principal, caller(c.GetUser)], bus: Bus) -> UserPublic:
    return user_public(await bus.handle(c.GetUser(user.user_id)))


@router.patch("/me", responses=problems(401, 409, 422, 429))
async def update_me(body: ProfileWrite, user: Annotated[Principal, caller(c.UpdateProfile)],
                    bus: Bus, client_ip: ClientIp, response: Response) -> UserPublic:
    """Change your name, email or phone number (still unique); null clears email. Contact
    changes are throttled per address, like registration. Offline (``client_updated_at``):
    each field applies if it wins (docs/api.md, Offline writes)."""
    return told(response, await bus.handle(c.UpdateProfile(
        user.user_id, body.changes(), client_ip, user.role, body.client_updated_at)))


@router.post("/users", status_code=status.HTTP_201_CREATED, responses=problems(401, 403, 409, 422))
async def create_staff_user(body: StaffCreate,
                            _: Annotated[Principal, caller(c.CreateStaffUser)],
                            bus: Bus) -> UserPublic:
    """An admin creates a staff account; doctors need a department and a room."""
    return user_public(await bus.handle(c.CreateStaffUser(
        username=body.username, password=body.password, role=body.role,
        full_name=body.full_name, email=body.email, phone_number=body.phone_number,
        department=body.department, room=body.room)))


@router.get("/users", responses=_ADMIN)
async def list_users(
    _: Annotated[Principal, caller(c.ListUsers)],
    bus: Bus,
    role: RoleName | None = None,
    active: bool | None = None,
    q: Annotated[str | None, Query(max_length=100, pattern=r"^[^\x00]*$",
                                   description="Part of a name, username, email or phone.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> UserList:
    page = await bus.handle(c.ListUsers(role=role, active=active, query=q, limit=limit,
                                        offset=offset))
    return UserList(items=[user_public(u) for u in page.items], total=page.total,
                    limit=page.limit, offset=page.offset)


@router.patch("/users/{user_id}", responses=problems(401, 403, 404, 409, 422))
async def update_user(user_id: uuid.UUID, body: UserUpdate,
                      admin: Annotated[Principal, caller(c.UpdateUser)], bus: Bus) -> UserPublic:
    """Change role, deactivate (`active: false`: sign-in and refresh refused, sessions
    revoked) or reactivate, or edit details. The last active admin stays an admin."""
    return user_public(await bus.handle(c.UpdateUser(user_id, body.changes(),
                                                     actor_id=admin.user_id)))
