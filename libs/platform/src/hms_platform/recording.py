"""Domain events -> the outbox, collected by the unit of work instead of by each handler.

A repository tells the unit of work's :class:`EventRecorder` about every aggregate it writes
(``seen``); the recorder takes the aggregate's ``events`` then, and again at commit for any it
raised after its last write. An event that belongs to no aggregate (an audited read, a refused
sign-in) goes through :meth:`EventRecorder.emit`. Each becomes the integration event its
service's ``CONTRACTS`` names, stamped with the handler's clock: what a handler no longer
writes, it cannot forget to write.

Order: each write and each emit takes the events raised so far by every aggregate written in
the transaction, in the order they were first written, so the outbox keeps the order a handler
raised them in as long as it writes an aggregate after changing it (a repository's
``add``/``save``), which it does anyway: the state must be saved for its event to be true.
An aggregate changed but never written publishes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, fields
from datetime import date, datetime
from enum import Enum
from typing import Any, Protocol, TypeVar, cast

from hms_contracts.envelope import Envelope, EventPayload
from hms_platform.clock import Clock, SystemClock
from hms_platform.logging import correlation_id

# Domain event type -> its contract: a payload class with the same fields, or a function.
Contract = type[EventPayload] | Callable[[Any], EventPayload]
Contracts = Mapping[type, Contract]


class Aggregate(Protocol):
    """What the domain's aggregates have in common: the events raised since last taken."""

    events: list[Any]


# What a repository calls with each aggregate it writes: EventRecorder.seen.
Seen = Callable[[Aggregate], None]


# Values an event's fields hold as they are: ``asdict`` would deep-copy each of them (the
# booking path spent more on that copy than on building the envelope).
_SCALARS = (str, int, float, uuid.UUID, datetime, date, Enum, type(None))
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _values(event: Any) -> dict[str, Any]:
    """The event's fields by name: read directly when every value is a scalar, else through
    ``asdict`` (nested dataclasses become dicts, lists are copied)."""
    kind = type(event)
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(event))
    values = {name: getattr(event, name) for name in names}
    if all(isinstance(v, _SCALARS) for v in values.values()):
        return values
    return asdict(event)


def to_envelope(event: object, contracts: Contracts, occurred_at: datetime) -> Envelope:
    """``event`` as the integration event its contract names (same fields unless the
    contract is a function)."""
    contract = contracts[type(event)]
    if isinstance(contract, type) and issubclass(contract, EventPayload):
        payload = contract(**_values(event))
    else:
        payload = cast(Callable[[Any], EventPayload], contract)(event)
    return Envelope.of(payload, correlation_id=correlation_id(), occurred_at=occurred_at)


class EventRecorder:
    """The events of one unit of work's transaction, as envelopes in the order taken."""

    def __init__(self, contracts: Contracts, clock: Clock | None = None) -> None:
        self.contracts = contracts
        self.clock: Clock = clock or SystemClock()  # bootstrap sets the handlers' (clocked)
        self._seen: dict[int, Aggregate] = {}  # by identity, in the order first written
        self._taken: list[Envelope] = []

    def seen(self, aggregate: Aggregate) -> None:
        """Called by a repository writing ``aggregate``: its events so far are taken now
        (after those every aggregate written before it has raised meanwhile), any it raises
        later at the next write or at commit."""
        self._seen.setdefault(id(aggregate), aggregate)
        self._take_all()

    def emit(self, event: object, *, occurred_at: datetime | None = None) -> None:
        """An event that belongs to no aggregate; ``occurred_at`` only when it is not now
        (a throttle window reported after it closed)."""
        self._take_all()  # what aggregates raised before it comes before it
        self._taken.append(to_envelope(event, self.contracts,
                                       occurred_at or self.clock.now()))

    def collect(self) -> list[Envelope]:
        """Everything taken in this transaction, for the outbox; the recorder starts over."""
        self._take_all()
        taken, self._taken = self._taken, []
        self._seen.clear()
        return taken

    def discard(self) -> None:
        """A rollback: nothing taken is written, and no aggregate's event outlives it."""
        for aggregate in self._seen.values():
            aggregate.events = []
        self._seen.clear()
        self._taken = []

    def _take_all(self) -> None:
        for aggregate in self._seen.values():
            self._take(aggregate)

    def _take(self, aggregate: Aggregate) -> None:
        if aggregate.events:
            raised, aggregate.events = aggregate.events, []
            now = self.clock.now()
            self._taken.extend(to_envelope(e, self.contracts, now) for e in raised)


class Records(Protocol):
    """A unit of work, SQL or fake, for :func:`clocked`."""

    @property
    def recorder(self) -> EventRecorder: ...


U = TypeVar("U", bound=Records)


def clocked(uow_factory: Callable[[], U], clock: Clock) -> Callable[[], U]:
    """``uow_factory`` whose units of work stamp events with ``clock``: the clock the handlers
    read, so that an event's ``occurred_at`` is the handler's ``now`` (a FakeClock in tests)."""

    def make() -> U:
        uow = uow_factory()
        uow.recorder.clock = clock
        return uow

    return make
