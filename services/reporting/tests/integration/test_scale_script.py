"""scripts/scale.py (the million-appointment timings) works: run small, every report answers
with rows. Timings are printed by the script, never asserted."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

from hms_platform.pgurl import libpq_url

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "scale.py"


def test_the_scale_script_fills_and_times_every_report(postgres_url: str) -> None:
    admin = libpq_url(postgres_url)
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--admin-url", admin, "--appointments", "3000",
         "--runs", "1", "--database", f"hms_scale_{uuid.uuid4().hex[:8]}"],
        capture_output=True, text=True, timeout=300, check=True)
    lines = [line.split() for line in done.stdout.splitlines() if line.startswith(
        ("appointments?", "no-shows?", "penalties?", "queue?", "notifications?"))]
    assert len(lines) == 10 * 3  # ten reports, three periods each
    two_years = {parts[0]: int(parts[3]) for parts in lines if parts[1:3] == ["2", "years"]}
    assert two_years["appointments?group_by=status"] == 5
    assert two_years["appointments?group_by=doctor"] == 200
    assert all(rows > 0 for rows in two_years.values())
