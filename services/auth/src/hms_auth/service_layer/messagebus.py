"""Dispatches a command to its handler with the handler's dependencies (cosmicpython's bus,
without events: integration events leave through the outbox, not through this bus)."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar, cast

from hms_auth.service_layer.commands import Command

R = TypeVar("R")
Handler = Callable[..., Awaitable[Any]]


class MessageBus:
    """`await bus.handle(cmd)` runs the command's handler in a fresh unit of work.

    A handler's parameters after the command are filled by name: `uow` from `uow_factory()`
    on every call (units of work are not shared between concurrent requests), anything else
    from `dependencies`. A missing dependency fails here, at composition, not mid-request.
    """

    def __init__(self, handlers: Mapping[type[Command[Any]], Handler],
                 uow_factory: Callable[[], object], dependencies: Mapping[str, object]) -> None:
        self._handlers = dict(handlers)
        self._uow_factory = uow_factory
        self._dependencies = dict(dependencies)
        self._params: dict[type[Command[Any]], list[str]] = {}
        for command, handler in self._handlers.items():
            names = list(inspect.signature(handler).parameters)[1:]
            missing = [n for n in names if n != "uow" and n not in self._dependencies]
            if missing:
                raise TypeError(f"{handler.__name__} needs {missing}, which bootstrap lacks")
            self._params[command] = names

    async def handle(self, command: Command[R]) -> R:
        kind = type(command)
        kwargs = {name: self._uow_factory() if name == "uow" else self._dependencies[name]
                  for name in self._params[kind]}
        return cast(R, await self._handlers[kind](command, **kwargs))

    def dependency(self, name: str) -> object:
        """One of the injected dependencies, e.g. to wire a second bus the same way."""
        return self._dependencies[name]
