"""``hms-reporting migrate | replay | api | consumer``: the platform's service command line
(``hms_platform.cli``) and the replay."""

from __future__ import annotations

import asyncio

from hms_platform.cli import service_cli
from hms_platform.logging import configure_logging
from hms_platform.runtime import engine_for
from hms_reporting import MIGRATIONS
from hms_reporting.adapters.store import stream_events
from hms_reporting.adapters.unit_of_work import sql_uow_factory
from hms_reporting.config import ReportingSettings
from hms_reporting.service_layer.replay import replay


async def rebuild(settings: ReportingSettings) -> int:
    """Rebuild the read models from the event store; the number of events replayed."""
    engine = engine_for(settings)
    try:
        return await replay(stream_events(engine, settings.replay_batch),
                            sql_uow_factory(engine), settings.tz)
    finally:
        await engine.dispose()


def _replay() -> None:
    settings = ReportingSettings()
    configure_logging(json=settings.json_logs, level=settings.log_level)
    print(f"replayed {asyncio.run(rebuild(settings))} events")


main = service_cli("hms_reporting", ReportingSettings, MIGRATIONS, api_port=8005,
                   description=__doc__, processes={"consumer": "consume every event"},
                   commands={"replay": ("rebuild the read models from the event store",
                                        _replay)})

if __name__ == "__main__":
    main()
