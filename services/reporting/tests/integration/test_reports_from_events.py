"""Events through the real inbox consumer into Postgres: the reports say what happened, the
same whatever the order and however often each event is delivered, and a replay from the
event store (twice) gives the same reports again."""

from __future__ import annotations

import random
import uuid
from typing import Any

import sqlalchemy as sa

from hms_reporting.domain.queries import Period
from hms_reporting.entrypoints.cli import rebuild
from hms_reporting.service_layer import commands as c


async def all_reports(bus: Any, day: Any) -> dict[str, Any]:
    period = Period(day, day)
    found: dict[str, Any] = {}
    for g in ("day", "doctor", "status"):
        found[f"appointments/{g}"] = (await bus.handle(c.AppointmentsReport(period, g)))[0]
    for g in ("doctor", "patient", "day"):
        found[f"no-shows/{g}"] = (await bus.handle(c.NoShowsReport(period, g)))[0]
    for g in ("patient", "doctor"):
        found[f"penalties/{g}"] = (await bus.handle(c.PenaltiesReport(period, g)))[0]
    found["queue"] = (await bus.handle(c.QueueReport(period)))[0]
    found["notifications"] = (await bus.handle(c.NotificationsReport(period)))[0]
    return found


async def test_reports_reflect_the_events(producer, bus, scenario) -> None:
    for envelope in scenario.envelopes:
        await producer.deliver(envelope)
    reports = await all_reports(bus, scenario.day)
    d0, d1 = (str(d) for d in scenario.ids.doctors)
    by_status = {r["status"]: r["appointments"] for r in reports["appointments/status"]}
    assert by_status == {"completed": 2, "no_show": 2, "cancelled": 1}
    no_shows = {str(r["doctor_id"]): (r["doctor_name"], r["no_shows"], r["due"], r["rate_percent"])
                for r in reports["no-shows/doctor"]}
    assert no_shows == {d0: ("Dr Number 0", 1, 2, 50.0), d1: ("Dr Number 1", 1, 2, 50.0)}
    penalties = {str(r["doctor_id"]): (r["active"], r["waived"])
                 for r in reports["penalties/doctor"]}
    assert penalties == {d0: (1, 0), d1: (0, 1)}
    queue = {str(r["doctor_id"]): r for r in reports["queue"]}
    assert (queue[d0]["served"], queue[d0]["missed"]) == (2, 0)
    assert (queue[d0]["wait_minutes_mean"], queue[d0]["wait_minutes_p50"]) == (7.5, 7.5)
    assert queue[d0]["wait_minutes_p90"] == 9.5  # (300 + 0.9 * (600 - 300)) / 60
    assert (queue[d1]["served"], queue[d1]["missed"]) == (1, 1)
    notes = {(r["channel"], r["kind"]): (r["sent"], r["failed"], r["deduplicated"])
             for r in reports["notifications"]}
    assert notes == {("email", "appointment_booked"): (2, 0, 1),
                     ("sms", "appointment_booked"): (1, 1, 0)}


async def test_capped_notifications_are_counted_apart(producer, bus) -> None:
    """notifications' hourly cap per recipient reports what it held back as
    notification_failed with reason "capped": counted as capped, not as failed."""
    from datetime import date

    from hms_contracts.notifications import NotificationFailed, NotificationSent

    patient = uuid.uuid4()
    for i, (event, reason) in enumerate([(NotificationSent, None), (NotificationFailed, None),
                                         (NotificationFailed, "capped"),
                                         (NotificationFailed, "capped")]):
        extra = {} if reason is None else {"reason": reason}
        sent = await producer.send(event(
            notification_id=uuid.uuid4(), recipient_id=patient, channel="sms",
            kind="appointment_cancelled", dedup_key=f"{i}:cancelled", attempts=1, **extra))
        await producer.deliver(sent)  # delivered twice: counted once
    day = date(2026, 3, 2)
    [row] = (await bus.handle(c.NotificationsReport(Period(day, day))))[0]
    assert {k: row[k] for k in ("channel", "kind", "sent", "failed", "capped",
                                "deduplicated")} == {
        "channel": "sms", "kind": "appointment_cancelled", "sent": 1, "failed": 1,
        "capped": 2, "deduplicated": 0}


async def test_order_and_duplicates_change_nothing_and_replay_twice_gives_the_same(
        db, producer, bus, scenario, settings) -> None:
    for envelope in scenario.envelopes:
        await producer.deliver(envelope)
    in_order = await all_reports(bus, scenario.day)
    async with db.begin() as conn:  # a fresh start: the same events again, mixed up
        names = "events, appointments, tickets, penalties, notifications, people, audit_log, inbox"
        await conn.execute(sa.text(
            "TRUNCATE " + ", ".join(f"reporting.{t.strip()}" for t in names.split(","))))
    rng = random.Random(7)
    mixed = scenario.envelopes + rng.sample(scenario.envelopes, len(scenario.envelopes) // 2)
    rng.shuffle(mixed)
    for envelope in mixed:
        await producer.deliver(envelope)
    assert await all_reports(bus, scenario.day) == in_order
    async with db.connect() as conn:
        stored = await conn.scalar(sa.text("SELECT count(*) FROM reporting.events"))
        audited = await conn.scalar(sa.text("SELECT count(*) FROM reporting.audit_log"))
    assert stored == len(scenario.envelopes)
    assert await rebuild(settings) == len(scenario.envelopes)
    first = await all_reports(bus, scenario.day)
    assert await rebuild(settings) == len(scenario.envelopes)
    assert await all_reports(bus, scenario.day) == first == in_order
    async with db.connect() as conn:  # the replays added no audit entry twice
        assert await conn.scalar(sa.text("SELECT count(*) FROM reporting.audit_log")) == audited


async def test_a_report_comes_in_pages_with_its_total(producer, bus, scenario) -> None:
    for envelope in scenario.envelopes:
        await producer.deliver(envelope)
    period = Period(scenario.day, scenario.day)
    whole, total, columns = await bus.handle(c.NoShowsReport(period, "patient"))
    assert columns == ["patient_id", "patient_name", "no_shows", "due", "rate_percent"]
    assert total == len(whole) == 3
    assert [r["no_shows"] for r in whole] == sorted((r["no_shows"] for r in whole), reverse=True)
    pages = [await bus.handle(c.NoShowsReport(period, "patient", (2, offset)))
             for offset in (0, 2, 4)]
    assert [p.rows for p in pages] == [whole[:2], whole[2:], []]
    assert [p.total for p in pages] == [3, 3, 0]


async def test_a_replay_writes_the_audit_entries_the_consumer_wrote(
        db, producer, scenario, settings) -> None:
    for envelope in scenario.envelopes:
        await producer.deliver(envelope)
    columns = ("event_id, occurred_at, action, subject_id, actor_id, actor_role, "
               "correlation_id, detail::text")

    async def trail() -> list[tuple[object, ...]]:
        async with db.connect() as conn:
            result = await conn.execute(sa.text(
                f"SELECT {columns} FROM reporting.audit_log ORDER BY event_id"))
            return [tuple(r) for r in result]

    written = await trail()
    assert len(written) > 30
    async with db.begin() as conn:  # only the test's superuser can: lost, say, to a restore
        await conn.execute(sa.text("TRUNCATE reporting.audit_log"))
    settings = settings.model_copy(update={"replay_batch": 7})  # pages split the story
    assert await rebuild(settings) == len(scenario.envelopes)
    assert await trail() == written
