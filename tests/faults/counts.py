"""What the suite counts after each fault, in the databases (as the superuser), at the broker
and at the provider, against what the load saw acknowledged: none lost, none doubled."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from typing import Any

import aio_pika
import asyncpg

from hms_system.manifest import SYSTEM

SENT = ("sent", "delivered")
QUEUES = [s.consumes.queue for s in SYSTEM.services if s.consumes is not None]
OUTBOXES = [s.name for s in SYSTEM.services]


async def broker_queues(urls: list[str]) -> dict[str, tuple[int, int]]:
    """queue -> (consumers, ready messages), from the first node that answers."""
    for url in urls:
        with contextlib.suppress(Exception):
            connection = await aio_pika.connect(url, timeout=3)
            async with connection:
                channel = await connection.channel()
                found = {}
                for name in QUEUES:
                    queue = await channel.declare_queue(name, passive=True)
                    result = queue.declaration_result
                    found[name] = (result.consumer_count or 0, result.message_count or 0)
                return found
    return {}


async def count(admin_db: str, amqp_urls: list[str], ledger: Any, phones: dict[str, str],
                provider: Any) -> dict[str, Any]:
    conn = await asyncpg.connect(admin_db)
    try:
        booked = {str(r["id"]) for r in await conn.fetch(
            "SELECT id FROM appointments.appointments")}
        tickets = [str(r["appointment_id"]) for r in await conn.fetch(
            "SELECT appointment_id FROM queue.tickets WHERE appointment_id IS NOT NULL")]
        outbox: dict[str, tuple[int, int]] = {}
        published_ids: set[str] = set()
        for schema in OUTBOXES:
            rows = await conn.fetch(f'SELECT event_id, published_at FROM "{schema}".outbox')
            done = [str(r["event_id"]) for r in rows if r["published_at"] is not None]
            outbox[schema] = (len(done), len(rows) - len(done))
            published_ids.update(done)
        stored = {str(r["event_id"]) for r in await conn.fetch(
            "SELECT event_id FROM reporting.events")}
        messages = await conn.fetch(
            "SELECT kind, channel, dedup_key, subject_id, recipient_id, status, body, due_at,"
            " due_at <= now() AS due FROM notifications.messages")
    finally:
        await conn.close()
    sms = [m for m in messages if m["channel"] == "sms"]
    sent = [m for m in sms if m["status"] in SENT]
    by_subject = {(m["kind"], str(m["subject_id"])) for m in sent}
    at_provider = provider.per_message()
    # the same text may go to one person twice (two tickets' "2 people ahead"): as multisets
    expected = Counter((phones.get(str(m["recipient_id"]), "?"), m["body"]) for m in sent)
    queues = await broker_queues(amqp_urls)
    return {
        "acked_bookings": len(ledger.bookings),
        "acked_check_ins": len(ledger.check_ins),
        "acked_calls": len(ledger.calls),
        "unanswered": len(ledger.unanswered),
        "retried": ledger.retried,
        "appointments": len(booked),
        "bookings_lost": len(set(ledger.bookings) - booked),
        "appointments_unacked": len(booked - set(ledger.bookings)),
        "tickets": len(tickets),
        "tickets_lost": len(ledger.check_ins - set(tickets)),
        "tickets_doubled": len(tickets) - len(set(tickets)),
        "outbox_published": sum(p for p, _ in outbox.values()),
        "outbox_unpublished": sum(u for _, u in outbox.values()),
        "reporting_missing": len(published_ids - stored),
        "sms_sent": len(sent),
        "booked_sms_lost": sum(("appointment_booked", a) not in by_subject
                               for a in ledger.bookings),
        "turn_sms_lost": sum(("turn_now", t) not in by_subject for t in ledger.calls),
        "sms_due_unsent": sum(m["status"] in ("pending", "sending") and m["due"] for m in sms),
        "provider_messages": sum(at_provider.values()),
        "provider_doubled": sum((at_provider - expected).values()),
        "provider_missing": sum((expected - at_provider).values()),
        "dedup_keys_doubled": len(sms) - len({(m["dedup_key"], m["channel"]) for m in sms}),
        "queues_without_consumer": sum(c == 0 for c, _ in queues.values())
        if queues else len(QUEUES),
        "queued_messages": sum(m for _, m in queues.values()),
    }


LOSSES = ("bookings_lost", "appointments_unacked", "tickets_lost", "tickets_doubled",
          "outbox_unpublished", "reporting_missing", "booked_sms_lost", "turn_sms_lost",
          "sms_due_unsent", "provider_doubled", "provider_missing",
          "dedup_keys_doubled", "queues_without_consumer", "queued_messages", "unanswered")


# What may still be on its way (events, messages): waited for; the rest never changes by waiting.
IN_FLIGHT = ("tickets_lost", "outbox_unpublished", "reporting_missing", "booked_sms_lost",
             "turn_sms_lost", "sms_due_unsent", "provider_missing", "queues_without_consumer",
             "queued_messages")


def settled(counts: dict[str, Any]) -> bool:
    return not any(counts[name] for name in IN_FLIGHT)


async def settle(timeout: float, measure: Any) -> dict[str, Any]:
    """Count until nothing is missing or in flight any more, or ``timeout`` passed: the last
    counts either way (the test asserts on them)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        counts = await measure()
        if settled(counts) or loop.time() > deadline:
            return counts
        await asyncio.sleep(1.0)
