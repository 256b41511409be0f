"""make bench: run every benchmark, print a table, write bench/results/<name>.json."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import event_pipeline

from hms_platform.logging import configure_logging

RESULTS = Path(__file__).parent / "results"


def main() -> None:
    RESULTS.mkdir(exist_ok=True)
    configure_logging(json=True, level="WARNING")  # measure the pipeline, not a console
    machine = {"cores": os.cpu_count(), "python": platform.python_version(),
               "at": datetime.now(UTC).isoformat(timespec="seconds")}
    for bench in (event_pipeline,):
        rows = asyncio.run(bench.run())
        (RESULTS / f"{bench.NAME}.json").write_text(
            json.dumps({"machine": machine, "rows": rows}, indent=2))
        print(f"\n{bench.NAME}  ({machine['cores']} cores)")
        width = max(len(r["measure"]) for r in rows)
        for r in rows:
            print(f"  {r['measure']:<{width}}  {r['value']:>12,.3f}  {r['unit']}")


if __name__ == "__main__":
    main()
