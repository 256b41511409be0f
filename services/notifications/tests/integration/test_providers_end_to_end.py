"""The whole path with the channels the settings configure: a booking event through the
consumer, the sender over Twilio, FCM and SMTP servers, and Twilio's signed status callback
into the API."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import httpx
from pydantic import SecretStr

from hms_contracts.appointments import AppointmentBooked
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
