"""A service app over its database: what runs on shutdown, and whose engine it disposes."""

from __future__ import annotations

from typing import Any, cast

import pytest
import sqlalchemy as sa

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
        token_verifier=verifier, on_shutdown=[close], description="d")
    assert isinstance(app.state.revocations, RevocationList) and app.state.settings is settings
    assert isinstance(app.state.signing_keys, SigningKeyList)
    async with app.router.lifespan_context(app):
        assert closed == []
    assert closed == [0] and engine.disposed == disposed
