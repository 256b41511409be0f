"""The bare baseline of `make bench`: FastAPI and an asyncpg pool, nothing else (no SQLAlchemy,
no middleware, no authentication, no outbox), on the same Postgres as HMS.

    POST /insert   {doctor_id, patient_id, start} -> one INSERT ... RETURNING in a transaction,
                   201 with the row
    GET  /select?doctor_id=  -> that doctor's rows (20 each, as the bench seeds them), ordered
    POST /book     the same database work as an HMS booking, on HMS's own tables
                   (bench/same_work.py): 8 round trips, 201 with the appointment
    GET  /list?doctor_id=&limit=  the same rows, total and names as HMS's list, in one SELECT

Run: ``python bench/baseline_app.py --port 8100 --database-url postgresql://...``
(or ``BASELINE_DATABASE_URL=... uvicorn bench.baseline_app:app``). One uvicorn worker and a
pool of 10 connections, as an HMS API process has (``<PREFIX>DB_POOL_SIZE`` defaults to 10).
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

import asyncpg
import uvicorn
from fastapi import FastAPI, Request
from pydantic import AwareDatetime, BaseModel

sys.path.insert(0, os.path.dirname(__file__))  # also as ``uvicorn bench.baseline_app:app``
import same_work

POOL_SIZE = 10
SLOT = timedelta(minutes=15)
SCHEMA = """
CREATE TABLE IF NOT EXISTS bookings (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    doctor_id uuid NOT NULL,
    patient_id uuid NOT NULL,
    start_at timestamptz NOT NULL,
    end_at timestamptz NOT NULL,
    status text NOT NULL DEFAULT 'booked',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS bookings_doctor_start ON bookings (doctor_id, start_at);
"""
COLUMNS = "id, doctor_id, patient_id, start_at, end_at, status, created_at"


class BookingIn(BaseModel):
    doctor_id: uuid.UUID
    patient_id: uuid.UUID
    start: AwareDatetime


class BookingOut(BaseModel):
    id: uuid.UUID
    doctor_id: uuid.UUID
    patient_id: uuid.UUID
    start_at: datetime
    end_at: datetime
    status: str
    created_at: datetime


class Page(BaseModel):
    items: list[BookingOut]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    dsn = os.environ.get("BASELINE_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    async with asyncpg.create_pool(dsn, min_size=1, max_size=POOL_SIZE) as pool:
        async with pool.acquire() as conn:
            await conn.execute(SCHEMA)
        app.state.pool = pool
        yield


app = FastAPI(lifespan=lifespan)


@app.post("/insert", status_code=201)
async def insert(body: BookingIn, request: Request) -> BookingOut:
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow(
            f"INSERT INTO bookings (doctor_id, patient_id, start_at, end_at) "
            f"VALUES ($1, $2, $3, $4) RETURNING {COLUMNS}",
            body.doctor_id, body.patient_id, body.start, body.start + SLOT)
    return BookingOut(**dict(row))


@app.get("/select")
async def select(doctor_id: uuid.UUID, request: Request, limit: int = 20) -> Page:
    pool: asyncpg.Pool = request.app.state.pool
    rows = await pool.fetch(
        f"SELECT {COLUMNS} FROM bookings WHERE doctor_id = $1 ORDER BY start_at LIMIT $2",
        doctor_id, limit)
    return Page(items=[BookingOut(**dict(r)) for r in rows])


same_work.install(app)


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--database-url", help="libpq URL (default: BASELINE_DATABASE_URL)")
    args = parser.parse_args()
    if args.database_url:
        os.environ["BASELINE_DATABASE_URL"] = args.database_url
    uvicorn.run(app, host=args.host, port=args.port, workers=1, log_level="warning",
                access_log=False)


if __name__ == "__main__":
    main()
