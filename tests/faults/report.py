"""The suite's table of faults x counts, and its JSON under tests/faults/results/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


COLUMNS = ("fault", "ready_s", "consuming_s", "acked_bookings", "appointments",
           "acked_check_ins", "tickets", "acked_calls", "outbox_published",
           "outbox_unpublished", "reporting_missing", "sms_sent", "provider_messages",
           "provider_doubled", "provider_hung_up", "booked_sms_lost", "turn_sms_lost",
           "duplicated", "retried", "unanswered", "restarts", "at_s")


def table(rows: list[dict[str, Any]]) -> str:
    head = [c.replace("_", " ") for c in COLUMNS]
    cells = [[str(r.get(c, "")) for c in COLUMNS] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(head)]
    line = lambda values: " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True))  # noqa: E731
    return "\n".join([line(head), "-+-".join("-" * w for w in widths), *map(line, cells)])


def write(form: Any, rows: list[dict[str, Any]]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{form.name}.json"
    path.write_text(json.dumps(rows, indent=2, default=str) + "\n")
    return path
