"""The whole system under a steady load while its parts fail, one fault after another (issue
23, docs/operations.md "Fault suite"): after each, none lost, none doubled, every /readyz green
and every queue consumed again within 10 s. The short form (RabbitMQ stopped, the sender
SIGKILLed) runs under plain pytest; ``HMS_FAULTS=full`` (make faults) runs every fault on a
three-node RabbitMQ cluster."""

from __future__ import annotations

import pytest

from hms_platform.testing.infra import missing
from hms_platform.testing.modules import load_beside

harness = load_beside(__file__, "harness.py", "hms_faults_harness")
report = load_beside(__file__, "report.py", "hms_faults_report")
FORM = harness.chosen()

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300 if FORM.name == "short" else 1500)]


async def test_nothing_lost_nothing_doubled_under_faults(
        capsys: pytest.CaptureFixture[str]) -> None:
    if why := harness.servers.tools_missing():
        missing(why)

    def progress(row: dict[str, object]) -> None:  # each fault's counts as they come (long runs)
        if FORM.name == "short":
            return
        with capsys.disabled():
            print(f"\n{row['fault']}: " + ", ".join(f"{k}={v}" for k, v in row.items()
                                                   if k not in ("fault", "not_ready")))

    harness.LEFT_RUNNING.clear()
    async with harness.world(FORM) as world:  # a failure keeps every process's log
        rows = await harness.run(world, progress)
        path = report.write(FORM, rows)
        with capsys.disabled():
            print(f"\nfaults ({FORM.name}), counts since the start; {path}\n"
                  f"{report.table(rows)}")
        for row in rows:
            losses = {k: row[k] for k in harness.counts.LOSSES if row[k]}
            assert not losses, (row["fault"], losses)
            assert row["ready_s"] is not None, (row["fault"], row.get("not_ready"))
            assert row["consuming_s"] is not None, row["fault"]
        assert all(rows[-1][k] for k in ("acked_bookings", "acked_check_ins", "acked_calls"))
        for row in rows:  # a cluster's node lost: the others carried the events meanwhile
            assert row.get("published_while_node_down", 1) > 0, row["fault"]
    assert not harness.LEFT_RUNNING  # every server and process stopped
