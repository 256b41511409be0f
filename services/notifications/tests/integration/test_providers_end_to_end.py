"""The whole path with the channels the settings configure: a booking event through the
consumer, the sender over Twilio, FCM and SMTP servers, and Twilio's signed status callback
into the API; a called ticket's SMS over Twilio."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import httpx
from pydantic import SecretStr

from hms_contracts.appointments import AppointmentBooked
from hms_contracts.queue import PatientCalled
from hms_notifications.adapters.channels.factory import build_channels, close_channels
from hms_notifications.bootstrap import build
from hms_notifications.domain.model import Preferences
from hms_notifications.entrypoints.api.app import create_app
from hms_notifications.service_layer import commands as c

SID, TOKEN = "AC" + "0" * 32, "twilio-auth-token"
CALLBACK = "http://hms/api/notifications/webhooks/twilio"


async def test_a_booking_goes_out_on_all_three_providers(world, twilio, fcm, smtp) -> None:  # type: ignore[no-untyped-def]
    settings = world.settings.model_copy(update={
        "console_channel": False, "twilio_account_sid": SID,
        "twilio_auth_token": SecretStr(TOKEN), "twilio_from": "+15005550006",
        "twilio_base_url": twilio.url, "twilio_status_callback_url": CALLBACK,
        "smtp_host": "127.0.0.1", "smtp_port": smtp.port, "fcm_project_id": "hms-test",
        "fcm_service_account_json": SecretStr(json.dumps(fcm.service_account)),
        "fcm_base_url": fcm.url})
    patient = await world.person()
    async with world.bus.uow_factory() as uow:
        await uow.preferences.put(Preferences(patient, devices=("device-a",)))
        await uow.commit()
    start = world.clock.now() + timedelta(days=2)
    await world.deliver(AppointmentBooked(
        appointment_id=uuid.uuid4(), patient_id=patient, doctor_id=uuid.uuid4(), start=start,
        end=start + timedelta(minutes=30), urgency=3, booked_by=patient))
    channels = build_channels(settings)
    try:
        bus = build(settings, world.engine, channels=channels, clock=world.clock)
        assert await bus.handle(c.SendDue()) == 3
    finally:
        await close_channels(channels)
    rows = {r.channel: r for r in await world.messages(kind="appointment_booked")}
    assert {ch: r.status for ch, r in rows.items()} == {
        "sms": "sent", "push": "sent", "email": "sent"}
    assert [r["To"] for r in twilio.requests] == ["+254700000001"]
    assert [r["message"]["token"] for r in fcm.requests] == ["device-a"]
    assert [e.rcpt_tos for e in smtp.messages] == [["amina@example.org"]]

    app = create_app(settings, engine=world.engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app),
                                 base_url="http://hms") as client:
        good = await twilio.report(client, CALLBACK, rows["sms"].provider_id, "delivered")
        forged = await client.post(CALLBACK, data={"MessageSid": rows["sms"].provider_id,
                                                   "MessageStatus": "undelivered"},
                                   headers={"X-Twilio-Signature": "Zm9yZ2Vk"})
    assert (good.status_code, forged.status_code) == (204, 403)
    [sms] = await world.messages(kind="appointment_booked", channel="sms")
    assert (sms.status, sms.provider_status) == ("delivered", "delivered")


async def test_a_called_ticket_is_named_by_its_label_in_the_sms(world, twilio) -> None:  # type: ignore[no-untyped-def]
    """queue.patient_called.v1 as the queue publishes it, through the consumer, the sender and
    Twilio's API: the SMS says "B-002", and the log keeps the text that went."""
    settings = world.settings.model_copy(update={
        "console_channel": False, "twilio_account_sid": SID,
        "twilio_auth_token": SecretStr(TOKEN), "twilio_from": "+15005550006",
        "twilio_base_url": twilio.url})
    patient = await world.person(email=None)
    await world.deliver(PatientCalled(
        ticket_id=uuid.uuid4(), number=2, label="B-002", patient_id=patient,
        doctor_id=uuid.uuid4(), room="12", called_at=world.clock.now()))
    channels = build_channels(settings)
    try:
        assert await build(settings, world.engine, channels=channels,
                           clock=world.clock).handle(c.SendDue()) == 1
    finally:
        await close_channels(channels)
    [sent] = twilio.requests
    assert sent["Body"] == "HMS: ticket B-002, it is your turn. Please go to room 12 now."
    [row] = await world.messages(kind="turn_now")
    assert (row.channel, row.status, row.body) == ("sms", "sent", sent["Body"])
