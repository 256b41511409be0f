"""The composition root: handlers with their dependencies. Tests call `bootstrap` with fakes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_auth.adapters.contacts import PhoneEmailValidator
from hms_auth.adapters.keys import KeyCipher, generate_signing_key
from hms_auth.adapters.passwords import Argon2PasswordHasher
from hms_auth.adapters.tokens import JwtSigner
from hms_auth.adapters.unit_of_work import SqlAuthUnitOfWork
from hms_auth.config import AuthSettings
from hms_auth.domain.policy import AuthPolicy
from hms_auth.service_layer import ports
from hms_auth.service_layer.handlers import HANDLERS
from hms_auth.service_layer.ports import UnitOfWork
from hms_platform.clock import Clock, SystemClock
from hms_platform.messagebus import MessageBus
from hms_platform.recording import clocked
from hms_platform.sealing import Sealer


def bootstrap(
    uow_factory: Callable[[], UnitOfWork],
    *,
    hasher: ports.PasswordHasher,
    contacts: ports.ContactValidator,
    signer: ports.TokenSigner,
    new_key: ports.KeyGenerator,
    clock: Clock,
    policy: AuthPolicy,
    sealer: ports.CodeSealer,
    pause: ports.Pause = asyncio.sleep,
) -> MessageBus:
    # The units of work stamp events with the clock the handlers read.
    return MessageBus(HANDLERS, clocked(uow_factory, clock), {
        "hasher": hasher, "contacts": contacts, "signer": signer, "new_key": new_key,
        "clock": clock, "policy": policy, "sealer": sealer, "pause": pause,
    })


def build(settings: AuthSettings, engine: AsyncEngine, *, clock: Clock | None = None,
          hasher: ports.PasswordHasher | None = None) -> MessageBus:
    """The production wiring over `engine`."""
    cipher = KeyCipher.from_base64(settings.key_encryption_key.get_secret_value())
    return bootstrap(
        lambda: SqlAuthUnitOfWork(engine, cipher),
        hasher=hasher or Argon2PasswordHasher(
            settings.argon2_time_cost, settings.argon2_memory_cost, settings.argon2_parallelism,
            concurrency=settings.argon2_concurrency, max_waiting=settings.argon2_max_waiting),
        contacts=PhoneEmailValidator(settings.default_phone_region),
        signer=JwtSigner(settings.jwt_issuer, settings.jwt_audience),
        new_key=generate_signing_key,
        clock=clock or SystemClock(),
        policy=settings.policy(),
        sealer=Sealer.from_base64(settings.code_encryption_key.get_secret_value()),
    )
