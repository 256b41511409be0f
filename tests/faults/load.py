"""The steady load: patients booking, reception checking today's bookings in, doctors serving
and calling the next ticket, at fixed rates through the gateway. Every acknowledged write is
recorded (kind, id). A write that failed in transit (connection error, 5xx, the gateway's 502,
503 or 504) is sent again with the same Idempotency-Key, as a real client does, until it is
answered; never a second write under a new key."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

import httpx

GIVE_UP = 90.0  # seconds one write is retried before it counts as unanswered


@dataclass
class Ledger:
    bookings: dict[str, str] = field(default_factory=dict)  # appointment id -> patient id
    check_ins: set[str] = field(default_factory=set)  # appointment ids
    calls: dict[str, str] = field(default_factory=dict)  # ticket id -> patient id
    unanswered: list[str] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)  # "kind status"
    retried: int = 0


class Load:
    def __init__(self, client: httpx.AsyncClient, clinic: Any, *, bookings: float,
                 check_ins: float, calls: float) -> None:
        self.client, self.clinic = client, clinic
        self.rates = {"book": bookings, "check_in": check_ins, "call": calls}
        self.ledger = Ledger()
        self._slots = clinic.slots()
        self._today: deque[str] = deque()  # today's booked appointments, to check in
        self._called: dict[str, str | None] = {d.id: None for d in clinic.doctors}
        self._doctor = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._runners: list[asyncio.Task[None]] = []

    async def write(self, kind: str, method: str, path: str, who: Any,
                    body: dict[str, Any] | None = None) -> httpx.Response | None:
        key, loop = str(uuid.uuid4()), asyncio.get_running_loop()
        deadline, attempt = loop.time() + GIVE_UP, 0
        headers = {**who.auth, "Idempotency-Key": key}
        while loop.time() < deadline:
            attempt += 1
            try:
                answer = await self.client.request(method, path, headers=headers, json=body)
            except httpx.TransportError:
                answer = None
            if answer is not None and answer.status_code < 500 and not (
                    attempt > 1 and answer.status_code == 409):
                if answer.status_code >= 300:
                    self.ledger.refused[f"{kind} {answer.status_code}"] += 1
                return answer
            self.ledger.retried += 1
            await asyncio.sleep(min(0.2 * attempt, 1.0))
        self.ledger.unanswered.append(f"{kind} {path}")
        return None

    async def book(self) -> None:
        try:
            patient, doctor, start, today = next(self._slots)
        except StopIteration:
            return
        answer = await self.write("book", "POST", "/api/appointments", patient,
                                  {"doctor_id": doctor.id, "start": start, "reason": "Faults"})
        if answer is not None and answer.status_code == 201:
            appointment = answer.json()["id"]
            self.ledger.bookings[appointment] = patient.id
            if today:
                self._today.append(appointment)

    async def check_in(self) -> None:
        if not self._today:
            return
        appointment = self._today.popleft()
        answer = await self.write("check_in", "POST",
                                  f"/api/appointments/{appointment}/check-in",
                                  self.clinic.reception)
        if answer is not None and answer.status_code == 200:
            self.ledger.check_ins.add(appointment)

    async def call(self) -> None:
        doctor = self.clinic.doctors[self._doctor % len(self.clinic.doctors)]
        self._doctor += 1
        if self._called.get(doctor.id) == "busy":
            return
        current, self._called[doctor.id] = self._called.get(doctor.id), "busy"
        try:
            if current:
                await self.write("serve", "POST", f"/api/queue/tickets/{current}/serve", doctor)
                current = None
            answer = await self.write("call", "POST",
                                      f"/api/queue/doctors/{doctor.id}/call-next", doctor)
            if answer is not None and answer.status_code == 200:
                ticket = answer.json()
                self.ledger.calls[ticket["id"]] = ticket["patient_id"]
                current = ticket["id"]
        finally:
            self._called[doctor.id] = current

    async def _every(self, op: str, rate: float) -> None:
        loop = asyncio.get_running_loop()
        step, due = 1 / rate, loop.time()
        while True:
            due += step
            if len(self._tasks) < 200:  # never more in flight than this
                task = asyncio.create_task(getattr(self, op)())
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            await asyncio.sleep(max(0.0, due - loop.time()))

    def start(self) -> None:
        self._runners = [asyncio.create_task(self._every(op, rate))
                         for op, rate in self.rates.items() if rate > 0]

    async def pause(self, *, cancel: bool = False) -> None:
        """No new writes; the ones in flight finish (their retries included), or are
        cancelled (the end of a failed run)."""
        for task in self._tasks if cancel else ():
            task.cancel()
        for runner in self._runners:
            runner.cancel()
        for runner in self._runners:
            with contextlib.suppress(asyncio.CancelledError):
                await runner
        self._runners = []
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
