"""Every event of the catalogue -> this service's message bus (the event store, the read models
and the audit trail), through the inbox (hms_platform.consumers): its bus handles all of them.
Run: ``python -m hms_reporting.entrypoints.consumer``."""

from __future__ import annotations

from hms_platform.consumers import consumer_process
from hms_reporting.bootstrap import build
from hms_reporting.config import ReportingSettings

QUEUE, CONSUMER = "reporting.events", "reporting"
build_consumer, main = consumer_process(ReportingSettings, QUEUE, CONSUMER, build)

if __name__ == "__main__":
    main()
