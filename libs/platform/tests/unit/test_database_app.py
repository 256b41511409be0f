"""A service app over its database: what runs on shutdown, and whose engine it disposes."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any, cast

import pytest
import sqlalchemy as sa

from hms_platform.idempotency import idempotency_table
from hms_platform.revocation import (
    RevocationList,
    SigningKeyList,
    revocation_table,
    signing_key_table,
)
from hms_platform.settings import ServiceSettings
from hms_platform.testing.tokens import TokenFactory
from hms_platform.web.database_app import create_database_app


class Engine:
    disposed = 0

    async def dispose(self) -> None:
        self.disposed += 1


@pytest.mark.parametrize(("owned", "disposed"), [(True, 1), (False, 0)])
async def test_shutdown_closes_what_the_app_owns(owned: bool, disposed: int) -> None:
    engine, closed = Engine(), []

    async def close() -> None:
        closed.append(engine.disposed)  # before the engine goes

    settings, tokens = ServiceSettings(environment="test"), TokenFactory()
    verifier = tokens.verifier()
    app = create_database_app(
        "demo", prefix="/api/demo", settings=settings, engine=cast(Any, engine), owned=owned,
        revocations=revocation_table(sa.MetaData(), "demo"),
        signing_keys=signing_key_table(sa.MetaData(), "demo"), error_map={},
        idempotency=idempotency_table(sa.MetaData(), "demo"),
        token_verifier=verifier, on_shutdown=[close], description="d")
    assert isinstance(app.state.revocations, RevocationList) and app.state.settings is settings
    assert isinstance(app.state.signing_keys, SigningKeyList)
    async with app.router.lifespan_context(app):
        assert closed == []
    assert closed == [0] and engine.disposed == disposed


async def test_the_services_own_lifespan_runs_inside_and_auth_has_no_revocation_table() -> None:
    """auth's shape: its startup work as ``lifespan``, its key store's ``(kid, retired)`` query
    as ``signing_keys``, and no revocation table (it confirms callers against its users)."""
    engine, steps = Engine(), []

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        steps.append("started")
        yield
        steps.append(f"stopped, engine disposed {engine.disposed} times")

    keys = sa.table("signing_keys", sa.column("kid"), sa.column("status"))
    app = create_database_app(
        "auth", prefix="/api/auth", settings=ServiceSettings(environment="test"),
        engine=cast(Any, engine), owned=True, revocations=None,
        signing_keys=sa.select(keys.c.kid, keys.c.status == "retired"), description="d",
        idempotency=idempotency_table(sa.MetaData(), "auth"),
        token_verifier=TokenFactory().verifier(), lifespan=lifespan)
    assert not hasattr(app.state, "revocations")
    assert isinstance(app.state.signing_keys, SigningKeyList)
    async with app.router.lifespan_context(app):
        assert steps == ["started"]
    assert steps == ["started", "stopped, engine disposed 0 times"] and engine.disposed == 1
