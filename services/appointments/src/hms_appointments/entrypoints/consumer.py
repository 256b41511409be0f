"""auth.* events -> the directory (doctors and patients), through the inbox: a duplicate
delivery, even concurrent, has one effect. Run: ``python -m hms_appointments.entrypoints.consumer``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_appointments.adapters.orm import REVOCATIONS
from hms_appointments.bootstrap import sql_uow_factory
from hms_appointments.config import AppointmentsSettings
from hms_appointments.service_layer import commands as c
from hms_appointments.service_layer.handlers import directory
from hms_contracts.auth import SessionsRevoked, UserDeactivated, UserRegistered, UserUpdated
from hms_contracts.envelope import Envelope
from hms_platform.auth.revocation import on_sessions_revoked
from hms_platform.messaging.inbox import InboxConsumer

QUEUE = "appointments.events"
CONSUMER = "appointments"


async def on_user_registered(event: UserRegistered, envelope: Envelope, uow: Any) -> None:
    await directory.register_user(c.RegisterUser(
        event.user_id, event.role, event.full_name, event.department, event.room), uow)


async def on_user_updated(event: UserUpdated, envelope: Envelope, uow: Any) -> None:
    # Only the names in `changed` count: a None field may mean "unchanged" (contracts).
    fields = event.model_dump()
    changes = {name: fields[name] for name in event.changed if name in fields}
    await directory.update_user(c.UpdateUser(event.user_id, changes), uow)


async def on_user_deactivated(event: UserDeactivated, envelope: Envelope, uow: Any) -> None:
    await directory.deactivate_user(c.DeactivateUser(event.user_id), uow)


def build_consumer(engine: AsyncEngine) -> InboxConsumer:
    return InboxConsumer(CONSUMER, sql_uow_factory(engine), {
        UserRegistered.NAME: on_user_registered,
        UserUpdated.NAME: on_user_updated,
        UserDeactivated.NAME: on_user_deactivated,
        SessionsRevoked.NAME: on_sessions_revoked(REVOCATIONS),
    })


ROUTING_KEYS = sorted((UserRegistered.NAME, UserUpdated.NAME, UserDeactivated.NAME,
                       SessionsRevoked.NAME))


def main() -> None:
    from hms_platform.runtime import serve_consumer

    asyncio.run(serve_consumer(AppointmentsSettings(), QUEUE, build_consumer, ROUTING_KEYS))


if __name__ == "__main__":
    main()
