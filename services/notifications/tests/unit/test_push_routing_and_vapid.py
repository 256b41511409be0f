"""The push channel routes each device to Web Push (a subscription) or FCM (a token) and makes
one outcome of theirs; what a Web Push request carries (VAPID header, urgency, TTL, topic,
payload); which settings turn push on."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr, ValidationError

from hms_notifications.adapters.channels import factory
from hms_notifications.adapters.channels.console import ConsoleChannel
from hms_notifications.adapters.channels.push import PushRouter
from hms_notifications.adapters.channels.vapid import (
    Vapid,
    load_private_key,
    new_private_key,
    public_key,
)
from hms_notifications.adapters.channels.webpush import (
    WebPushChannel,
    encrypt,
    headers,
    payload,
)
from hms_notifications.config import NotificationsSettings
from hms_notifications.domain.delivery import Failed, Retry, Sent, Undeliverable, combine
from hms_notifications.domain.model import Message
from hms_notifications.domain.subscriptions import origin_pattern, parse_subscription
from hms_notifications.domain.templates import Rendered
from hms_platform.testing.modules import load_beside

FAKES = load_beside(__file__, "../fakes.py", "hms_notifications_routing_fakes")
PUSH = load_beside(__file__, "../push_service.py", "hms_notifications_routing_push")
TEXT = Rendered("It is your turn", "HMS: ticket B-002, it is your turn. Please go to room 3.")
SUB_A = PUSH.Browser().subscription("https://fcm.googleapis.com/fcm/send/a")
SUB_B = PUSH.Browser().subscription("https://web.push.apple.com/b")


def message(kind: str = "turn_now") -> Message:
    now = datetime.now(UTC)
    return Message(uuid.uuid4(), uuid.uuid4(), kind, "push", "k", now, now, uuid.uuid4())


async def test_each_device_goes_to_the_client_of_its_kind() -> None:
    web, fcm = FAKES.FakeChannel("push"), FAKES.FakeChannel("push")
    router = PushRouter(webpush=web, fcm=fcm)
    outcome = await router.send(("tok-1", SUB_A, "tok-2", SUB_B), TEXT, message())
    assert [s[0] for s in web.sent] == [(SUB_A, SUB_B)]
    assert [s[0] for s in fcm.sent] == [("tok-1", "tok-2")]
    assert isinstance(outcome, Sent) and outcome.dead_tokens == ()


async def test_outcomes_combine_as_for_one_provider() -> None:
    dead_sub, dead_tok = Undeliverable("gone", (SUB_A,)), Undeliverable("gone", ("tok-1",))
    cases = [
        # web push's, FCM's -> the push's
        (Sent("w"), dead_tok, Sent("w", ("tok-1",))),
        (dead_sub, Sent("f"), Sent("f", (SUB_A,))),
        (dead_sub, dead_tok, Undeliverable("push: no live device", (SUB_A, "tok-1"))),
        (Retry("webpush 503", 30.0), dead_tok, Retry("webpush 503", 30.0)),
        (Retry("webpush 503"), Sent("f"), Sent("f")),
        (Failed("webpush 400"), dead_tok, Failed("webpush 400")),
    ]
    for from_web, from_fcm, expected in cases:
        router = PushRouter(webpush=FAKES.FakeChannel("push", from_web),
                            fcm=FAKES.FakeChannel("push", from_fcm))
        assert await router.send(("tok-1", SUB_A), TEXT, message()) == expected
    assert combine([Sent("a", ("x",)), Undeliverable("gone", ("y",)), Retry("r")]) == Sent(
        "a", ("x", "y"))


async def test_with_one_kind_configured_the_other_kinds_devices_are_left_alone() -> None:
    fcm_only = PushRouter(webpush=None, fcm=FAKES.FakeChannel("push"))
    assert isinstance(await fcm_only.send(("tok-1", SUB_A), TEXT, message()), Sent)
    assert [s[0] for s in fcm_only.fcm.sent] == [("tok-1",)]  # type: ignore[attr-defined]
    # Nothing this server can reach: not dead (nothing dropped), and SMS takes over.
    nothing = await fcm_only.send((SUB_A,), TEXT, message())
    assert nothing == Undeliverable("push: no device this server can reach", ())
    web_only = PushRouter(webpush=FAKES.FakeChannel("push", Undeliverable("gone", (SUB_A,))),
                          fcm=None)
    assert await web_only.send(("tok-1", SUB_A), TEXT, message()) == Undeliverable(
        "push: no live device", (SUB_A,))


def test_the_vapid_header_is_a_token_for_the_origin_signed_by_the_key_it_names() -> None:
    now = [1_800_000_000.0]
    vapid = Vapid(new_private_key(), "mailto:admin@clinic.example", clock=lambda: now[0])
    header = vapid.authorization("https://fcm.googleapis.com")
    assert header.startswith("vapid t=") and f", k={vapid.public_key}" in header
    claims = PUSH.check_vapid(header, "https://fcm.googleapis.com", now=now[0])
    assert claims["sub"] == "mailto:admin@clinic.example"
    assert claims["exp"] == int(now[0]) + 12 * 3600
    assert len(PUSH.unb64url(vapid.public_key)) == 65
    with pytest.raises(ValueError, match="aud"):
        PUSH.check_vapid(header, "https://updates.push.services.mozilla.com", now=now[0])
    now[0] += 10 * 3600  # reused while it has more than an hour left, then a new one
    assert vapid.authorization("https://fcm.googleapis.com") == header
    now[0] += 1.5 * 3600
    renewed = vapid.authorization("https://fcm.googleapis.com")
    assert renewed != header and PUSH.check_vapid(renewed, "https://fcm.googleapis.com",
                                                  now=now[0])


def test_a_vapid_key_is_read_from_pem_or_raw_base64url() -> None:
    raw = new_private_key()
    key = load_private_key(raw)
    from cryptography.hazmat.primitives import serialization

    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    assert public_key(load_private_key(pem)) == public_key(key)
    for bad in ("c2hvcnQ", "not a key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END"):
        with pytest.raises(ValueError):
            load_private_key(bad)


def test_the_payload_is_encrypted_as_in_rfc_8291_appendix_a() -> None:
    """The RFC's example, byte for byte: its sender key and salt, the browser's public key and
    auth secret (published test data), "When I grow up, I want to be a watermelon"."""
    from cryptography.hazmat.primitives.asymmetric import ec

    browser = json.dumps({"endpoint": "https://fcm.googleapis.com/fcm/send/rfc", "keys": {
        "p256dh": "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6"
                  "SRpkNtoIAiw4", "auth": "BTBZMqHH6r4Tts7J_aSIgg"}})
    sub = parse_subscription(browser, [origin_pattern("https://fcm.googleapis.com")])
    sender = ec.derive_private_key(int.from_bytes(PUSH.unb64url(
        "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"), "big"), ec.SECP256R1())
    body = encrypt(b"When I grow up, I want to be a watermelon", sub, sender=sender,
                   salt=PUSH.unb64url("DGv6ra1nlYgDCS1FRnbzlw"))
    assert PUSH.b64url(body) == (
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYW"
        "AmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSx"
        "sj_Qulcy4a-fN")
    # and the tests' push service reads the RFC's example back with the browser's private key
    browser_key = ec.derive_private_key(int.from_bytes(PUSH.unb64url(
        "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"), "big"), ec.SECP256R1())
    assert PUSH.decrypt(body, browser_key, sub.auth) == b"When I grow up, I want to be a watermelon"
    with pytest.raises(ValueError):
        PUSH.decrypt(body, browser_key, bytes(16))  # another auth secret


def test_turn_notices_are_urgent_short_lived_and_open_the_ticket() -> None:
    turn, booked = message("turn_now"), message("appointment_booked")
    assert headers(turn, 3600)["Urgency"] == "high" and headers(turn, 3600)["TTL"] == "900"
    assert len(headers(turn, 3600)["Topic"]) == 32
    booked_headers = headers(booked, 3600)
    assert booked_headers == {"Content-Encoding": "aes128gcm", "TTL": "3600",
                              "Content-Type": "application/octet-stream",
                              "Urgency": "normal", "Topic": booked_headers["Topic"]}
    # one Topic per message (a copy sent again replaces one still waiting), 32 characters
    assert len(booked_headers["Topic"]) == 32
    assert headers(booked, 60)["Topic"] == booked_headers["Topic"]
    assert headers(message("appointment_booked"), 3600)["Topic"] != booked_headers["Topic"]
    assert json.loads(payload(TEXT, turn)) == {
        "title": TEXT.title, "body": TEXT.body, "kind": "turn_now",
        "notification_id": str(turn.id), "url": "/patient/ticket"}
    assert json.loads(payload(TEXT, booked))["url"] == "/patient/"


async def test_push_is_on_with_fcm_or_vapid_and_console_mode_keeps_web_push_real() -> None:
    vapid = {"vapid_private_key": SecretStr(new_private_key()),
             "vapid_subject": "mailto:admin@clinic.example"}
    assert "push" not in factory.configured(NotificationsSettings(environment="test"))
    assert factory.push_public_key(NotificationsSettings(environment="test")) is None
    settings = NotificationsSettings(environment="test", **vapid)
    assert "push" in factory.configured(settings)
    assert factory.push_public_key(settings) == public_key(
        load_private_key(vapid["vapid_private_key"].get_secret_value()))
    for console in (False, True):
        channels = factory.build_channels(settings.model_copy(update={"console_channel": console}))
        try:
            push = channels["push"]
            assert isinstance(push, PushRouter) and isinstance(push.webpush, WebPushChannel)
            assert (push.fcm is None) if not console else isinstance(push.fcm, ConsoleChannel)
        finally:
            await factory.close_channels(channels)
    empty = NotificationsSettings(environment="test", vapid_private_key=SecretStr(""),
                                  vapid_subject="")
    assert empty.vapid_private_key is None and empty.vapid_subject is None
    with pytest.raises(ValidationError):
        NotificationsSettings(environment="test", webpush_origins=["fcm.googleapis.com"])
    with pytest.raises(ValidationError):
        NotificationsSettings(environment="test", vapid_subject="admin@clinic.example")
    with pytest.raises(ValidationError, match="a raw VAPID key is 32 bytes"):
        NotificationsSettings(environment="test", vapid_private_key=SecretStr("c2hvcnQ"))


def test_the_command_line_prints_a_new_key(capsys: pytest.CaptureFixture[str]) -> None:
    from hms_notifications.entrypoints.cli import main

    assert main(["vapid-key"]) == 0 and main(["vapid-key"]) == 0
    first, second = capsys.readouterr().out.split()
    assert first != second and len(PUSH.unb64url(public_key(load_private_key(first)))) == 65
