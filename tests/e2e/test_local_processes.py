"""The services as separate processes, as compose runs them: each API, relay and consumer its
own OS process, each service its own database role, events crossing between them through the
real RabbitMQ. An admin creates a doctor in auth; appointments learns of it from the broker;
a reset code auth issues reaches notifications sealed and goes out once; a failed sign-in
reaches reporting's audit trail."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import secrets
import signal
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aio_pika
import httpx
import pytest
import pytest_asyncio

from hms_platform.testing.infra import free_port
from hms_platform.testing.polling import eventually, until_answered
from hms_platform.testing.ports import on_free_ports
from hms_system.manifest import SYSTEM

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the module's system's loop
NAMES = SYSTEM.names
# The manifest's processes this flow needs: every API and consumer, auth's relay (its events
# cross to the others) and notifications' scheduler (it sends). The other relays publish
# events no test here waits for.
WANTED = {"api", "consumer", "auth-relay", "notifications-scheduler"}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def broker_prefix(amqp_url: str) -> AsyncIterator[str]:
    prefix = f"p{uuid.uuid4().hex[:6]}."
    yield prefix
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        for consumer in (s.consumes for s in SYSTEM.services if s.consumes is not None):
            queue = f"{prefix}{consumer.queue}"
            retries = (f"{queue}.retry.{ms}" for ms in (1000, 10000, 60000))
            for name in (queue, f"{queue}.dlq", *retries):
                await channel.queue_delete(name)
        for name in ("hms.events", "hms.dead"):
            await channel.exchange_delete(f"{prefix}{name}")


async def start(args: list[str], env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *args, env=env, stdout=log.open("w"), stderr=asyncio.subprocess.STDOUT)


@dataclass
class LocalSystem:
    auth: httpx.AsyncClient
    appointments: httpx.AsyncClient
    queue: httpx.AsyncClient
    notifications: httpx.AsyncClient
    reporting: httpx.AsyncClient
    admin: dict[str, str]
    logs: Path
    database: Any  # the ProvisionedDatabase (conftest), to look inside as a service's role


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def local(module_provisioned, broker_prefix, amqp_url,
                tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalSystem]:
    """Every process started once for the module's tests (about 45 s on 2 cores); each test
    makes its own users, so none depends on another's."""
    provisioned, tmp_path = module_provisioned, tmp_path_factory.mktemp("local")
    urls = {schema: provisioned.url_for(schema) for schema in NAMES}
    password = secrets.token_urlsafe(12)
    # auth seals its keys under the first, one-time codes under the second (notifications opens
    # them): the same in every attempt
    key_encryption_key = base64.b64encode(secrets.token_bytes(32)).decode()
    code_encryption_key = base64.b64encode(secrets.token_bytes(32)).decode()

    def environment(auth_port: int) -> dict[str, str]:
        jwks_url = f"http://127.0.0.1:{auth_port}/api/auth/.well-known/jwks.json"
        env = {**os.environ, "AUTH_HOST": "127.0.0.1", "AUTH_PORT": str(auth_port),
               "AUTH_KEY_ENCRYPTION_KEY": key_encryption_key,
               "HMS_ADMIN_USERNAME": "admin", "HMS_ADMIN_PASSWORD": password,
               "NOTIFICATIONS_CONSOLE_CHANNEL": "true",
               "NOTIFICATIONS_SENDER_INTERVAL_SECONDS": "0.2",
               "HMS_CODE_ENCRYPTION_KEY": code_encryption_key}
        for name in NAMES:  # every service of the manifest, each as its own role
            p = name.upper()
            env.update({f"{p}_DATABASE_URL": urls[name], f"{p}_AMQP_URL": amqp_url,
                        f"{p}_AMQP_PREFIX": broker_prefix, f"{p}_ENVIRONMENT": "test",
                        f"{p}_JWKS_URL": jwks_url})
        return env

    bin_dir = Path(sys.executable).parent
    # as compose's migrate job does
    for cli in (service.cli for service in SYSTEM.services):
        migrate = await start([str(bin_dir / cli), "migrate"], environment(free_port()),
                              tmp_path / f"{cli}.log")
        assert await migrate.wait() == 0, (tmp_path / f"{cli}.log").read_text()[-2000:]

    @contextlib.asynccontextmanager
    async def started() -> AsyncIterator[LocalSystem]:
        """Every process, the APIs on ports picked now (started again by on_free_ports when
        one of them was taken meanwhile)."""
        ports = {name: free_port() for name in NAMES}
        env = environment(ports["auth"])

        processes = {
            service.process_name(process): [
                str(bin_dir / service.cli), process.kind,
                *(["--host", "127.0.0.1", "--port", str(ports[service.name])]
                  if process.kind == "api" else [])]
            for service in SYSTEM.services for process in service.processes
            if {process.kind, service.process_name(process)} & WANTED}
        running = {name: await start(args, env, tmp_path / f"{name}.log")
                   for name, args in processes.items()}
        clients = {name: httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10)
                   for name, port in ports.items()}
        try:
            async with asyncio.timeout(60):
                for name in NAMES:
                    await until_answered(clients[name], f"/api/{name}/readyz", died=lambda: {
                        n: (tmp_path / f"{n}.log").read_text()[-1500:]
                        for n, p in running.items() if p.returncode is not None})
            token = (await clients["auth"].post("/api/auth/token", data={
                "username": "admin", "password": password})).json()["access_token"]
            yield LocalSystem(clients["auth"], clients["appointments"], clients["queue"],
                              clients["notifications"], clients["reporting"],
                              {"Authorization": f"Bearer {token}"}, tmp_path, provisioned)
        finally:
            for client in clients.values():
                await client.aclose()
            for process in running.values():
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
            for process in running.values():
                try:
                    async with asyncio.timeout(15):
                        await process.wait()
                except TimeoutError:
                    process.kill()
                    await process.wait()

    async with on_free_ports(started) as system:
        yield system


async def test_services_as_processes_over_rabbitmq(local: LocalSystem) -> None:
    auth, appointments, headers = local.auth, local.appointments, local.admin
    created = await auth.post("/api/auth/users", headers=headers, json={
        "username": "dr.wanjiru", "password": "doctor password 1", "role": "doctor",
        "full_name": "Dr Wanjiru", "department": "Paediatrics", "room": "4"})
    assert created.status_code == 201, created.text

    async def doctors() -> list[dict[str, Any]]:
        return (await appointments.get("/api/appointments/doctors",
                                       headers=headers)).json()["items"]

    async def arrived() -> bool:  # auth outbox -> relay -> RabbitMQ -> consumer -> inbox
        return any(d["id"] == created.json()["id"] for d in await doctors())

    await eventually(arrived, timeout=30, interval=0.2)
    listed = [d for d in await doctors() if d["id"] == created.json()["id"]]
    assert listed[0]["department"] == "Paediatrics" and listed[0]["room"] == "4"


async def test_revoked_access_tokens_fail_in_appointments_within_seconds(
        local: LocalSystem) -> None:
    """Logout, password change, deactivation and role change each end the user's access
    tokens in auth at once and in appointments through auth.sessions_revoked.v1."""
    auth, appointments, admin = local.auth, local.appointments, local.admin

    async def staff(role: str) -> tuple[str, dict[str, str]]:
        name = f"{role}.{uuid.uuid4().hex[:6]}"
        body = {"username": name, "password": "staff password 1", "role": role,
                "full_name": name, "department": "General", "room": "1"}
        created = await auth.post("/api/auth/users", headers=admin, json=body)
        assert created.status_code == 201, created.text
        pair = (await auth.post("/api/auth/token", data={
            "username": name, "password": "staff password 1"})).json()
        return created.json()["id"], {"Authorization": f"Bearer {pair['access_token']}"}

    async def revoke_by(case: str) -> dict[str, str]:
        user_id, token = await staff("receptionist")
        seen = await appointments.get("/api/appointments/doctors", headers=token)
        assert seen.status_code == 200
        if case == "logout":
            answer = await auth.post("/api/auth/logout", headers=token)
        elif case == "password":
            answer = await auth.post("/api/auth/me/password", headers=token, json={
                "current_password": "staff password 1", "new_password": "staff password 2"})
        elif case == "deactivation":
            answer = await auth.patch(f"/api/auth/users/{user_id}", headers=admin,
                                      json={"active": False})
        else:
            answer = await auth.patch(f"/api/auth/users/{user_id}", headers=admin,
                                      json={"role": "admin"})
        assert answer.status_code in (200, 204), answer.text
        assert (await auth.get("/api/auth/me", headers=token)).status_code == 401  # at once
        return token

    tokens = {case: await revoke_by(case)
              for case in ("logout", "password", "deactivation", "role")}
    async with asyncio.timeout(20):  # relay -> RabbitMQ -> consumer -> the API's next re-read
        while True:
            statuses = {case: (await appointments.get("/api/appointments/doctors",
                                                      headers=token)).status_code
                        for case, token in tokens.items()}
            if set(statuses.values()) == {401}:
                break
            await asyncio.sleep(0.2)
    _, fresh = await staff("receptionist")  # an untouched user's token still works
    assert (await appointments.get("/api/appointments/doctors", headers=fresh)).status_code == 200


async def test_the_queue_learns_doctors_and_patients_from_auth(local: LocalSystem) -> None:
    """auth's user events reach the queue's directory through RabbitMQ; a walk-in then joins
    the doctor's line and the doctor, signed in at auth, calls it."""
    auth, queue, admin = local.auth, local.queue, local.admin
    doctor = await auth.post("/api/auth/users", headers=admin, json={
        "username": "dr.njeri", "password": "doctor password 1", "role": "doctor",
        "full_name": "Dr Njeri", "department": "General", "room": "9"})
    patient = await auth.post("/api/auth/patients", headers=admin, json={
        "phone_number": "+254700000123", "full_name": "Walk In"})
    assert doctor.status_code == 201 and patient.status_code == 201, (doctor.text, patient.text)
    body = {"doctor_id": doctor.json()["id"], "patient_id": patient.json()["id"], "urgency": 2}
    answers: list[httpx.Response] = []

    async def issued_yet() -> bool:  # 404 until both registrations have arrived
        answers.append(await queue.post("/api/queue/tickets", headers=admin, json=body))
        return answers[-1].status_code != 404

    await eventually(issued_yet, timeout=30, interval=0.2)
    issued = answers[-1]
    assert issued.status_code == 201, issued.text
    pair = (await auth.post("/api/auth/token", data={
        "username": "dr.njeri", "password": "doctor password 1"})).json()
    called = await queue.post(f"/api/queue/doctors/{doctor.json()['id']}/call-next",
                              headers={"Authorization": f"Bearer {pair['access_token']}"})
    assert called.status_code == 200, called.text
    assert called.json()["id"] == issued.json()["id"] and called.json()["status"] == "called"


async def test_a_reset_code_reaches_notifications_sealed_and_goes_out_once(
        local: LocalSystem) -> None:
    """auth seals the code into its event; notifications' consumer (RabbitMQ) records it, its
    scheduler sends it once (console channel), and neither its log table, its outbox nor its
    process log holds the code in clear."""
    auth, notifications, admin = local.auth, local.notifications, local.admin
    patient = await auth.post("/api/auth/patients", headers=admin, json={
        "phone_number": "+254700000456", "full_name": "Reset Me"})
    assert patient.status_code == 201, patient.text
    reset = await auth.post(f"/api/auth/users/{patient.json()['id']}/password-reset",
                            headers=admin)
    assert reset.status_code == 201, reset.text
    code = reset.json()["code"]
    query = {"kind": "password_reset_code", "recipient_id": patient.json()["id"]}
    async def sent() -> bool:  # auth relay -> RabbitMQ -> consumer -> scheduler
        return any(m["status"] == "sent" for m in (await notifications.get(
            "/api/notifications", params=query, headers=admin)).json()["items"])

    await eventually(sent, timeout=30, interval=0.2)
    items = (await notifications.get("/api/notifications", params=query,
                                     headers=admin)).json()["items"]
    assert [(m["channel"], m["status"], m["attempts"]) for m in items] == [("sms", "sent", 1)]
    conn = await local.database.connect_as("notifications")
    try:
        stored = await conn.fetch("SELECT params::text AS p FROM notifications.messages "
                                  "UNION ALL SELECT body::text FROM notifications.outbox")
    finally:
        await conn.close()
    assert stored and not any(code in row["p"] for row in stored)
    assert "notification.console" in (local.logs / "notifications-scheduler.log").read_text()
    for log in local.logs.glob("*.log"):
        assert code not in log.read_text(), log.name


async def test_a_failed_sign_in_reaches_the_audit_trail(local: LocalSystem) -> None:
    """auth's outbox -> relay -> RabbitMQ -> reporting's consumer -> GET /api/audit."""
    refused = await local.auth.post("/api/auth/token", data={
        "username": "admin", "password": "not the password"})
    assert refused.status_code == 401
    query = {"action": "auth.login_failed"}
    async def audited() -> list[Any]:
        return (await local.reporting.get("/api/audit", params=query,
                                          headers=local.admin)).json()["items"]

    async def any_audited() -> bool:
        return bool(await audited())

    await eventually(any_audited, timeout=30, interval=0.2)
    items = await audited()
    assert items[0]["occurred_at"] and items[0]["detail"]["reason"]
    report = await local.reporting.get("/api/reports/appointments", headers=local.admin)
    assert report.status_code == 200 and report.json()["rows"] == []
