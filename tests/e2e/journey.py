"""The whole patient journey, as clients walk it through the one base URL (the gateway's, or
`make run`'s), shared by the local-process run's test and the embedded run's test.

An admin creates a doctor and a receptionist and sets the doctor's hours; two patients register
and book (a second booking of a slot is refused); reception checks one in; the patient sees the
ticket, its position and estimate; a walk-in with urgency 1 goes ahead; the doctor calls,
serves and completes; a desk that was offline pushes a walk-in's registration, ticket and
urgency change in one /api/sync batch, twice, with one effect; the other patient's visit
becomes a no-show (in the embedded run the scheduler marks it, with no grace period; in the
local-process run reception does, through the API), its penalty is applied and its escalation
email reaches a real SMTP server; every message went out exactly once per channel, the
walk-in's activation code by SMS included; the reports and the audit trail show it all, the
check-in, the doctor's read of the notes and an admin's role change each audited with its
actor.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from aiosmtpd.controller import Controller

from hms_platform.testing.polling import eventually
from hms_platform.testing.ports import smtp_controller

# A zone where it is daytime now: the doctor's hours start a minute or two from now.
ZONES = ("Pacific/Auckland", "Asia/Tokyo", "Asia/Kolkata", "Africa/Nairobi", "Europe/Paris",
         "America/Sao_Paulo", "America/New_York", "America/Los_Angeles", "Pacific/Honolulu")


def daytime_zone() -> str:
    for zone in ZONES:
        if 6 <= datetime.now(ZoneInfo(zone)).hour < 18:
            return zone
    raise RuntimeError("no daytime zone in the list")


def settings(zone: str, smtp_port: int, no_show_by: str = "scheduler") -> dict[str, str]:
    """What the services need for the journey: one clinic zone, the email channel on a real
    SMTP server (the others on the console), quick senders, and no-shows marked by the
    scheduler as soon as a slot has started (``no_show_by="scheduler"``) or left to reception
    (``"desk"``: the scheduler keeps its grace period)."""
    env = {f"{p}_CLINIC_TIMEZONE": zone
           for p in ("APPOINTMENTS", "QUEUE", "NOTIFICATIONS", "REPORTING")}
    env.update(NOTIFICATIONS_SMTP_HOST="127.0.0.1", NOTIFICATIONS_SMTP_PORT=str(smtp_port),
               NOTIFICATIONS_SMTP_STARTTLS="false", NOTIFICATIONS_CONSOLE_CHANNEL="true",
               NOTIFICATIONS_SENDER_INTERVAL_SECONDS="0.2")
    if no_show_by == "scheduler":
        env.update(APPOINTMENTS_NO_SHOW_GRACE_MINUTES="0",
                   APPOINTMENTS_NO_SHOW_INTERVAL_SECONDS="1")
    return env


class Inbox:
    """A real SMTP server's (aiosmtpd) handler: keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 Message accepted"


def smtp_server() -> tuple[Controller, Inbox]:
    inbox = Inbox()
    return smtp_controller(inbox), inbox


class Client:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def call(self, method: str, path: str, token: str | None = None,
                   expect: int = 200, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        answer = await self.http.request(method, path, headers=headers, **kwargs)
        assert answer.status_code == expect, (method, path, answer.status_code, answer.text)
        return answer.json() if answer.content else None

    async def token(self, username: str, password: str) -> str:
        return str((await self.call("POST", "/api/auth/token", data={
            "username": username, "password": password}))["access_token"])

    async def until(self, method: str, path: str, token: str, **kwargs: Any) -> Any:
        """Retry while the answer is 404: the subject has not reached this service yet."""
        for _ in range(100):
            answer = await self.http.request(method, path, **kwargs,
                                             headers={"Authorization": f"Bearer {token}"})
            if answer.status_code != 404:
                assert answer.status_code < 300, (path, answer.status_code, answer.text)
                return answer.json()
            await asyncio.sleep(0.2)
        raise AssertionError(f"{path}: still 404")


async def offline_desk(c: Client, desk: str, medic: str, doctor_id: str) -> None:
    """The desk was offline: a walk-in's registration, their ticket and an urgency change,
    kept as operations, go in one batch through /api/sync once the network is back; the
    doctor's line shows the ticket; the same batch sent again changes nothing."""
    walker, ticket, when = str(uuid.uuid4()), str(uuid.uuid4()), datetime.now(UTC).isoformat()
    batch = {"operations": [
        {"op_id": str(uuid.uuid4()), "entity": "patient", "action": "register", "id": walker,
         "client_updated_at": when, "fields": {
             "phone_number": f"+2547{uuid.uuid4().int % 10**8:08d}",
             "full_name": "Offline Walk In"}},
        {"op_id": str(uuid.uuid4()), "entity": "ticket", "action": "issue", "id": ticket,
         "client_updated_at": when,
         "fields": {"patient_id": walker, "doctor_id": doctor_id, "urgency": 3}},
        {"op_id": str(uuid.uuid4()), "entity": "ticket", "action": "update", "id": ticket,
         "client_updated_at": when, "fields": {"urgency": 2}},
    ]}
    pushed = await c.call("POST", "/api/sync", desk, json=batch)
    assert [r["outcome"] for r in pushed["results"]] == ["applied"] * 3, pushed
    line = f"/api/queue/doctors/{doctor_id}"
    waiting = (await c.call("GET", line, medic))["waiting"]
    assert [(t["id"], t["patient_id"], t["urgency"]) for t in waiting] == [(ticket, walker, 2)]
    again = await c.call("POST", "/api/sync", desk, json=batch)
    assert [r["outcome"] for r in again["results"]] == ["duplicate"] * 3, again
    assert (await c.call("GET", line, medic))["waiting"] == waiting


async def hours_from_next_minute(c: Client, admin: str, doctor_id: str,
                                 tz: ZoneInfo) -> datetime:
    """The doctor's hours start at the next whole minute at least 30 s away (the first slot
    must still be bookable when the patients book it), so the missed visit starts soon."""
    first = (datetime.now(tz) + timedelta(seconds=90)).replace(second=0, microsecond=0)
    until = min(first + timedelta(hours=3), first.replace(hour=23, minute=55))
    weekly = [{"weekday": first.weekday(), "start": f"{first:%H:%M}", "end": f"{until:%H:%M}"}]
    await c.until("PUT", f"/api/appointments/doctors/{doctor_id}/schedule", admin,
                  json={"slot_minutes": 5, "weekly": weekly, "time_off": []})
    return first


async def walk(http: httpx.AsyncClient, admin_password: str, zone: str,
               emails: list[Any], no_show_by: str = "scheduler") -> None:
    """``no_show_by``: "scheduler" (it marks the missed visit on its own once its slot has
    started) or "desk" (reception marks it through the API as soon as it may)."""
    c, tz, tag = Client(http), ZoneInfo(zone), uuid.uuid4().hex[:6]
    admin = await c.token("admin", admin_password)
    doctor = await c.call("POST", "/api/auth/users", admin, 201, json={
        "username": f"dr{tag}", "password": "doctor-password-1", "role": "doctor",
        "full_name": "Dr Journey", "department": "General", "room": "12"})
    desk_user = await c.call("POST", "/api/auth/users", admin, 201, json={
        "username": f"desk{tag}", "password": "desk-password-1", "role": "receptionist",
        "full_name": "Front Desk"})
    desk = await c.token(f"desk{tag}", "desk-password-1")
    patients = {}
    for who in ("amina", "baraka"):
        phone = f"+2547{uuid.uuid4().int % 10**8:08d}"
        registered = await c.call("POST", "/api/auth/patients/register", None, 201, json={
            "phone_number": phone, "password": f"{who}-password-1", "full_name": who.title(),
            "email": f"{who}.{tag}@example.org"})
        patients[who] = (registered["id"], await c.token(phone, f"{who}-password-1"))
    amina, baraka = patients["amina"], patients["baraka"]
    first = await hours_from_next_minute(c, admin, doctor["id"], tz)
    slot = [first + timedelta(minutes=5 * i) for i in range(2)]
    missed = await c.until("POST", "/api/appointments", baraka[1], json={
        "doctor_id": doctor["id"], "start": slot[0].isoformat()})
    visit = await c.call("POST", "/api/appointments", amina[1], 201, json={
        "doctor_id": doctor["id"], "start": slot[1].isoformat()})
    await c.call("POST", "/api/appointments", amina[1], 409, json={  # the same slot again
        "doctor_id": doctor["id"], "start": slot[1].isoformat()})

    await c.call("POST", f"/api/appointments/{visit['id']}/check-in", desk)
    mine: list[Any] = []

    async def ticket_shows() -> bool:
        mine[:] = await c.call("GET", "/api/queue/tickets/mine", amina[1])
        return len(mine) == 1
    await eventually(ticket_shows, timeout=30, interval=0.2)
    assert mine[0]["status"] == "waiting" and mine[0]["people_ahead"] == 0
    assert mine[0]["position"] == 1 and mine[0]["eta_minutes"] >= 0

    walk_in = await c.call("POST", "/api/auth/patients", desk, 201, json={
        "phone_number": f"+2547{uuid.uuid4().int % 10**8:08d}", "full_name": "Walk In"})
    urgent = await c.until("POST", "/api/queue/tickets", desk, json={
        "patient_id": walk_in["id"], "doctor_id": doctor["id"], "urgency": 1})
    assert urgent["position"] == 1
    behind = (await c.call("GET", "/api/queue/tickets/mine", amina[1]))[0]
    assert (behind["position"], behind["people_ahead"]) == (2, 1)  # the walk-in went ahead

    medic = await c.token(f"dr{tag}", "doctor-password-1")
    line = f"/api/queue/doctors/{doctor['id']}"
    called = await c.call("POST", f"{line}/call-next", medic)
    assert called["id"] == urgent["id"]
    await c.call("POST", f"/api/queue/tickets/{called['id']}/serve", medic)
    called = await c.call("POST", f"{line}/call-next", medic)
    assert called["id"] == mine[0]["id"]
    await c.call("POST", f"/api/queue/tickets/{called['id']}/serve", medic)
    await c.call("POST", f"/api/appointments/{visit['id']}/complete", medic, json={
        "diagnosis": "Seasonal rhinitis", "treatment": "Rest"})
    seen = await c.call("GET", f"/api/appointments/{visit['id']}", medic)
    assert seen["diagnosis"] == "Seasonal rhinitis"  # a read the audit trail must hear of
    await c.call("POST", f"{line}/call-next", medic, 404)  # the line is empty
    await offline_desk(c, desk, medic, doctor["id"])

    if no_show_by == "scheduler":
        async def no_show() -> bool:  # the scheduler, once the slot has started
            got = await c.call("GET", f"/api/appointments/{missed['id']}", admin)
            return bool(got["status"] == "no_show")
    else:  # reception marks it by hand; too early (409) until the slot has started
        async def no_show() -> bool:
            answer = await http.post(f"/api/appointments/{missed['id']}/no-show",
                                     headers={"Authorization": f"Bearer {desk}"})
            assert answer.status_code == 200 or "not started" in answer.text, answer.text
            return answer.status_code == 200
    await eventually(no_show, timeout=150, interval=0.5)
    penalties = await c.call("GET", "/api/appointments/penalties", admin,
                             params={"patient_id": baraka[0]})
    assert penalties["total"] == 1

    def penalty_mails() -> list[Any]:
        return [e for e in emails if f"baraka.{tag}@example.org" in e.rcpt_tos
                and b"no-show penalt" in e.content]
    await eventually(penalty_mails, timeout=60, interval=0.2)

    async def messages(patient: str, kinds: set[str]) -> Counter[tuple[str, str]]:
        log = await c.call("GET", "/api/notifications", admin,
                           params={"recipient_id": patient, "limit": 100})
        return Counter((m["kind"], m["channel"]) for m in log["items"]
                       if m["status"] == "sent" and m["kind"] in kinds)
    expected = {"appointment_booked", "turn_approaching", "turn_now"}

    async def all_sent() -> bool:
        return ({k for k, _ in await messages(amina[0], expected)} == expected
                and bool(await messages(walk_in["id"], {"activation_code"})))
    await eventually(all_sent, timeout=60, interval=0.5)
    await asyncio.sleep(2)  # a duplicate would have been sent by now
    sent = await messages(amina[0], expected)
    assert set(sent.values()) == {1}, sent  # exactly once per kind and channel
    # the walk-in's activation code, by SMS, once (sealed everywhere but in the SMS itself)
    assert await messages(walk_in["id"], {"activation_code"}) == {("activation_code", "sms"): 1}
    assert len(penalty_mails()) == 1  # the escalation email, once

    async def reported() -> bool:
        rows = await c.call("GET", "/api/reports/appointments", admin,
                            params={"group_by": "doctor"})
        mine = [r for r in rows["rows"] if r.get("doctor_id") == doctor["id"]]
        return bool(mine) and mine[0]["completed"] == 1 and mine[0]["no_show"] == 1
    await eventually(reported, timeout=60, interval=0.5)
    audit = await c.call("GET", "/api/audit", admin, params={"subject_id": missed["id"]})
    assert audit["items"], "the no-show is in the audit trail"
    # a role change, with who made it and when
    me = await c.call("GET", "/api/auth/me", admin)
    await c.call("PATCH", f"/api/auth/users/{desk_user['id']}", admin,
                 json={"role": "admin"})

    async def role_change_audited() -> bool:
        entries = (await c.call("GET", "/api/audit", admin, params={
            "subject_id": desk_user["id"], "action": "auth.role_changed"}))["items"]
        return any(e["actor_id"] == me["id"] and e["occurred_at"] for e in entries)
    await eventually(role_change_audited, timeout=30, interval=0.5)

    async def notes_read_audited() -> bool:  # who read the notes, never what they say
        entries = (await c.call("GET", "/api/audit", admin, params={
            "subject_id": visit["id"], "action": "appointments.clinical_record_read"}))["items"]
        return any(e["actor_id"] == doctor["id"] and "Rest" not in str(e) for e in entries)
    await eventually(notes_read_audited, timeout=30, interval=0.5)

    async def check_in_audited() -> bool:  # the desk that checked the patient in
        entries = (await c.call("GET", "/api/audit", admin, params={
            "subject_id": visit["id"], "action": "appointments.patient_checked_in"}))["items"]
        return any(e["actor_id"] == desk_user["id"] for e in entries)
    await eventually(check_in_audited, timeout=30, interval=0.5)
