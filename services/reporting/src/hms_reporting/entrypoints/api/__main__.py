"""`python -m hms_reporting.entrypoints.api [--host H] [--port P]`, or `hms-reporting api`:
serve the API with uvicorn."""

from __future__ import annotations

from hms_platform.web.serving import api_process
from hms_reporting.config import ReportingSettings
from hms_reporting.entrypoints.api.app import create_app

serve, main = api_process(ReportingSettings, create_app, prog="hms-reporting api", port=8005,
                          description=__doc__)

if __name__ == "__main__":
    main()
