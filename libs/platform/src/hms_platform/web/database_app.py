"""A service app over its own database, the way every service builds one: ready when the
database answers, refusing tokens auth has revoked and keys its rotations dropped (read from
the service's own tables, which its consumer fills), and closing what it owns on shutdown."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any, overload

import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.auth import TokenVerifier
from hms_platform.db import ping
from hms_platform.idempotency import IdempotencyStore
from hms_platform.revocation import RevocationList, SigningKeyList
from hms_platform.settings import ServiceSettings
from hms_platform.tables import PlatformTables
from hms_platform.web.app import create_service_app, make_token_verifier

Lifespan = Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]


@overload
def create_database_app(
    name: str, *, prefix: str, settings: ServiceSettings, engine: AsyncEngine, owned: bool,
    tables: PlatformTables, error_map: Mapping[type[Exception], int] | None = None,
    description: str, token_verifier: TokenVerifier | None = None,
    lifespan: Lifespan | None = None, on_shutdown: Sequence[Callable[[], Awaitable[Any]]] = (),
) -> FastAPI: ...


@overload
def create_database_app(
    name: str, *, prefix: str, settings: ServiceSettings, engine: AsyncEngine, owned: bool,
    revocations: sa.Table | None, signing_keys: sa.Table | sa.Select[Any],
    idempotency: sa.Table, error_map: Mapping[type[Exception], int] | None = None,
    description: str, token_verifier: TokenVerifier | None = None,
    lifespan: Lifespan | None = None, on_shutdown: Sequence[Callable[[], Awaitable[Any]]] = (),
) -> FastAPI: ...


def create_database_app(
    name: str,
    *,
    prefix: str,
    settings: ServiceSettings,
    engine: AsyncEngine,
    owned: bool,
    tables: PlatformTables | None = None,
    revocations: sa.Table | None = None,
    signing_keys: sa.Table | sa.Select[Any] | None = None,
    idempotency: sa.Table | None = None,
    error_map: Mapping[type[Exception], int] | None = None,
    description: str,
    token_verifier: TokenVerifier | None = None,
    lifespan: Lifespan | None = None,
    on_shutdown: Sequence[Callable[[], Awaitable[Any]]] = (),
) -> FastAPI:
    """``create_service_app`` over ``engine``: readiness pings it, ``app.state.revocations``
    reads ``revocations`` from it and ``app.state.signing_keys`` reads ``signing_keys`` (the
    key ids auth's rotations announced, :func:`hms_platform.revocation.signing_key_table`, or
    a ``(kid, retired)`` query: auth's over its own key store). ``revocations=None`` is for
    auth, which confirms every caller against its own users instead. ``idempotency``: the
    service's ``idempotency_keys`` table (hms_platform.idempotency), where writes sent with an
    ``Idempotency-Key`` keep their first answer for ``settings.idempotency_key_hours``.
    Every service but auth passes its :func:`hms_platform.tables.platform_tables` as
    ``tables`` instead of those three.

    ``lifespan(app)``, the service's own startup and shutdown, runs inside the app's; then
    ``on_shutdown`` runs, then the engine is disposed if ``owned`` (made for this app rather
    than passed in by the caller)."""

    if tables is not None:
        revocations, signing_keys, idempotency = (
            tables.revocations, tables.signing_keys, tables.idempotency)
    if signing_keys is None or idempotency is None:
        raise TypeError("create_database_app needs tables, or signing_keys and idempotency")

    @contextlib.asynccontextmanager
    async def app_lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            async with contextlib.AsyncExitStack() as stack:
                if lifespan is not None:
                    await stack.enter_async_context(lifespan(app))
                yield
        finally:
            for close in on_shutdown:
                await close()
            if owned:
                await engine.dispose()

    app = create_service_app(
        name, prefix=prefix, settings=settings, error_map=error_map,
        readiness={"database": lambda: ping(engine)},
        token_verifier=token_verifier or make_token_verifier(settings),
        lifespan=app_lifespan, description=description,
        idempotency=IdempotencyStore(engine, idempotency,
                                     timedelta(hours=settings.idempotency_key_hours)),
    )
    app.state.settings = settings
    if revocations is not None:
        app.state.revocations = RevocationList(engine, revocations)  # tokens auth has revoked
    app.state.signing_keys = (  # keys its rotations dropped
        SigningKeyList.of(engine, signing_keys) if isinstance(signing_keys, sa.Table)
        else SigningKeyList(engine, signing_keys))
    return app
