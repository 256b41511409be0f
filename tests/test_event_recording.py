"""Every publishing service records events the one way (hms_platform.recording): its SQL unit
of work writes them, through one mapping that covers every domain event it can raise."""

from __future__ import annotations

import dataclasses
import importlib

import pytest

from hms_platform.unit_of_work import RecordingUnitOfWork

UNITS_OF_WORK = {  # reporting publishes nothing
    "appointments": "SqlAppointmentsUnitOfWork",
    "auth": "SqlAuthUnitOfWork",
    "notifications": "SqlNotificationsUnitOfWork",
    "queue": "SqlQueueUnitOfWork",
}


def domain_events(service: str) -> set[type]:
    module = importlib.import_module(f"hms_{service}.domain.events")
    found = {cls for cls in vars(module).values()
             if isinstance(cls, type) and dataclasses.is_dataclass(cls)
             and cls.__module__ == module.__name__}
    return {cls for cls in found if not any(o is not cls and issubclass(o, cls)
                                            for o in found)}  # not the base class


@pytest.mark.parametrize("service", sorted(UNITS_OF_WORK))
def test_the_unit_of_work_records_every_domain_event_through_its_contracts(
        service: str) -> None:
    contracts = importlib.import_module(f"hms_{service}.adapters.contracts").CONTRACTS
    uow = getattr(importlib.import_module(f"hms_{service}.adapters.unit_of_work"),
                  UNITS_OF_WORK[service])
    assert issubclass(uow, RecordingUnitOfWork)
    assert uow.contracts is contracts
    assert domain_events(service) == set(contracts)
