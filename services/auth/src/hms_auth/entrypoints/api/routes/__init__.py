"""Every route of the auth API, relative to /api/auth."""

from fastapi import APIRouter

from hms_auth.entrypoints.api.routes import keys, passwords, patients, tokens, users

router = APIRouter()
for module in (patients, tokens, users, passwords, keys):
    router.include_router(module.router)
