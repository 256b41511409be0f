"""Web Push against a local push service (tests/push_service.py) that checks the VAPID token and
decrypts each payload with the subscriber's keys: a called ticket's turn_now arrives once
however often the event comes and the sender runs; a subscription the push service says is
gone (410) is dropped and the same message goes by SMS (Twilio's API, once); each answer of the
push service becomes its outcome."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import SecretStr

from hms_contracts.envelope import Envelope
from hms_contracts.queue import PatientCalled
from hms_notifications.adapters.channels.factory import build_channels, close_channels
from hms_notifications.adapters.channels.vapid import Vapid, new_private_key
from hms_notifications.adapters.channels.webpush import WebPushChannel
from hms_notifications.bootstrap import build
from hms_notifications.domain.delivery import Failed, Retry, Sent, Undeliverable
from hms_notifications.domain.model import Message, Preferences
from hms_notifications.domain.subscriptions import origin_pattern
from hms_notifications.domain.templates import Rendered
from hms_notifications.service_layer import commands as c

SID, TOKEN = "AC" + "0" * 32, "twilio-auth-token"
TEXT = Rendered("It is your turn", "HMS: ticket B-002, it is your turn. Please go to room 3 now.")


def push_settings(world: Any, push: Any, twilio: Any | None = None) -> Any:
    update: dict[str, Any] = {
        "console_channel": False, "vapid_private_key": SecretStr(new_private_key()),
        "vapid_subject": "mailto:admin@clinic.example", "webpush_origins": [push.url]}
    if twilio is not None:
        update |= {"twilio_account_sid": SID, "twilio_auth_token": SecretStr(TOKEN),
                   "twilio_from": "+15005550006", "twilio_base_url": twilio.url}
    return world.settings.model_copy(update=update)


async def patient_with_push(world: Any, push: Any, name: str) -> tuple[uuid.UUID, str]:
    """A patient who wants push only, with one browser subscribed."""
    patient = await world.person()
    device = push.subscribe(name)
    async with world.bus.uow_factory() as uow:
        await uow.preferences.put(Preferences(patient, frozenset({"push"}), devices=(device,)))
        await uow.commit()
    return patient, device


async def send_due(world: Any, settings: Any, senders: int = 1) -> None:
    """``senders`` senders at once, each with its own clients, as replicas would be."""
    built = [build_channels(settings) for _ in range(senders)]
    try:
        await asyncio.gather(*(build(settings, world.engine, channels=chans, clock=world.clock)
                               .handle(c.SendDue()) for chans in built))
    finally:
        for chans in built:
            await close_channels(chans)


async def test_turn_now_arrives_decrypted_exactly_once(world, push_service) -> None:  # type: ignore[no-untyped-def]
    settings = push_settings(world, push_service)
    patient, _ = await patient_with_push(world, push_service, "amina-phone")
    called = PatientCalled(ticket_id=uuid.uuid4(), number=2, label="B-002", patient_id=patient,
                           doctor_id=uuid.uuid4(), room="12", called_at=world.clock.now())
    envelope = Envelope.of(called)
    await world.consumer(envelope)
    await world.consumer(envelope)  # redelivered
    await world.deliver(called)  # the same fact again under a new event id
    await send_due(world, settings, senders=3)
    await send_due(world, settings)  # and the sender runs again
    assert push_service.refused == []
    [got] = push_service.received
    [row] = await world.messages(kind="turn_now")
    assert (row.channel, row.status, row.attempts) == ("push", "sent", 1)
    assert got["to"] == "amina-phone"
    assert got["payload"] == {
        "title": row.subject, "body": row.body, "kind": "turn_now",
        "notification_id": str(row.id), "url": "/patient/ticket"}
    assert "B-002" in row.body and "room 12" in row.body
    assert got["vapid"]["aud"] == push_service.url
    assert got["vapid"]["sub"] == "mailto:admin@clinic.example"
    assert (got["headers"]["Urgency"], got["headers"]["TTL"]) == ("high", "900")
    assert row.provider_id == f"{push_service.url}/message/1"


async def test_a_gone_subscription_is_dropped_and_the_message_goes_by_sms(  # type: ignore[no-untyped-def]
        world, push_service, twilio) -> None:
    settings = push_settings(world, push_service, twilio)
    patient, device = await patient_with_push(world, push_service, "old-phone")
    push_service.gone.add("old-phone")
    await world.deliver(PatientCalled(
        ticket_id=uuid.uuid4(), number=7, label="A-007", patient_id=patient,
        doctor_id=uuid.uuid4(), room="4", called_at=world.clock.now()))
    await send_due(world, settings)  # push: 410 -> dropped, an SMS added
    await send_due(world, settings)  # the SMS goes
    await send_due(world, settings)  # nothing more
    async with world.bus.uow_factory() as uow:
        assert (await uow.preferences.get(patient)).devices == ()
    rows = {r.channel: r for r in await world.messages(kind="turn_now")}
    assert rows["push"].status == "failed"
    assert rows["push"].last_error == "push: no live device; sms instead"
    assert rows["sms"].status == "sent" and rows["sms"].dedup_key == rows["push"].dedup_key
    assert [r["To"] for r in twilio.requests] == ["+254700000001"]
    assert "A-007" in twilio.requests[0]["Body"]
    assert push_service.received == []
    assert device not in str(await world.rows("SELECT token FROM notifications.devices"))


def message() -> Message:
    now = datetime.now(UTC)
    return Message(uuid.uuid4(), uuid.uuid4(), "appointment_booked", "push", "k", now, now)


async def test_the_push_services_answers_become_outcomes(push_service) -> None:  # type: ignore[no-untyped-def]
    vapid = Vapid(new_private_key(), "mailto:admin@clinic.example")
    channel = WebPushChannel(vapid, [origin_pattern(push_service.url)], timeout=2)
    live, gone = push_service.subscribe("live"), push_service.subscribe("gone")
    push_service.gone.add("gone")
    try:
        sent = await channel.send((live, gone), TEXT, message())
        dead = await channel.send((gone,), TEXT, message())
        answers = [(429, {"Retry-After": "30"}), (503, {}), (413, {}), (400, {}), (403, {}),
                   (401, {}), (301, {"Location": f"{push_service.url}/push/live"}), (404, {})]
        push_service.script = [(status, {}, headers) for status, headers in answers]
        scripted = [await channel.send((live,), TEXT, message()) for _ in answers]
        received = len(push_service.received)
        await push_service.stop()
        down = await channel.send((live,), TEXT, message())
    finally:
        await channel.close()
    assert isinstance(sent, Sent) and sent.dead_tokens == (gone,)
    assert dead == Undeliverable("push: no live device", (gone,))
    assert scripted == [
        Retry("webpush 429", 30.0), Retry("webpush 503"), Failed("webpush 413"),
        Failed("webpush 400"), Failed("webpush 403"), Failed("webpush 401"),
        Failed("webpush 301"), Undeliverable("push: no live device", (live,))]
    assert received == 1  # the redirect was not followed
    assert isinstance(down, Retry) and down.reason.startswith("webpush: ")


async def test_an_endpoint_no_longer_allowed_is_never_requested(push_service) -> None:  # type: ignore[no-untyped-def]
    vapid = Vapid(new_private_key(), "mailto:admin@clinic.example")
    channel = WebPushChannel(vapid, [origin_pattern("https://fcm.googleapis.com")], timeout=2)
    device = push_service.subscribe("phone")  # http://127.0.0.1:<port>, not allowed here
    try:
        outcome = await channel.send((device,), TEXT, message())
    finally:
        await channel.close()
    assert outcome == Undeliverable("push: no live device", (device,))
    assert push_service.received == [] and push_service.refused == []
