"""Each channel against a local server speaking its provider's protocol: what it sends, and
what each answer (success, 400, 429 with Retry-After, 500, refused connection) becomes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from hms_notifications.adapters.channels.fcm import FcmChannel
from hms_notifications.adapters.channels.smtp import SmtpChannel
from hms_notifications.adapters.channels.twilio_sms import TwilioChannel
from hms_notifications.domain.delivery import Failed, Retry, Sent, Undeliverable
from hms_notifications.domain.model import Message
from hms_notifications.domain.templates import Rendered

TEXT = Rendered("It is your turn", "HMS: ticket 12, it is your turn. Please go to room 3 now.")
SID, TOKEN = "AC" + "0" * 32, "twilio-auth-token"
CALLBACK = "https://hms.example.org/api/notifications/webhooks/twilio"


def message(channel: str) -> Message:
    now = datetime.now(UTC)
    return Message(uuid.uuid4(), uuid.uuid4(), "turn_now", channel, "k", now, now)


async def test_twilio_gets_basic_auth_and_the_form_fields(twilio) -> None:  # type: ignore[no-untyped-def]
    channel = TwilioChannel(SID, TOKEN, "+15005550006", base_url=twilio.url,
                            status_callback=CALLBACK)
    try:
        outcome = await channel.send("+254700000001", TEXT, message("sms"))
    finally:
        await channel.close()
    assert outcome == Sent("SM" + "1".zfill(32))
    assert twilio.requests == [{"To": "+254700000001", "From": "+15005550006",
                                "Body": TEXT.body, "StatusCallback": CALLBACK}]


async def test_twilio_answers_become_outcomes(twilio) -> None:  # type: ignore[no-untyped-def]
    twilio.script = [
        (429, {"code": 20429, "message": "Too Many Requests", "status": 429},
         {"Retry-After": "7"}),
        (400, {"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400}, {}),
        (500, {"code": 20500, "message": "Internal Server Error", "status": 500}, {}),
    ]
    channel = TwilioChannel(SID, TOKEN, "+15005550006", base_url=twilio.url)
    wrong = TwilioChannel(SID, "not-the-token", "+15005550006", base_url=twilio.url)
    try:
        got = [await channel.send("+254700000001", TEXT, message("sms")) for _ in range(3)]
        got.append(await wrong.send("+254700000001", TEXT, message("sms")))
        await twilio.stop()
        got.append(await channel.send("+254700000001", TEXT, message("sms")))
    finally:
        await channel.close()
        await wrong.close()
    assert got[0] == Retry("twilio 429", 7.0)
    assert got[1] == Failed("twilio 400 (code 21211)")
    assert got[2] == Retry("twilio 500")
    assert got[3] == Failed("twilio 401 (code 20003)")
    assert isinstance(got[4], Retry) and got[4].reason.startswith("twilio: ")


async def test_a_provider_that_does_not_answer_in_time_is_retried(twilio) -> None:  # type: ignore[no-untyped-def]
    twilio.delay = 1
    channel = TwilioChannel(SID, TOKEN, "+15005550006", base_url=twilio.url, timeout=0.2)
    try:
        outcome = await channel.send("+254700000001", TEXT, message("sms"))
    finally:
        await channel.close()
    assert outcome == Retry("twilio: TimeoutError")


async def test_fcm_token_by_jwt_bearer_grant_is_fetched_once_and_reused(fcm) -> None:  # type: ignore[no-untyped-def]
    channel = FcmChannel("hms-test", fcm.service_account, base_url=fcm.url)
    try:
        first = await channel.send(("device-a", "device-b"), TEXT, message("push"))
        second = await channel.send(("device-a",), TEXT, message("push"))
    finally:
        await channel.close()
    assert isinstance(first, Sent) and isinstance(second, Sent)
    assert fcm.tokens_issued == 1
    [assertion] = fcm.assertions
    assert assertion["header"]["alg"] == "RS256" and assertion["header"]["kid"] == "key-1"
    assert assertion["claims"]["scope"] == "https://www.googleapis.com/auth/firebase.messaging"
    assert [r["message"]["token"] for r in fcm.requests] == ["device-a", "device-b", "device-a"]
    assert fcm.requests[0]["message"]["notification"] == {"title": TEXT.title, "body": TEXT.body}
    assert {r["auth"] for r in fcm.requests} == {"Bearer ya29.test-1"}


async def test_fcm_answers_become_outcomes(fcm, rsa_key) -> None:  # type: ignore[no-untyped-def]
    fcm.dead = {"dead-1", "dead-2"}
    channel = FcmChannel("hms-test", fcm.service_account, base_url=fcm.url)
    try:
        dead = await channel.send(("dead-1", "dead-2"), TEXT, message("push"))
        partly = await channel.send(("dead-1", "live"), TEXT, message("push"))
        fcm.script = [(429, {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED"}},
                       {"Retry-After": "12"}),
                      (400, {"error": {"code": 400, "status": "INVALID_ARGUMENT"}}, {}),
                      (401, {"error": {"code": 401, "status": "UNAUTHENTICATED"}}, {})]
        busy = await channel.send(("live",), TEXT, message("push"))
        bad = await channel.send(("live",), TEXT, message("push"))
        expired = await channel.send(("live",), TEXT, message("push"))
        after = await channel.send(("live",), TEXT, message("push"))
    finally:
        await channel.close()
    assert dead == Undeliverable("push: no live device", ("dead-1", "dead-2"))
    assert isinstance(partly, Sent) and partly.dead_tokens == ("dead-1",)
    assert busy == Retry("fcm 429", 12.0)
    assert bad == Failed("fcm 400 INVALID_ARGUMENT")
    assert expired == Retry("fcm 401")
    assert isinstance(after, Sent) and fcm.tokens_issued == 2  # a 401 fetches a new token


async def test_an_assertion_signed_with_another_key_gets_no_token(fcm) -> None:  # type: ignore[no-untyped-def]
    from joserfc.jwk import RSAKey

    other = {**fcm.service_account,
             "private_key": RSAKey.generate_key(2048).as_pem(private=True).decode()}
    channel = FcmChannel("hms-test", other, base_url=fcm.url)
    try:
        outcome = await channel.send(("device-a",), TEXT, message("push"))
    finally:
        await channel.close()
    assert outcome == Retry("fcm token: invalid_grant")
    assert fcm.requests == []


async def test_smtp_delivers_and_maps_refusals(smtp) -> None:  # type: ignore[no-untyped-def]
    channel = SmtpChannel("127.0.0.1", smtp.port, sender="HMS <no-reply@hms.local>")
    text = Rendered("Your appointment on Wed 04 Mar 10:30", "Hello Amina,\n\nBooked.\n")
    outcome = await channel.send("amina@example.org", text, message("email"))
    assert isinstance(outcome, Sent) and outcome.provider_id.startswith("<")
    [envelope] = smtp.messages
    assert envelope.rcpt_tos == ["amina@example.org"]
    content = envelope.content.decode()
    assert "Subject: Your appointment on Wed 04 Mar 10:30" in content
    assert "Hello Amina" in content and outcome.provider_id in content
    smtp.answer = lambda rcpt: "550 5.1.1 No such user"
    assert await channel.send("ghost@example.org", text, message("email")) == Failed(
        "smtp: recipient refused")
    closed = SmtpChannel("127.0.0.1", 1, sender="HMS <no-reply@hms.local>", timeout=2)
    refused = await closed.send("amina@example.org", text, message("email"))
    assert isinstance(refused, Retry)
