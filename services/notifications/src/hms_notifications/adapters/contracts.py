"""Which integration event (hms_contracts.notifications) each domain event leaves as: the
same name and fields. The unit of work writes them to the outbox (hms_platform.recording)."""

from __future__ import annotations

from hms_contracts import notifications as contracts
from hms_notifications.domain import events as ev
from hms_platform.recording import Contract

CONTRACTS: dict[type, Contract] = {
    ev.NotificationSent: contracts.NotificationSent,
    ev.NotificationFailed: contracts.NotificationFailed,
}
