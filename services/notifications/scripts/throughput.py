"""Messages per second with N sender replicas (real `hms-notifications scheduler` processes)
against a local server speaking Twilio's Messages API, on a fresh database.

    .tools/bin/uv run --frozen python services/notifications/scripts/throughput.py \\
        [--messages 3000] [--replicas 3] [--latency-ms 0]

Needs Postgres (TEST_DATABASE_URL or 127.0.0.1:5432). Prints one line of JSON."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sys
import time
import uuid
from datetime import UTC, datetime

import asyncpg
from aiohttp import web
from sqlalchemy.engine import make_url

from hms_notifications import MIGRATIONS
from hms_notifications.adapters.unit_of_work import sql_uow_factory
from hms_notifications.domain.model import Message
from hms_platform.db import make_engine
from hms_platform.migrations import upgrade
from hms_platform.pgurl import libpq_url
from hms_platform.testing.polling import eventually
from hms_platform.testing.ports import listening_socket, port_of

SID, TOKEN = "AC" + "0" * 32, "bench-token"


async def twilio_server(sock: socket.socket, latency: float) -> tuple[web.AppRunner, list[int]]:
    count = [0]

    async def create(request: web.Request) -> web.Response:
        form = await request.post()
        if latency:
            await asyncio.sleep(latency)
        count[0] += 1
        return web.json_response({"sid": f"SM{count[0]:032d}", "status": "queued",
                                  "to": form["To"]}, status=201)

    app = web.Application()
    app.router.add_post(f"/2010-04-01/Accounts/{SID}/Messages.json", create)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    return runner, count


async def seed(url: str, n: int) -> None:
    engine = make_engine(url, pool_size=2)
    await upgrade(engine, MIGRATIONS)
    now = datetime.now(UTC)
    async with sql_uow_factory(engine)() as uow:
        for i in range(n):
            user = uuid.uuid4()
            await uow.contacts.update(user, {"role": "patient", "full_name": f"P{i}",
                                             "phone_number": f"+2547{i:08d}"})
            await uow.messages.add([Message(
                uuid.uuid4(), user, "turn_now", "sms", f"bench:{i}", now, now, uuid.uuid4(),
                {"number": i, "room": "1"})])
        await uow.commit()
    await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=0)
    args = parser.parse_args()
    base = os.environ.get("TEST_DATABASE_URL",
                          "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    name = f"hms_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(libpq_url(base))
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    sock = listening_socket()
    port = port_of(sock)
    runner, count = await twilio_server(sock, args.latency_ms / 1000)
    procs: list[asyncio.subprocess.Process] = []
    try:
        await seed(url, args.messages)
        env = {**os.environ, "NOTIFICATIONS_ENVIRONMENT": "test",
               "NOTIFICATIONS_DATABASE_URL": url, "NOTIFICATIONS_LOG_LEVEL": "WARNING",
               "NOTIFICATIONS_TWILIO_ACCOUNT_SID": SID, "NOTIFICATIONS_TWILIO_AUTH_TOKEN": TOKEN,
               "NOTIFICATIONS_TWILIO_FROM": "+15005550006",
               "NOTIFICATIONS_TWILIO_BASE_URL": f"http://127.0.0.1:{port}"}
        conn = await asyncpg.connect(libpq_url(url))
        started = time.perf_counter()
        procs = [await asyncio.create_subprocess_exec(
            sys.executable, "-m", "hms_notifications.entrypoints.scheduler", env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
            for _ in range(args.replicas)]

        async def all_sent() -> bool:
            sent = await conn.fetchval(
                "SELECT count(*) FROM notifications.messages WHERE status = 'sent'")
            return bool(sent >= args.messages)

        await eventually(all_sent, timeout=900)
        elapsed = time.perf_counter() - started  # includes the processes' start-up
        attempts = await conn.fetchval("SELECT sum(attempts) FROM notifications.messages")
        await conn.close()
        print(json.dumps({"messages": args.messages, "replicas": args.replicas,
                          "provider_latency_ms": args.latency_ms,
                          "seconds": round(elapsed, 2),
                          "messages_per_second": round(args.messages / elapsed, 1),
                          "provider_requests": count[0], "attempts": attempts}))
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            await proc.wait()
        await runner.cleanup()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
