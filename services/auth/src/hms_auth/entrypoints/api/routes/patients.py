"""Patients: self-registration, registration at the desk, activation codes."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from hms_auth.entrypoints.api.deps import Bus, ClientIp, caller
from hms_auth.entrypoints.api.schemas import (
    PatientActivate,
    PatientRegister,
    ProfileWrite,
    UserList,
    UserPublic,
    WalkInPatientCreate,
    WalkInPatientPublic,
)
from hms_auth.entrypoints.api.views import told, user_public, walk_in_public
from hms_auth.service_layer import commands as c
from hms_platform.auth import Principal
from hms_platform.web import problems

router = APIRouter(prefix="/patients", tags=["patients"])
_NO_STORE = {"Cache-Control": "no-store"}  # the answer carries a secret


@router.post("/register", status_code=status.HTTP_201_CREATED,
             responses=problems(409, 422, 429, 503))
async def register_patient(body: PatientRegister, bus: Bus, client_ip: ClientIp) -> UserPublic:
    """A patient registers themselves; the phone number is their username unless one is given.
    Attempts are throttled per address (429 with Retry-After)."""
    user = await bus.handle(c.RegisterPatient(
        phone_number=body.phone_number, password=body.password, full_name=body.full_name,
        email=body.email, username=body.username, client_ip=client_ip))
    return user_public(user)


@router.get("", responses=problems(401, 403, 422))
async def search_patients(
    _: Annotated[Principal, caller(c.SearchPatients)],
    bus: Bus,
    q: Annotated[str | None, Query(max_length=100, pattern=r"^[^\x00]*$",
                                   description="Part of a name, username, email or phone.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> UserList:
    """The desk finds a patient by name or phone (receptionists and admins; patients only)."""
    page = await bus.handle(c.SearchPatients(query=q, limit=limit, offset=offset))
    return UserList(items=[user_public(u) for u in page.items], total=page.total,
                    limit=page.limit, offset=page.offset)


@router.post("", status_code=status.HTTP_201_CREATED, responses=problems(401, 403, 409, 422))
async def register_walk_in_patient(body: WalkInPatientCreate, bus: Bus,
                                   _: Annotated[Principal, caller(c.RegisterWalkInPatient)],
                                   response: Response) -> WalkInPatientPublic:
    """The desk registers a patient without a password; the one-time `activation_code` in the
    answer is shown once and lets the patient set a password within 24 hours. The `voucher`
    lets the queue issue their ticket at once. A taken `id` (the client's own): 409."""
    registration = await bus.handle(c.RegisterWalkInPatient(
        phone_number=body.phone_number, full_name=body.full_name, email=body.email,
        username=body.username, user_id=body.id))
    response.headers.update(_NO_STORE)
    return walk_in_public(registration)


@router.post("/{user_id}/activation-code", status_code=status.HTTP_201_CREATED,
             responses=problems(401, 403, 404, 409, 422))
async def issue_activation_code(user_id: uuid.UUID, bus: Bus,
                                _: Annotated[Principal, caller(c.IssueActivationCode)],
                                response: Response) -> WalkInPatientPublic:
    """A new code for a patient who has not activated yet (lost or expired); replaces the last.
    409 once the patient has set a password."""
    registration = await bus.handle(c.IssueActivationCode(user_id))
    response.headers.update(_NO_STORE)
    return walk_in_public(registration)


@router.post("/activate", status_code=status.HTTP_204_NO_CONTENT,
             responses=problems(401, 422, 429))
async def activate_patient(body: PatientActivate, bus: Bus, client_ip: ClientIp) -> None:
    """Redeem an activation code and set a password. Any mismatch is one 401."""
    await bus.handle(c.ActivatePatient(
        phone_number=body.phone_number, activation_code=body.activation_code,
        password=body.password, client_ip=client_ip))


@router.patch("/{user_id}", responses=problems(401, 403, 404, 409, 422))
async def update_patient(user_id: uuid.UUID, body: ProfileWrite, bus: Bus, response: Response,
                         staff: Annotated[Principal, caller(c.UpdatePatient)]) -> UserPublic:
    """Reception (or an admin) edits a patient's name, email or phone number; anyone who is not
    a patient is not found here. Offline (``client_updated_at``): each field applies if it
    wins, and the desk's write wins over the patient's own (docs/api.md, Offline writes)."""
    return told(response, await bus.handle(c.UpdatePatient(
        user_id, body.changes(), staff.user_id, staff.role, body.client_updated_at)))
