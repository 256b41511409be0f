"""Every event of the catalogue -> the event store, the read models and the audit trail,
through the inbox: a duplicate delivery, even concurrent, has one effect.
Run: ``python -m hms_reporting.entrypoints.consumer``."""

from __future__ import annotations

from hms_platform.runtime import run, serve_consumer
from hms_reporting.bootstrap import build_consumer
from hms_reporting.config import ReportingSettings

QUEUE = "reporting.events"


def main() -> None:
    settings = ReportingSettings()
    run(serve_consumer(settings, QUEUE, lambda engine: build_consumer(settings, engine)))


if __name__ == "__main__":
    main()
