"""`python -m hms_sync.entrypoints.api [--host H] [--port P]`, or `hms-sync api`: serve the API
with uvicorn."""

from __future__ import annotations

from hms_platform.web.serving import api_process
from hms_sync.config import SyncSettings
from hms_sync.entrypoints.api.app import create_app

serve, main = api_process(SyncSettings, create_app, prog="hms-sync api", port=8006,
                          description=__doc__)

if __name__ == "__main__":
    main()
