"""``make seed``: a demo clinic in a running HMS (``make run`` or ``make dev``), through its
public API on the gateway's port, so a newcomer sees a living system.

Three doctors with weekly hours, a receptionist, six patients, today's appointments (the next
free slots of the clinic day; tomorrow's morning once today's hours are over) and the first
three checked in, so their tickets wait in the doctors' lines. The first patient is the patient
app's demo (``patient_app`` in the output, with the app's address): a ticket in a line (their
appointment checked in, or a walk-in ticket once today's hours are over) and a visit still
booked, tomorrow. The logins are printed and kept
in ``<data dir>/demo-logins.json`` (owner-only); a second run prints them again and changes
nothing.

    python -m hms_embedded.seed [--base-url URL] [--data-dir .hms]

The address is ``make run``'s: http://HMS_HOST:HMS_PORT (127.0.0.1:8000; a server listening
on every address, 0.0.0.0 or ::, is reached on 127.0.0.1). HMS_URL names another address, and
--base-url wins over both. (``make dev``'s gateway is on 127.0.0.1:8000 too: seed it with
HMS_DATA_DIR=.hms-dev, where its admin's password is.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx

DOCTORS = [("dr.achieng", "Dr Achieng Odhiambo", "General medicine", "101"),
           ("dr.mwangi", "Dr Peter Mwangi", "Paediatrics", "102"),
           ("dr.hassan", "Dr Fatuma Hassan", "Dental", "103")]
PATIENTS = [("+254700000101", "Amina Otieno"), ("+254700000102", "Brian Kiprop"),
            ("+254700000103", "Wanjiru Kamau"), ("+254700000104", "Omar Abdi"),
            ("+254700000105", "Grace Njeri"), ("+254700000106", "Kevin Ochieng")]
HOURS = ("07:00", "21:00")  # every day of the week, so a demo started at any hour has slots
CHECKED_IN = 3


class Clinic:
    def __init__(self, client: httpx.AsyncClient, tz: ZoneInfo) -> None:
        self.client, self.tz = client, tz

    async def call(self, method: str, path: str, token: str | None = None,
                   ok: tuple[int, ...] = (200, 201), **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.client.request(method, path, headers=headers, **kwargs)
        if response.status_code not in ok:
            raise SystemExit(f"{method} {path}: {response.status_code} {response.text[:300]}")
        return response.json() if response.content else None

    async def sign_in(self, username: str, password: str) -> str:
        answer = await self.call("POST", "/api/auth/token",
                                 data={"username": username, "password": password})
        return str(answer["access_token"])

    async def known_to_appointments(self, token: str, ids: set[str]) -> None:
        """Doctors reach appointments through auth's events: wait until all have."""
        async with asyncio.timeout(60):
            while True:
                page = await self.call("GET", "/api/appointments/doctors", token,
                                       params={"limit": 100})
                if ids <= {d["id"] for d in page["items"]}:
                    return
                await asyncio.sleep(0.3)

    async def create(self, token: str, path: str, body: dict[str, Any]) -> Any:
        """POST, waiting while the owner has not yet heard of the new patient (404)."""
        async with asyncio.timeout(60):
            while True:
                response = await self.client.post(path, json=body,
                                                  headers={"Authorization": f"Bearer {token}"})
                if response.status_code != 404:
                    break
                await asyncio.sleep(0.3)
        if response.status_code != 201:
            raise SystemExit(f"{path}: {response.status_code} {response.text[:300]}")
        return response.json()

    async def book(self, token: str, doctor: str, patient: str, start: str) -> Any:
        return await self.create(token, "/api/appointments", {
            "doctor_id": doctor, "patient_id": patient, "start": start, "reason": "Demo visit"})

    async def in_the_lines(self, token: str, arrived: list[dict[str, Any]]) -> None:
        """Tickets come from the check-in events: wait until every arrival holds one, so the
        clinic is ready when the seed says so."""
        try:
            async with asyncio.timeout(60):
                for appointment in arrived:
                    while True:
                        if await self._waiting(token, appointment):
                            break
                        await asyncio.sleep(0.3)
        except TimeoutError:
            raise SystemExit("checked in, but the queue made no ticket within 60 s: "
                             "is the queue's consumer running?") from None

    async def _waiting(self, token: str, appointment: dict[str, Any]) -> bool:
        line = await self.call("GET", f"/api/queue/doctors/{appointment['doctor_id']}", token,
                               params={"limit": 200})
        return any(t["appointment_id"] == appointment["id"] for t in line["waiting"])

    async def patient_app_demo(self, token: str, doctors: list[str], patient: str,
                               booked: list[dict[str, Any]],
                               arrived: list[dict[str, Any]]) -> None:
        """The first patient holds a ticket and a visit still booked: what the patient app
        shows on its first screen."""
        if not any(a["patient_id"] == patient for a in arrived):
            doctor = booked[0]["doctor_id"] if booked else doctors[0]
            await self.create(token, "/api/queue/tickets", {
                "patient_id": patient, "doctor_id": doctor, "urgency": 3})
        tomorrow = datetime.now(self.tz).date() + timedelta(days=1)
        slots = await self.free_slots(token, doctors[1 % len(doctors)], days=(tomorrow,))
        if not slots:
            raise SystemExit("no free slot tomorrow for the patient app's demo")
        await self.book(token, doctors[1 % len(doctors)], patient, slots[len(slots) // 2])

    async def free_slots(self, token: str, doctor: str,
                         days: tuple[date, ...] | None = None) -> list[str]:
        now = datetime.now(self.tz)
        for day in days or (now.date(), now.date() + timedelta(days=1)):
            slots = await self.call("GET", f"/api/appointments/doctors/{doctor}/slots", token,
                                    params={"date": day.isoformat()})
            items = slots["slots"]
            free = [s["start"] for s in items
                    if s["available"] and datetime.fromisoformat(s["start"]) > now]
            if free:
                return free
        return []


async def seed(base_url: str, admin_password: str, logins_file: Path, tz: ZoneInfo, *,
               verify: str | bool = True) -> dict:
    logins: dict[str, Any] = {"admin": {"username": "admin", "password": admin_password}}
    async with httpx.AsyncClient(base_url=base_url, timeout=30, verify=verify) as client:
        clinic = Clinic(client, tz)
        admin = await clinic.sign_in(os.environ.get("HMS_ADMIN_USERNAME", "admin"), admin_password)
        password = secrets.token_urlsafe(9)
        await clinic.call("POST", "/api/auth/users", admin, json={
            "username": "reception", "password": password, "role": "receptionist",
            "full_name": "Front Desk"})
        logins["receptionist"] = {"username": "reception", "password": password}
        doctors = []
        for username, name, department, room in DOCTORS:
            password = secrets.token_urlsafe(9)
            created = await clinic.call("POST", "/api/auth/users", admin, json={
                "username": username, "password": password, "role": "doctor",
                "full_name": name, "department": department, "room": room})
            doctors.append(created["id"])
            logins.setdefault("doctors", []).append({"username": username, "password": password,
                                                      "name": name, "room": room})
        await clinic.known_to_appointments(admin, set(doctors))
        weekly = [{"weekday": d, "start": HOURS[0], "end": HOURS[1]} for d in range(7)]
        for doctor in doctors:
            await clinic.call("PUT", f"/api/appointments/doctors/{doctor}/schedule", admin,
                              json={"slot_minutes": 15, "weekly": weekly, "time_off": []})
        reception = await clinic.sign_in("reception", logins["receptionist"]["password"])
        patients = []
        for phone, name in PATIENTS:
            password = secrets.token_urlsafe(9)
            patient = await clinic.call("POST", "/api/auth/patients/register", json={
                "phone_number": phone, "password": password, "full_name": name})
            patients.append(patient["id"])
            logins.setdefault("patients", []).append({"username": phone, "password": password,
                                                       "name": name})
        booked = []
        for i, patient_id in enumerate(patients):
            doctor = doctors[i % len(doctors)]
            slots = await clinic.free_slots(reception, doctor)
            if slots:
                booked.append(await clinic.book(reception, doctor, patient_id, slots[0]))
        today = datetime.now(tz).date()
        arrived = [a for a in booked[:CHECKED_IN] if _day(a["start"], tz) == today]
        for appointment in arrived:
            await clinic.call("POST", f"/api/appointments/{appointment['id']}/check-in",
                              reception)
        await clinic.in_the_lines(reception, arrived)
        await clinic.patient_app_demo(reception, doctors, patients[0], booked, arrived)
    logins["appointments"] = len(booked) + 1
    first = logins["patients"][0]
    logins["patient_app"] = {"url": f"{base_url}/patient/", "username": first["username"],
                             "password": first["password"], "name": first["name"]}
    return logins


def _day(start: str, tz: ZoneInfo) -> date:
    return datetime.fromisoformat(start).astimezone(tz).date()


def serves_https(env: Mapping[str, str]) -> bool:
    """``make run`` serves HTTPS with the clinic's certificate or a self-signed one."""
    return bool(env.get("HMS_TLS_CERT")) or env.get("HMS_TLS", "").strip().lower() == "self-signed"


def trusted(env: Mapping[str, str], data_dir: Path) -> str | bool:
    """The certificate to trust: ``make run``'s self-signed one, else the system's roots."""
    self_signed = data_dir / "tls.pem"
    if not env.get("HMS_TLS_CERT") and serves_https(env) and self_signed.exists():
        return str(self_signed)
    return True


def default_base_url(env: Mapping[str, str]) -> str:
    """HMS_URL, else ``make run``'s address from HMS_HOST, HMS_PORT and whether it serves
    HTTPS (HMS_TLS, HMS_TLS_CERT)."""
    if env.get("HMS_URL"):
        return env["HMS_URL"].rstrip("/")
    host = env.get("HMS_HOST", "127.0.0.1").strip("[]")
    if host in ("", "0.0.0.0", "::"):  # listening everywhere: this machine's loopback answers
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    scheme = "https" if serves_https(env) else "http"
    return f"{scheme}://{host}:{env.get('HMS_PORT', '8000')}"


def unreachable(base_url: str, error: Exception) -> str:
    """One line: which address did not answer, and what to do."""
    parts = urlsplit(base_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    why = str(error) or type(error).__name__
    return (f"no HMS answers at {base_url} ({why}): start it with `make run` (HMS_PORT={port}) "
            "in another terminal, or give its address with --base-url or HMS_URL")


async def _reachable(base_url: str, verify: str | bool) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=10, verify=verify) as client:
        await client.get("/api/auth/healthz")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default=default_base_url(os.environ),
                        help="the system's address (default: HMS_URL, else "
                             "http(s)://HMS_HOST:HMS_PORT, now %(default)s)")
    parser.add_argument("--data-dir", type=Path,
                        default=Path(os.environ.get("HMS_DATA_DIR", ".hms")))
    parser.add_argument("--timezone", default=os.environ.get("HMS_CLINIC_TIMEZONE",
                                                             "Africa/Nairobi"))
    args = parser.parse_args(argv)
    logins_file = args.data_dir / "demo-logins.json"
    if logins_file.exists():
        print(f"already seeded; the logins ({logins_file}):")
        print(logins_file.read_text())
        return
    verify = trusted(os.environ, args.data_dir)
    try:
        asyncio.run(_reachable(args.base_url, verify))
    except httpx.TransportError as error:
        raise SystemExit(unreachable(args.base_url, error)) from None
    password_file = args.data_dir / "admin-password"
    if not os.environ.get("HMS_ADMIN_PASSWORD") and not password_file.exists():
        raise SystemExit(f"no admin password: {password_file} is missing (the system writes it "
                         "at first start; make dev's is in .hms-dev: HMS_DATA_DIR=.hms-dev) and "
                         "HMS_ADMIN_PASSWORD is not set")
    admin_password = os.environ.get("HMS_ADMIN_PASSWORD") or password_file.read_text().strip()
    try:
        logins = asyncio.run(seed(args.base_url, admin_password, logins_file,
                                  ZoneInfo(args.timezone), verify=verify))
    except httpx.TransportError as error:
        raise SystemExit(unreachable(args.base_url, error)) from None
    text = json.dumps(logins, indent=2)
    fd = os.open(logins_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text + "\n")
    print(f"demo clinic ready at {args.base_url}; logins (also in {logins_file}):")
    print(text)


if __name__ == "__main__":
    main()
