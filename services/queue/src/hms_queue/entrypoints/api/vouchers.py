"""Auth's patient vouchers: ``POST /api/auth/patients`` answers one with the new patient's id
and name, signed with auth's key (typ ``hms-patient+jwt``, never an access token), so that a
ticket for that patient can be issued before auth's event has reached the queue."""

from __future__ import annotations

import uuid

from fastapi import Request

from hms_platform.auth import TokenVerifier
from hms_platform.errors import Unauthorized
from hms_platform.roles import PATIENT
from hms_queue.domain import errors as exc

VOUCHER_TYPE = "hms-patient+jwt"
MAX_NAME = 200


async def vouched_name(request: Request, voucher: str, patient_id: uuid.UUID) -> str:
    """The patient's name the voucher vouches for; 422 for a voucher that is not valid (bad
    signature, expired, another type) or names another patient."""
    state = request.app.state
    verifier: TokenVerifier | None = getattr(state, "voucher_verifier", None)
    if verifier is None:
        verifier = state.voucher_verifier = state.token_verifier.for_type(VOUCHER_TYPE)
    signing_keys = getattr(state, "signing_keys", None)
    keys = await signing_keys.current() if signing_keys is not None else None
    try:
        vouched = await verifier.verify(voucher, keys)
    except Unauthorized:
        raise exc.InvalidRequest("patient_voucher is not a valid voucher from auth.") from None
    name = vouched.claims.get("full_name")
    if vouched.user_id != patient_id or vouched.role != PATIENT:
        raise exc.InvalidRequest("patient_voucher vouches for another patient.")
    if not isinstance(name, str) or not name or len(name) > MAX_NAME:
        raise exc.InvalidRequest("patient_voucher names no patient.")
    return name
