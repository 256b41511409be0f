"""Contacts, preferences and push devices in Postgres."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from hms_notifications.adapters.orm import contacts, devices, preferences
from hms_notifications.domain.model import Contact, Preferences, QuietHours

CONTACT_COLUMNS = ("user_id", "role", "full_name", "phone_number", "email", "room", "active")


class SqlContactRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def get(self, user_id: uuid.UUID) -> Contact | None:
        row = (await self.conn.execute(
            sa.select(*(contacts.c[n] for n in CONTACT_COLUMNS))
            .where(contacts.c.user_id == user_id))).first()
        return Contact(**row._mapping) if row else None

    async def get_many(self, user_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Contact]:
        if not user_ids:
            return {}
        rows = await self.conn.execute(sa.select(*(contacts.c[n] for n in CONTACT_COLUMNS))
                                       .where(contacts.c.user_id.in_(user_ids)))
        return {r.user_id: Contact(**r._mapping) for r in rows}

    async def update(self, user_id: uuid.UUID, fields: dict[str, Any]) -> None:
        """One upsert: the named fields only, whatever order the events came in."""
        values = {k: v for k, v in fields.items() if k in CONTACT_COLUMNS}
        statement = insert(contacts).values(user_id=user_id, **values)
        await self.conn.execute(statement.on_conflict_do_update(
            index_elements=[contacts.c.user_id],
            set_={**{k: statement.excluded[k] for k in values}, "updated_at": sa.func.now()}))


class SqlPreferenceRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def get(self, user_id: uuid.UUID) -> Preferences:
        row = (await self.conn.execute(
            sa.select(preferences).where(preferences.c.user_id == user_id))).first()
        tokens = (await self.conn.execute(
            sa.select(devices.c.token).where(devices.c.user_id == user_id)
            .order_by(devices.c.created_at, devices.c.token))).scalars().all()
        if row is None:
            return Preferences(user_id, devices=tuple(tokens))
        quiet = (QuietHours(row.quiet_start, row.quiet_end)
                 if row.quiet_start is not None else None)
        return Preferences(user_id, frozenset(row.channels), quiet, tuple(tokens))

    async def get_many(self, user_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Preferences]:
        """Everyone's in two queries (the sender's batch), defaults for those with none."""
        rows = {r.user_id: r for r in await self.conn.execute(
            sa.select(preferences).where(preferences.c.user_id.in_(user_ids)))}
        tokens: dict[uuid.UUID, list[str]] = {}
        for r in await self.conn.execute(
                sa.select(devices.c.user_id, devices.c.token)
                .where(devices.c.user_id.in_(user_ids))
                .order_by(devices.c.created_at, devices.c.token)):
            tokens.setdefault(r.user_id, []).append(r.token)
        found = {}
        for user_id in user_ids:
            row, own = rows.get(user_id), tuple(tokens.get(user_id, ()))
            if row is None:
                found[user_id] = Preferences(user_id, devices=own)
            else:
                quiet = (QuietHours(row.quiet_start, row.quiet_end)
                         if row.quiet_start is not None else None)
                found[user_id] = Preferences(user_id, frozenset(row.channels), quiet, own)
        return found

    async def put(self, prefs: Preferences) -> None:
        quiet = prefs.quiet_hours
        values = {"channels": sorted(prefs.channels),
                  "quiet_start": quiet.start if quiet else None,
                  "quiet_end": quiet.end if quiet else None}
        statement = insert(preferences).values(user_id=prefs.user_id, **values)
        await self.conn.execute(statement.on_conflict_do_update(
            index_elements=[preferences.c.user_id],
            set_={**{k: statement.excluded[k] for k in values}, "updated_at": sa.func.now()}))
        await self.conn.execute(sa.delete(devices).where(
            devices.c.user_id == prefs.user_id, devices.c.token.not_in(prefs.devices)))
        if prefs.devices:
            # A token moves to whoever registered it last (a phone changing hands).
            statement = insert(devices).values(
                [{"token": t, "user_id": prefs.user_id} for t in prefs.devices])
            await self.conn.execute(statement.on_conflict_do_update(
                index_elements=[devices.c.token], set_={"user_id": statement.excluded.user_id}))

    async def drop_devices(self, tokens: Sequence[str]) -> None:
        await self.conn.execute(sa.delete(devices).where(devices.c.token.in_(list(tokens))))
