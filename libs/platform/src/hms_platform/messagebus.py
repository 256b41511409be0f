"""One message bus for every service: commands (from routes, CLIs and schedulers) and events
(from the broker, through the inbox) each go to their handler, with the dependencies it names.

A service registers its handlers in one mapping, message type -> handler, in
``service_layer/handlers/__init__.py``; its ``bootstrap.py`` builds the bus with the unit of
work factory and the dependencies. A handler's first parameter is the message; the others are
filled by name: ``uow`` with a fresh unit of work per call (or the one the caller passes, which
is how an event joins the inbox's transaction), anything else from ``dependencies``. A missing
dependency or an unregistered message type fails when the bus is built, not mid-request.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ClassVar, Generic, TypeVar, cast, overload

from hms_contracts.envelope import Envelope, EventPayload

R = TypeVar("R")
Handler = Callable[..., Awaitable[Any]]


class Command(Generic[R]):
    """Base of every request a caller makes; ``R`` is what handling it returns.

    ``roles`` says who may send it, once: the route's dependency refuses other callers with 403
    before anything is read, and the handler checks the same set for callers that do not come
    through HTTP. Empty: not tied to a caller's role.
    """

    roles: ClassVar[frozenset[str]] = frozenset()
    # True for a Query: its unit of work runs without a transaction (hms_platform.db).
    read_only: ClassVar[bool] = False


def authorize(cmd: Any, *, action: str, refused: Callable[[str], Exception]) -> None:
    """The handler's check of ``roles``: ``cmd.actor``'s role must be one the command
    declares, else ``refused`` (the service's NotAllowed) is raised, naming who may."""
    roles = type(cmd).roles
    if cmd.actor.role not in roles:
        raise refused(f"Only {', '.join(sorted(roles))} may {action}.")


class Query(Command[R]):
    """A request that only reads: the bus gives its handler a unit of work without a
    transaction (each statement sees what is committed when it runs)."""

    read_only: ClassVar[bool] = True


class UnknownMessage(LookupError):
    """No handler is registered for this message type."""


class MessageBus:
    """``await bus.handle(command)`` -> the handler's result; ``await bus.handle(event, uow=u,
    envelope=e)`` for an event from the broker, inside the inbox's unit of work ``u`` (a
    handler that keeps events as they came declares an ``envelope`` parameter)."""

    def __init__(self, handlers: Mapping[type, Handler], uow_factory: Callable[[], Any],
                 dependencies: Mapping[str, object]) -> None:
        self._handlers = dict(handlers)
        self.uow_factory = uow_factory
        self._dependencies = dict(dependencies)
        self._params: dict[type, list[str]] = {}
        for kind, handler in self._handlers.items():
            if not (issubclass(kind, Command) or issubclass(kind, EventPayload)):
                raise TypeError(f"{kind.__name__} is neither a Command nor an event payload")
            names = list(inspect.signature(handler).parameters)[1:]
            missing = [n for n in names
                       if n not in ("uow", "envelope") and n not in self._dependencies]
            if missing:
                raise TypeError(f"{handler.__name__} needs {missing}, which bootstrap lacks")
            self._params[kind] = names

    @overload
    async def handle(self, message: Command[R], *, uow: object | None = None,
                     envelope: Envelope | None = None) -> R: ...

    @overload
    async def handle(self, message: EventPayload, *, uow: object | None = None,
                     envelope: Envelope | None = None) -> None: ...

    async def handle(self, message: Any, *, uow: object | None = None,
                     envelope: Envelope | None = None) -> Any:
        kind = type(message)
        params = self._params.get(kind)
        if params is None:
            raise UnknownMessage(f"no handler for {kind.__name__}")
        kwargs = {name: (uow if uow is not None else self._new_uow(kind)) if name == "uow"
                  else envelope if name == "envelope"
                  else self._dependencies[name] for name in params}
        return await self._handlers[kind](message, **kwargs)

    def _new_uow(self, kind: type) -> Any:
        unit = self.uow_factory()
        if getattr(kind, "read_only", False) and hasattr(unit, "read_only"):
            unit.read_only = True  # a SqlUnitOfWork: no transaction (fakes have no such flag)
        return unit

    @property
    def event_types(self) -> list[type[EventPayload]]:
        """The events this service consumes: what its queue is bound to."""
        return sorted((k for k in self._handlers if issubclass(k, EventPayload)),
                      key=lambda k: cast(type[EventPayload], k).NAME)

    def dependency(self, name: str) -> object:
        """One of the injected dependencies (e.g. to build another bus the same way)."""
        return self._dependencies[name]
