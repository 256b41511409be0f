"""The audit trail: a failed sign-in and a role change with actor, role and time; filters and
pages; and no UPDATE or DELETE, even for a role that still holds the privilege."""

from __future__ import annotations

from datetime import timedelta

import asyncpg
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from hms_reporting.domain.queries import AuditQuery, Period
from hms_reporting.service_layer import commands as c


async def test_a_failed_sign_in_and_a_role_change_are_recorded(producer, bus, scenario) -> None:
    for envelope in scenario.envelopes:
        await producer.deliver(envelope)
    period = Period(scenario.day, scenario.day)
    desk, admin = scenario.ids.desk, scenario.ids.admin
    [change], _ = await bus.handle(c.AuditTrail(AuditQuery(period, action="auth.role_changed")))
    sent = next(e for e in scenario.envelopes if e.name == "auth.user_updated.v1")
    assert (change["actor_id"], change["actor_role"], change["subject_id"]) == (
        admin, "admin", desk)
    assert change["occurred_at"] == sent.occurred_at and change["event_id"] == sent.event_id
    assert change["correlation_id"] == sent.correlation_id
    assert change["detail"] == {"changed": ["role"], "role": "receptionist"}
    [failed], _ = await bus.handle(c.AuditTrail(AuditQuery(period, action="auth.login_failed")))
    assert (failed["actor_id"], failed["subject_id"]) == (desk, desk)
    assert failed["actor_role"] == "receptionist"  # their role when it was recorded
    assert failed["detail"] == {"ip": "10.0.0.9", "reason": "password"}


async def test_filters_and_pages(producer, bus, scenario) -> None:
    for envelope in scenario.envelopes:
        await producer.deliver(envelope)
    period = Period(scenario.day, scenario.day)
    everything, none_after = await bus.handle(c.AuditTrail(AuditQuery(period, limit=500)))
    assert none_after is None and len(everything) > 20
    times = [(e["occurred_at"], e["id"]) for e in everything]
    assert times == sorted(times, reverse=True)
    pages, cursor = [], None
    while True:
        page, cursor = await bus.handle(c.AuditTrail(AuditQuery(period, limit=7,
                                                                cursor=cursor)))
        pages += page
        if cursor is None:
            break
    assert pages == everything
    admin = scenario.ids.admin
    by_admin, _ = await bus.handle(c.AuditTrail(AuditQuery(period, actor_id=admin)))
    assert by_admin and {e["actor_id"] for e in by_admin} == {admin}
    patient = scenario.ids.patients[0]
    about, _ = await bus.handle(c.AuditTrail(AuditQuery(period, subject_id=patient)))
    assert {e["action"] for e in about} == {"auth.user_registered"}
    before = scenario.day - timedelta(days=1)
    yesterday = Period(before, before)
    assert (await bus.handle(c.AuditTrail(AuditQuery(yesterday))))[0] == []


@pytest.mark.parametrize("statement", [
    "UPDATE reporting.audit_log SET action = 'forged'",
    "DELETE FROM reporting.audit_log",
])
async def test_the_audit_log_refuses_changes_even_to_its_superuser(
        db, producer, scenario, statement) -> None:
    await producer.deliver(scenario.envelopes[0])
    with pytest.raises(DBAPIError) as refused:
        async with db.begin() as conn:
            await conn.execute(sa.text(statement))
    assert isinstance(refused.value.orig.__cause__, asyncpg.InsufficientPrivilegeError)
    async with db.connect() as conn:
        assert await conn.scalar(sa.text(
            "SELECT count(*) FROM reporting.audit_log WHERE action <> 'forged'")) == 1
