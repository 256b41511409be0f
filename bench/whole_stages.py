"""Where an event's time goes, from the services' own tables (Postgres's clock): the producer's
outbox row written (``created_at``, the writing transaction's start) -> published by its relay
(``published_at``) -> taken by the consumer (its inbox row's ``processed_at``) -> the end
(the SMS recorded sent, ``messages.sent_at``: the sender's wake-up, claim, send and record). And
``idle``: the wait, before each row, until nothing is left in flight."""

from __future__ import annotations

import asyncio
from typing import Any

import aio_pika
import asyncpg
import whole_system
from whole_load import percentiles

from hms_system.topology import render

SENT = ("SELECT min(m.sent_at) AS at FROM notifications.messages m WHERE m.subject_id = "
        "(o.body->'payload'->>'{key}')::uuid AND m.kind = '{kind}' AND m.channel = 'sms'")
FLOWS = {  # row -> (producer schema, event, payload key, consumer schema, the end's query)
    "booked": ("appointments", "appointments.appointment_booked.v1", "appointment_id",
               "notifications", SENT.format(key="appointment_id", kind="appointment_booked")),
    "checked_in": ("appointments", "appointments.patient_checked_in.v1", "appointment_id",
                   "queue", None),
    "called": ("queue", "queue.patient_called.v1", "ticket_id", "notifications",
               SENT.format(key="ticket_id", kind="turn_now")),
}


async def stages(dsn: str, flow: str, ids: list[str]) -> dict[str, Any]:
    """p50/p99/max in ms of each stage for the events about ``ids`` (appointment or ticket
    ids): relay (outbox -> published), broker and consumer (published -> the consumer's
    transaction began), and after (-> the end, when the flow has one)."""
    producer, event, key, consumer, end = FLOWS[flow]
    sql = (
        f"SELECT extract(epoch FROM o.published_at - o.created_at) * 1000,"
        f" extract(epoch FROM i.processed_at - o.published_at) * 1000,"
        f" {'extract(epoch FROM e.at - i.processed_at) * 1000' if end else 'NULL::float'}"
        f" FROM {producer}.outbox o LEFT JOIN {consumer}.inbox i ON i.event_id = o.event_id"
        + (f" LEFT JOIN LATERAL ({end}) e ON true" if end else "")
        + f" WHERE o.name = $1 AND o.body->'payload'->>'{key}' = ANY($2::text[])")
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(sql, event, ids, timeout=120)
    finally:
        await conn.close()
    names = ("relay", "consumer", "after")
    return {name: percentiles(float(r[i]) for r in rows if r[i] is not None)
            for i, name in enumerate(names)}


async def idle(system: whole_system.System, timeout: float = 180) -> float:
    """Seconds until the system is idle: every outbox published, and every consumer's
    queue (and retry queue) under the prefix empty on three reads in a row. Each row
    starts from there, not amid the backlog of the one before."""
    queues = [q["name"] for q in render(system.prefix)["queues"]
              if not q["name"].endswith(".dlq")]
    loop = asyncio.get_running_loop()
    started, calm = loop.time(), 0
    conn = await asyncpg.connect(system.admin_dsn)
    connection = await aio_pika.connect(system.amqp_url)
    try:
        channel = await connection.channel()
        async with asyncio.timeout(timeout):
            while calm < 3:
                waiting = 0
                for name in queues:
                    queue = await channel.declare_queue(name, passive=True)
                    waiting += queue.declaration_result.message_count or 0
                for name in ("auth", "appointments", "queue", "notifications"):
                    waiting += await conn.fetchval(
                        f"SELECT count(*) FROM {name}.outbox WHERE published_at IS NULL")
                calm = calm + 1 if waiting == 0 else 0
                await asyncio.sleep(0.5)
    finally:
        await connection.close()
        await conn.close()
    return loop.time() - started
