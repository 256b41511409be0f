"""The clinic the load works in, made through the gateway's public API: a receptionist, doctors
with every day's hours in 5-minute slots, patients registered with their phones; each person's
access token. Then the slots the load books, allocated so that no two bookings can collide
(one doctor's slot once; a patient once per doctor and day, never twice at one time)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx

SLOT = timedelta(minutes=5)
HOURS = ("00:00", "23:55")


@dataclass
class Person:
    id: str
    token: str
    phone: str = ""

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Clinic:
    tz: ZoneInfo
    reception: Person
    doctors: list[Person]
    patients: list[Person]
    phones: dict[str, str] = field(default_factory=dict)  # patient id -> phone

    def slots(self) -> Iterator[tuple[Person, Person, str, bool]]:
        """(patient, doctor, start, today) for every booking the load may make, one today's
        for every two of later days (today's are the ones reception checks in)."""
        return _interleave(self._today(), self._later())

    def _start(self, day: date, index: int) -> str:
        midnight = datetime.combine(day, datetime.min.time(), self.tz)
        return (midnight + index * SLOT).isoformat()

    def _today(self) -> Iterator[tuple[Person, Person, str, bool]]:
        now = datetime.now(self.tz)
        today = now.date()
        midnight = datetime.combine(today, datetime.min.time(), self.tz)
        base = int((now + timedelta(minutes=20) - midnight) / SLOT) + 1
        for j, doctor in enumerate(self.doctors):
            for i, patient in enumerate(self.patients):
                index = base + i * len(self.doctors) + j
                if index < 24 * 12 - 1:
                    yield patient, doctor, self._start(today, index), True

    def _later(self) -> Iterator[tuple[Person, Person, str, bool]]:
        today = datetime.now(self.tz).date()
        for days in range(2, 85):
            for j, doctor in enumerate(self.doctors):
                for i, patient in enumerate(self.patients):
                    index = 12 + i * len(self.doctors) + j
                    yield patient, doctor, self._start(today + timedelta(days=days), index), False


def _interleave(today: Iterator[Any], later: Iterator[Any]) -> Iterator[Any]:
    for first in today:
        yield first
        for _ in range(2):
            yield next(later)
    yield from later


async def _ok(answer: httpx.Response, *codes: int) -> dict[str, Any]:
    assert answer.status_code in (codes or (200, 201)), (answer.request.url, answer.text[:500])
    return answer.json() if answer.content else {}


async def sign_in(client: httpx.AsyncClient, username: str, password: str) -> str:
    answer = await _ok(await client.post("/api/auth/token", data={
        "username": username, "password": password}))
    return str(answer["access_token"])


async def open_clinic(client: httpx.AsyncClient, admin_password: str, tz: ZoneInfo,
                      admin_db: str, *, doctors: int, patients: int) -> Clinic:
    admin = Person("admin", await sign_in(client, "admin", admin_password))
    password = secrets.token_urlsafe(12)
    made = await _ok(await client.post("/api/auth/users", headers=admin.auth, json={
        "username": "reception", "password": password, "role": "receptionist",
        "full_name": "Front Desk"}), 201)
    reception = Person(made["id"], await sign_in(client, "reception", password))
    staff = []
    for n in range(doctors):
        made = await _ok(await client.post("/api/auth/users", headers=admin.auth, json={
            "username": f"dr{n}", "password": password, "role": "doctor",
            "full_name": f"Doctor {n}", "department": "General", "room": str(100 + n)}), 201)
        staff.append(Person(made["id"], await sign_in(client, f"dr{n}", password)))
    people = []
    for n in range(patients):
        phone = f"+2547{n:08d}"
        made = await _ok(await client.post("/api/auth/patients/register", json={
            "phone_number": phone, "password": password, "full_name": f"Patient {n}"}), 201)
        people.append(Person(made["id"], await sign_in(client, phone, password), phone))
    # everyone known where the load needs them (auth's events): appointments, queue and
    # notifications (a booking's SMS needs the patient's phone there first)
    everyone = {p.id for p in (*staff, *people, reception)}
    await _known(admin_db, everyone, {p.id for p in people})
    weekly = [{"weekday": d, "start": HOURS[0], "end": HOURS[1]} for d in range(7)]
    for doctor in staff:
        await _ok(await client.put(f"/api/appointments/doctors/{doctor.id}/schedule",
                                   headers=admin.auth, json={"slot_minutes": 5,
                                                             "weekly": weekly,
                                                             "time_off": []}))
    return Clinic(tz, reception, staff, people, {p.id: p.phone for p in people})


async def _known(admin_db: str, everyone: set[str], patients: set[str]) -> None:
    conn = await asyncpg.connect(admin_db)
    queries = {
        "SELECT count(*) FROM appointments.people WHERE id = ANY($1::uuid[])": everyone,
        "SELECT count(*) FROM queue.people WHERE id = ANY($1::uuid[])": everyone,
        "SELECT count(*) FROM notifications.contacts WHERE user_id = ANY($1::uuid[])": patients,
    }
    try:
        async with asyncio.timeout(60):
            for sql, ids in queries.items():
                while await conn.fetchval(sql, list(ids)) < len(ids):
                    await asyncio.sleep(0.3)
    finally:
        await conn.close()
