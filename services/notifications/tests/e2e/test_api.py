"""The routes of the notifications API (its README): who may call what, bad input as 422, the
Twilio webhook only with a valid signature."""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from hms_contracts.queue import PatientCalled
from hms_notifications.service_layer import commands as c

TWILIO_TOKEN = "twilio-test-auth-token"
CALLBACK_URL = "https://hms.example.org/api/notifications/webhooks/twilio"


async def test_preferences_default_then_replaced(api) -> None:  # type: ignore[no-untyped-def]
    got = await api.call("patient", "GET", "/preferences")
    assert got.status_code == 200
    assert got.json() == {"user_id": str(api.ids["patient"]), "channels": ["sms", "push", "email"],
                          "quiet_hours": None, "devices": []}
    body = {"channels": ["email", "push"], "quiet_hours": {"start": "22:00", "end": "07:00"},
            "devices": ["fcm-token-1", "fcm-token-1", "fcm-token-2"]}
    put = await api.call("patient", "PUT", "/preferences", json=body)
    assert put.status_code == 200, put.text
    again = (await api.call("patient", "GET", "/preferences")).json()
    assert again["channels"] == ["push", "email"]
    assert again["quiet_hours"] == {"start": "22:00", "end": "07:00"}
    assert again["devices"] == ["fcm-token-1", "fcm-token-2"]
    other = (await api.call("other_patient", "GET", "/preferences")).json()
    assert other["devices"] == [] and other["user_id"] == str(api.ids["other_patient"])


@pytest.mark.parametrize("body", [
    {"channels": ["sms", "fax"]},
    {"channels": ["sms"], "quiet_hours": {"start": "22:00", "end": "22:00"}},
    {"channels": ["sms"], "quiet_hours": {"start": "25:00", "end": "07:00"}},
    {"channels": ["sms"], "quiet_hours": {"start": "22:00"}},
    {"channels": ["sms"], "devices": [""]},
    {"channels": ["sms"], "colour": "blue"},
])
async def test_bad_preferences_are_422_problems(api, body) -> None:  # type: ignore[no-untyped-def]
    response = await api.call("patient", "PUT", "/preferences", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_each_sees_their_own_messages_and_admins_see_all(api) -> None:  # type: ignore[no-untyped-def]
    for who in ("patient", "other_patient"):
        await api.world.deliver(PatientCalled(
            ticket_id=uuid.uuid4(), number=5, patient_id=api.ids[who], doctor_id=uuid.uuid4(),
            room="2", called_at=api.world.clock.now()))
    mine = (await api.call("patient", "GET", "/mine")).json()
    assert {i["recipient_id"] for i in mine["items"]} == {str(api.ids["patient"])}
    assert [(i["kind"], i["channel"], i["status"]) for i in mine["items"]] == [
        ("turn_now", "sms", "pending")]
    assert (await api.call("patient", "GET", "")).status_code == 403
    assert (await api.call("anonymous", "GET", "/mine")).status_code == 401
    everyone = (await api.call("admin", "GET", "", params={"kind": "turn_now"})).json()
    assert everyone["total"] == 2
    one = (await api.call("admin", "GET", "",
                          params={"recipient_id": str(api.ids["other_patient"])})).json()
    assert [i["recipient_id"] for i in one["items"]] == [str(api.ids["other_patient"])]
    assert (await api.call("admin", "GET", "", params={"kind": "fax"})).status_code == 422


async def test_admins_find_capped_messages_by_status(api) -> None:  # type: ignore[no-untyped-def]
    from hms_contracts.appointments import AppointmentCancelled

    for _ in range(api.world.settings.max_per_recipient_hour + 1):
        await api.world.deliver(AppointmentCancelled(
            appointment_id=uuid.uuid4(), patient_id=api.ids["patient"], doctor_id=uuid.uuid4(),
            cancelled_by=api.ids["patient"], late=False))
    found = (await api.call("admin", "GET", "", params={"status": "capped"})).json()
    assert sorted((i["channel"], i["status"], i["attempts"]) for i in found["items"]) == [
        ("email", "capped", 0), ("sms", "capped", 0)]
    assert all(i["last_error"].startswith("capped: 5 appointment_cancelled")
               for i in found["items"])
    mine = (await api.call("patient", "GET", "/mine")).json()
    assert sum(i["status"] == "capped" for i in mine["items"]) == 2


async def test_patients_read_the_texts_of_their_own_messages_codes_masked(api) -> None:  # type: ignore[no-untyped-def]
    from hms_contracts.auth import ActivationCodeIssued, PasswordResetIssued
    from hms_notifications.bootstrap import build
    from hms_platform.sealing import Sealer

    world, me, other = api.world, api.ids["patient"], api.ids["other_patient"]
    sealer = Sealer.from_base64(world.settings.code_encryption_key.get_secret_value())
    codes = {"reset": "QWERT-YUIOP", "activation": "ASDFG-HJKLZ"}
    expires = world.clock.now() + timedelta(hours=1)
    await world.deliver(PasswordResetIssued(
        user_id=me, issued_by=uuid.uuid4(), expires_at=expires,
        sealed_code=sealer.seal(codes["reset"], f"password_reset:{me}")))
    await world.deliver(ActivationCodeIssued(
        user_id=me, expires_at=expires,
        sealed_code=sealer.seal(codes["activation"], f"activation:{me}")))
    for who, label in ((me, "B-002"), (other, "C-009")):
        await world.deliver(PatientCalled(
            ticket_id=uuid.uuid4(), number=int(label[2:]), label=label, patient_id=who,
            doctor_id=uuid.uuid4(), room="2", called_at=world.clock.now()))
    bus = build(world.settings, world.engine, channels=world.channels, clock=world.clock)
    assert await bus.handle(c.SendDue()) == 4  # two codes, two calls (no device: SMS only)
    sent = [text.body for _, text, _ in world.channels["sms"].sent]
    assert all(any(code in body for body in sent) for code in codes.values())  # they went

    response = await api.call("patient", "GET", "/mine")
    assert response.status_code == 200
    texts = {(i["kind"], i["channel"]): (i["subject"], i["body"])
             for i in response.json()["items"]}
    assert texts[("turn_now", "sms")] == (
        None, "HMS: ticket B-002, it is your turn. Please go to room 2 now.")
    assert texts[("password_reset_code", "sms")][1].startswith(
        "HMS: your password reset code is ••••••. It expires")
    assert texts[("activation_code", "sms")][1].startswith(
        "HMS: your activation code is ••••••. Use it")
    for code in codes.values():
        assert code not in response.text and code.encode() not in response.content
    assert "C-009" not in response.text  # never another patient's
    theirs = (await api.call("other_patient", "GET", "/mine")).json()["items"]
    assert [(i["kind"], i["body"]) for i in theirs] == [
        ("turn_now", "HMS: ticket C-009, it is your turn. Please go to room 2 now.")]
    rows = await world.rows("SELECT body FROM notifications.messages")
    assert not [r for r in rows for code in codes.values() if code in (r.body or "")]


def signed(params: dict[str, str], token: str = TWILIO_TOKEN) -> dict[str, str]:
    return {"X-Twilio-Signature": RequestValidator(token).compute_signature(CALLBACK_URL, params),
            "Content-Type": "application/x-www-form-urlencoded"}


async def test_a_signed_status_callback_updates_the_message(api) -> None:  # type: ignore[no-untyped-def]
    await api.world.deliver(PatientCalled(
        ticket_id=uuid.uuid4(), number=5, patient_id=api.ids["patient"], doctor_id=uuid.uuid4(),
        room="2", called_at=api.world.clock.now()))
    await api.world.bus.handle(c.SendDue())
    [row] = await api.world.messages(channel="sms")
    params = {"MessageSid": row.provider_id, "MessageStatus": "delivered",
              "AccountSid": "AC123"}
    response = await api.call("anonymous", "POST", "/webhooks/twilio",
                              content=urlencode(params), headers=signed(params))
    assert response.status_code == 204, response.text
    [row] = await api.world.messages(channel="sms")
    assert (row.status, row.provider_status) == ("delivered", "delivered")


async def post_report(api, sid: str, status: str, **extra: str):  # type: ignore[no-untyped-def]
    params = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC123", **extra}
    response = await api.call("anonymous", "POST", "/webhooks/twilio",
                              content=urlencode(params), headers=signed(params))
    assert response.status_code == 204, response.text


async def snapshot(api):  # type: ignore[no-untyped-def]
    [row] = await api.world.messages(channel="sms")
    outbox = await api.world.rows("SELECT name FROM notifications.outbox ORDER BY id")
    return row._asdict(), [r.name for r in outbox]


@pytest.mark.parametrize(("first", "replays"), [
    ("delivered", ["delivered"]),  # the same signed callback twice
    ("delivered", ["failed", "undelivered"]),  # an older failure replayed after delivery
    ("delivered", ["sent", "queued", "sending"]),  # earlier stages replayed
    ("undelivered", ["delivered", "undelivered"]),
])
async def test_a_replayed_signed_callback_changes_nothing(api, first, replays) -> None:  # type: ignore[no-untyped-def]
    """Security review, finding 10: Twilio's signature has no nonce or time, so a captured
    callback can be posted again. It is accepted (its signature is right) and harmless: a
    report only moves a message forward, once, and never emits an event."""
    await api.world.deliver(PatientCalled(
        ticket_id=uuid.uuid4(), number=5, patient_id=api.ids["patient"], doctor_id=uuid.uuid4(),
        room="2", called_at=api.world.clock.now()))
    await api.world.bus.handle(c.SendDue())
    [row] = await api.world.messages(channel="sms")
    await post_report(api, row.provider_id, "sent")
    await post_report(api, row.provider_id, first, ErrorCode="30005")
    after_first, outbox = await snapshot(api)
    assert outbox == ["notifications.notification_sent.v1"]
    assert after_first["status"] == first and after_first["provider_status"] == first
    for status in replays:
        await post_report(api, row.provider_id, status, ErrorCode="30003")
        assert await snapshot(api) == (after_first, outbox)


@pytest.mark.parametrize("headers", [
    {}, {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
    signed({"MessageSid": "SM1", "MessageStatus": "failed"}, token="another-token"),
    signed({"MessageSid": "SM1", "MessageStatus": "delivered"}),  # signs other values
])
async def test_a_bad_or_missing_signature_is_403(api, headers) -> None:  # type: ignore[no-untyped-def]
    params = {"MessageSid": "SM1", "MessageStatus": "failed"}
    response = await api.call("anonymous", "POST", "/webhooks/twilio", content=urlencode(params),
                              headers={"Content-Type": "application/x-www-form-urlencoded",
                                       **headers})
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_revoked_token_is_refused(api) -> None:  # type: ignore[no-untyped-def]
    from hms_contracts.auth import SessionsRevoked

    await api.world.deliver(SessionsRevoked(
        user_id=api.ids["patient"], not_before=api.world.clock.now() + timedelta(days=3650),
        reason="logout"))
    assert (await api.call("patient", "GET", "/mine")).status_code == 401
