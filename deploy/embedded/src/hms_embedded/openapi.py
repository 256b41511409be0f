"""Every service's OpenAPI document, written where the web app's typed client is generated from
(``web/openapi/<service>.json``), or, with ``--check``, compared with what is there: built from
the services' own apps, never started (no database, no broker)."""

from __future__ import annotations

import argparse
import base64
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from hms_platform.messaging.memory import InMemoryBus
from hms_system.manifest import SYSTEM

NOWHERE = "postgresql+asyncpg://postgres@127.0.0.1:1/none"
# Keys the components insist on at construction; never used, nothing is started.
KEYS = ("QUEUE_DISPLAY_SECRET", "AUTH_KEY_ENCRYPTION_KEY", "HMS_CODE_ENCRYPTION_KEY")


def documents() -> dict[str, dict[str, Any]]:
    """Service name -> its OpenAPI document."""
    for name in KEYS:
        os.environ.setdefault(name, base64.b64encode(bytes(32)).decode())
    bus = InMemoryBus(time_scale=1.0, unbound="drop")
    return {s.name: importlib.import_module(f"{s.package}.embedded").component(NOWHERE, bus)
            .app.openapi() for s in SYSTEM.services}


def rendered(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path, nargs="?", default=Path("web/openapi"))
    parser.add_argument("--check", action="store_true", help="fail when a file is stale")
    args = parser.parse_args(argv)
    stale = []
    for name, document in documents().items():
        path, text = args.folder / f"{name}.json", rendered(document)
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path))
        else:
            args.folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    if stale:
        print(f"stale OpenAPI documents: {', '.join(stale)}; run make web-types", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
