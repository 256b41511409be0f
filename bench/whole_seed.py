"""The `system` part's clinic, made through the gateway where that is cheap: the admin's token,
doctors from POST /api/auth/users (each signed in: a doctor calls their own line) with every
day's hours, patients who use the app registered through auth and signed in. The booking
load's patients, one new patient per booking, are written straight into appointments.people
and notifications.contacts (an Argon2 hash each in auth would be the bench's bottleneck);
today's appointments for the check-ins and the long lines of the line-size rows straight into
appointments' and queue's tables."""

from __future__ import annotations

import asyncio
import json
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import asyncpg

SLOT_MINUTES = 15
WEEKLY = [{"weekday": d, "start": "00:00", "end": "23:45"} for d in range(7)]


@dataclass
class Person:
    id: str
    token: str = ""
    phone: str = ""
    login: tuple[str, str] | None = None  # username, password: to sign in again

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Clinic:
    tz: ZoneInfo
    admin: Person
    doctors: list[Person]
    patients: list[Person] = field(default_factory=list)  # registered, with tokens
    _phones: Iterator[int] = field(default_factory=lambda: iter(range(10**8)))

    def today(self) -> date:
        return datetime.now(self.tz).date()

    def at(self, day: date, minutes: int) -> datetime:
        return datetime.combine(day, datetime.min.time(), self.tz) + timedelta(minutes=minutes)

    def booking_slots(self, doctors: list[Person]) -> Iterator[tuple[str, str]]:
        """(doctor, start) of every 15-minute slot from 2 to 85 days ahead, each once; day by
        day, slot by slot, doctor by doctor."""
        for days in range(2, 86):
            day = self.today() + timedelta(days=days)
            for slot in range(24 * 60 // SLOT_MINUTES - 1):
                start = self.at(day, slot * SLOT_MINUTES).isoformat()
                for doctor in doctors:
                    yield doctor.id, start

    def phone(self) -> str:
        return f"+2547{next(self._phones):08d}"

    async def signed_in(self, http: aiohttp.ClientSession, *, patients: bool = False) -> None:
        """Fresh tokens for the staff (and the registered patients): access tokens last 15
        minutes, a full run longer. Each row calls this before it starts."""
        gate = asyncio.Semaphore(4)

        async def again(person: Person) -> None:
            assert person.login is not None
            async with gate:
                person.token = await sign_in(http, *person.login)

        people = [self.admin, *self.doctors, *(self.patients if patients else [])]
        await asyncio.gather(*(again(p) for p in people))


async def answered(response: aiohttp.ClientResponse, *codes: int) -> Any:
    async with response:
        if response.status not in (codes or (200, 201)):
            raise RuntimeError(f"{response.method} {response.url.path}: {response.status} "
                               f"{(await response.text())[:500]}")
        text = await response.text()
        return json.loads(text) if text else None


async def sign_in(http: aiohttp.ClientSession, username: str, password: str) -> str:
    answer = await answered(await http.post("/api/auth/token", data={
        "username": username, "password": password}))
    return str(answer["access_token"])


async def open_clinic(http: aiohttp.ClientSession, admin_password: str, zone: str, dsn: str,
                      doctors: int, patients: int) -> Clinic:
    admin = Person("admin", await sign_in(http, "admin", admin_password),
                   login=("admin", admin_password))
    password, run = secrets.token_urlsafe(12), uuid.uuid4().hex[:6]
    gate = asyncio.Semaphore(4)

    async def doctor(n: int) -> Person:
        async with gate:
            made = await answered(await http.post("/api/auth/users", headers=admin.auth, json={
                "username": f"dr.{run}.{n}", "password": password, "role": "doctor",
                "full_name": f"Doctor {n}", "department": "General", "room": str(100 + n)}),
                201)
            login = (f"dr.{run}.{n}", password)
            return Person(made["id"], await sign_in(http, *login), login=login)

    async def patient(n: int) -> Person:
        phone = f"+2547{90_000_000 + n:08d}"
        async with gate:
            made = await answered(await http.post("/api/auth/patients/register", json={
                "phone_number": phone, "password": password, "full_name": f"Patient {n}"}),
                201)
            return Person(made["id"], await sign_in(http, phone, password), phone,
                          (phone, password))

    staff = list(await asyncio.gather(*(doctor(n) for n in range(doctors))))
    people = list(await asyncio.gather(*(patient(n) for n in range(patients))))
    await known(dsn, {p.id for p in staff}, {p.id for p in people})
    for one in staff:
        await answered(await http.put(f"/api/appointments/doctors/{one.id}/schedule",
                                      headers=admin.auth, json={
                                          "slot_minutes": SLOT_MINUTES, "weekly": WEEKLY,
                                          "time_off": []}))
    return Clinic(ZoneInfo(zone), admin, staff, people)


async def known(dsn: str, doctors: set[str], patients: set[str], timeout: float = 120) -> None:
    """Until auth's events have reached the services that need them: appointments and the
    queue know everyone, notifications every patient's phone."""
    everyone = list(doctors | patients)
    checks = [("SELECT count(*) FROM appointments.people WHERE id = ANY($1::uuid[])", everyone),
              ("SELECT count(*) FROM queue.people WHERE id = ANY($1::uuid[])", everyone),
              ("SELECT count(*) FROM notifications.contacts WHERE user_id = ANY($1::uuid[])",
               list(patients))]
    conn = await asyncpg.connect(dsn)
    try:
        async with asyncio.timeout(timeout):
            for sql, ids in checks:
                while await conn.fetchval(sql, ids) < len(ids):
                    await asyncio.sleep(0.3)
    finally:
        await conn.close()


async def fresh_patients(dsn: str, clinic: Clinic, n: int) -> list[Person]:
    """``n`` patients nobody has booked for, each with a phone of their own, known to
    appointments and to notifications (as auth's user_registered.v1 would have made them)."""
    people = [Person(str(uuid.uuid4()), phone=clinic.phone()) for _ in range(n)]
    ids, phones = [p.id for p in people], [p.phone for p in people]
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO appointments.people (id, role, full_name, active) "
            "SELECT id, 'patient', 'Bench patient', true FROM unnest($1::uuid[]) AS id", ids)
        await conn.execute(
            "INSERT INTO notifications.contacts (user_id, role, full_name, phone_number, active)"
            " SELECT id, 'patient', 'Bench patient', phone, true"
            " FROM unnest($1::uuid[], $2::text[]) AS t(id, phone)", ids, phones)
    finally:
        await conn.close()
    return people
