"""``hms-sync migrate | api | consumer``: the platform's service command line
(``hms_platform.cli``)."""

from __future__ import annotations

from hms_platform.cli import service_cli
from hms_sync import MIGRATIONS
from hms_sync.config import SyncSettings

main = service_cli("hms_sync", SyncSettings, MIGRATIONS, api_port=8006,
                   description=__doc__,
                   processes={"consumer": "consume the events the feed is built from"})

if __name__ == "__main__":
    main()
