"""GET /api/audit shows a sign-in after a staff reset as its own action, and a window of
refused sign-ins as one entry with its count."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from hms_contracts.auth import LoginSucceeded, LoginThrottled

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_the_audit_trail_shows_both(api, producer) -> None:
    patient, desk = uuid.uuid4(), uuid.uuid4()
    await producer.send(LoginSucceeded(user_id=patient, username="+***", ip="10.0.0.5",
                                       after_staff_reset=True, reset_issued_by=desk), at=AT)
    await producer.send(LoginThrottled(user_id=patient, ip="203.0.113.9", limit="address",
                                       attempts=1000, window_start=AT - timedelta(minutes=15),
                                       window_end=AT), at=AT)
    answer = await api.client.get("/api/audit", headers=api.headers["admin"],
                                  params={"from": "2026-03-02", "to": "2026-03-02"})
    assert answer.status_code == 200, answer.text
    items = {item["action"]: item for item in answer.json()["items"]}
    assert set(items) == {"auth.login_after_staff_reset", "auth.login_throttled"}
    assert items["auth.login_after_staff_reset"]["detail"]["reset_issued_by"] == str(desk)
    assert items["auth.login_throttled"]["detail"]["attempts"] == 1000
