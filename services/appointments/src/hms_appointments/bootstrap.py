"""The composition root: every handler with its dependencies (unit of work, clock, rules).

Routes, the scheduler and tests call ``bus.handle(command)``; tests build the bus with a fake
unit of work and a FakeClock.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_appointments.adapters.orm import TABLES
from hms_appointments.domain.rules import Rules
from hms_appointments.service_layer.handlers import HANDLERS
from hms_appointments.service_layer.ports import UnitOfWork
from hms_appointments.service_layer.unit_of_work import SqlAppointmentsUnitOfWork
from hms_platform.clock import Clock, SystemClock
from hms_platform.db import make_session_factory

UowFactory = Callable[[], UnitOfWork]


class MessageBus:
    """Dispatches a command to its handler, injecting the dependencies it names."""

    def __init__(
        self, uow_factory: UowFactory, clock: Clock, rules: Rules,
        handlers: Mapping[type, Callable[..., Awaitable[Any]]] = HANDLERS,
    ) -> None:
        self.uow_factory, self.clock, self.rules = uow_factory, clock, rules
        self._wants = {cmd: list(inspect.signature(fn).parameters)[1:]
                       for cmd, fn in handlers.items()}
        self._handlers = dict(handlers)

    async def handle(self, command: object) -> Any:
        handler = self._handlers[type(command)]
        deps = {"uow": self.uow_factory, "clock": lambda: self.clock, "rules": lambda: self.rules}
        # A fresh unit of work per command: handlers open (and may reopen) their transactions.
        return await handler(command, **{name: deps[name]() for name in self._wants[type(command)]})


def sql_uow_factory(engine: AsyncEngine) -> Callable[[], SqlAppointmentsUnitOfWork]:
    sessions = make_session_factory(engine)
    return lambda: SqlAppointmentsUnitOfWork(sessions, TABLES)


def bootstrap(
    *, engine: AsyncEngine | None = None, uow_factory: UowFactory | None = None,
    clock: Clock | None = None, rules: Rules | None = None,
) -> MessageBus:
    if uow_factory is None:
        if engine is None:
            raise ValueError("bootstrap needs an engine or a uow_factory")
        uow_factory = sql_uow_factory(engine)
    return MessageBus(uow_factory, clock or SystemClock(), rules or Rules())
