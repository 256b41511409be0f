"""Sign-ins in the audit trail through the real inbox consumer: one after a staff reset is
its own action, visible in GET /api/audit's query; a window of a thousand refused sign-ins is
one entry with its count, however often it is delivered."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from hms_contracts.auth import LoginSucceeded, LoginThrottled
from hms_reporting.domain.queries import AuditQuery, Period
from hms_reporting.service_layer import commands as c

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_a_sign_in_after_a_staff_reset_is_recorded_as_such(producer, bus) -> None:
    patient, desk = uuid.uuid4(), uuid.uuid4()
    await producer.send(LoginSucceeded(user_id=patient, username="+***", ip="10.0.0.5"), at=AT)
    await producer.send(LoginSucceeded(user_id=patient, username="+***", ip="10.0.0.5",
                                       after_staff_reset=True, reset_issued_by=desk),
                        at=AT + timedelta(minutes=1))
    period = Period(AT.date(), AT.date())
    [flagged], _ = await bus.handle(c.AuditTrail(AuditQuery(
        period, action="auth.login_after_staff_reset")))
    assert (flagged["subject_id"], flagged["detail"]["reset_issued_by"]) == (patient, str(desk))
    [plain], _ = await bus.handle(c.AuditTrail(AuditQuery(period, action="auth.login_succeeded")))
    assert plain["occurred_at"] == AT


async def test_a_thousand_refused_sign_ins_are_one_row_with_their_count(
        producer, bus, db) -> None:
    event = LoginThrottled(user_id=uuid.uuid4(), ip="203.0.113.9", limit="account_address",
                           attempts=1000, window_start=AT - timedelta(minutes=15),
                           window_end=AT)
    sent = await producer.send(event, at=AT)
    await producer.deliver(sent)  # redelivered: still one row
    async with db.connect() as conn:
        rows = await conn.scalar(sa.text("SELECT count(*) FROM reporting.audit_log"))
    assert rows == 1
    [entry], _ = await bus.handle(c.AuditTrail(AuditQuery(
        Period(AT.date(), AT.date()), action="auth.login_throttled")))
    assert entry["detail"]["attempts"] == 1000 and entry["actor_id"] is None
