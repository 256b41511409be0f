"""``hms-queue migrate | api | consumer | relay``:
the platform's service command line (``hms_platform.cli``)."""

from __future__ import annotations

from hms_platform.cli import service_cli
from hms_queue import MIGRATIONS
from hms_queue.config import QueueSettings

main = service_cli("hms_queue", QueueSettings, MIGRATIONS, api_port=8003,
                   description=__doc__,
                   processes={
                       "consumer": "consume appointments' and auth's events",
                       "relay": "publish the outbox",
                   })

if __name__ == "__main__":
    main()
