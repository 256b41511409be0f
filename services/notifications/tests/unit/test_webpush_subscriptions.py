"""A Web Push subscription as a push device: what the preferences accept (the browser's JSON,
keys that decode to a P-256 point and a 16-byte secret, an endpoint of an allowed push
service), and the allow-list's matching (scheme, host, port; *. for names under a domain)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hms_notifications.domain.errors import InvalidRequest
from hms_notifications.domain.model import Preferences
from hms_notifications.domain.subscriptions import (
    DEFAULT_PUSH_ORIGINS,
    checked_devices,
    endpoint_origin,
    is_subscription,
    on_p256,
    origin_pattern,
    parse_subscription,
)
from hms_notifications.service_layer import commands as c
from hms_platform.testing.modules import load_beside

PUSH = load_beside(__file__, "../push_service.py", "hms_notifications_unit_push_service")
DEFAULTS = tuple(origin_pattern(o) for o in DEFAULT_PUSH_ORIGINS)
FCM_ENDPOINT = "https://fcm.googleapis.com/fcm/send/dXk3:APA91bH-x_y"


def sub(endpoint: str = FCM_ENDPOINT, **change: Any) -> str:
    data = json.loads(PUSH.Browser().subscription(endpoint))
    for key, value in change.items():
        if key in ("p256dh", "auth"):
            data["keys"][key] = value
        elif value is None:
            data.pop(key)
        else:
            data[key] = value
    return json.dumps(data, separators=(",", ":"))


def test_a_browsers_subscription_parses_with_its_keys_and_origin() -> None:
    browser = PUSH.Browser()
    text = browser.subscription(FCM_ENDPOINT)
    parsed = parse_subscription(text, DEFAULTS)
    assert (parsed.endpoint, parsed.origin) == (FCM_ENDPOINT, "https://fcm.googleapis.com")
    assert (parsed.p256dh, parsed.auth) == (browser.p256dh, browser.auth)
    assert parsed.text == text  # the browser's own form is the canonical one
    assert is_subscription(text) and not is_subscription("fcm-registration-token:APA91b")


@pytest.mark.parametrize("endpoint", [
    "https://fcm.googleapis.com/fcm/send/abc",
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
    "https://web.push.apple.com/QGuQyavXutnMx",
    "https://db5p.notify.windows.com/w/?token=BQYAAA",
])
def test_the_real_push_services_are_allowed_by_default(endpoint: str) -> None:
    assert parse_subscription(sub(endpoint), DEFAULTS).endpoint == endpoint


@pytest.mark.parametrize(("endpoint", "why"), [
    ("https://evil.example/push", "https://evil.example is not an allowed push service"),
    ("http://fcm.googleapis.com/fcm/send/abc", "http://fcm.googleapis.com is not an allowed"),
    ("https://fcm.googleapis.com:8443/fcm/send/a", "https://fcm.googleapis.com:8443 is not"),
    ("https://push.apple.com/x", "https://push.apple.com is not an allowed"),  # *. needs a name
    ("https://web.push.apple.com.evil.example/x", "is not an allowed push service"),
    ("https://fcm.googleapis.com@evil.example/x", "not an http(s) URL"),
    ("https://fcm.googleapis.com\\@evil.example/x", "not an http(s) URL"),
    ("https://169.254.169.254/latest/meta-data", "is not an allowed push service"),
    ("ftp://fcm.googleapis.com/x", "not an http(s) URL"),
    ("https://FCM.googleapis.com/x", "not an http(s) URL"),
])
def test_an_endpoint_of_anything_but_an_allowed_push_service_is_refused(
        endpoint: str, why: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        parse_subscription(sub(endpoint), DEFAULTS)
    assert why in str(refused.value)


def test_http_is_allowed_only_where_configured_and_ports_must_match() -> None:
    local = (origin_pattern("http://127.0.0.1:8099"),)
    assert endpoint_origin("http://127.0.0.1:8099/push/a", local) == "http://127.0.0.1:8099"
    for other in ("https://127.0.0.1:8099/push/a", "http://127.0.0.1:8098/push/a",
                  "http://127.0.0.1/push/a"):
        with pytest.raises(InvalidRequest):
            endpoint_origin(other, local)
    assert str(origin_pattern("https://*.push.apple.com/")) == "https://*.push.apple.com"
    for bad in ("fcm.googleapis.com", "https://a/b", "https://*/", "gopher://x", "https://x:0"):
        with pytest.raises(ValueError):
            origin_pattern(bad)


@pytest.mark.parametrize(("device", "why"), [
    ('{"endpoint":', "not valid JSON"),
    ("[1, 2]", 'no "endpoint"'),
    ('{"keys":{}}', 'no "endpoint"'),
    (sub(keys=None), 'no "keys"'),
    (sub(expirationTime="tomorrow"), '"expirationTime" must be null or a number'),
    (sub(p256dh="not base64!"), "keys.p256dh is not base64url"),
    (sub(p256dh=PUSH.b64url(b"\x04" + b"\x01" * 64)), "keys.p256dh is not a P-256 public key"),
    (sub(p256dh=PUSH.b64url(b"\x04" * 33)), "keys.p256dh is not a P-256 public key"),
    (sub(auth=PUSH.b64url(b"short")), "keys.auth must be 16 bytes"),
    (sub(auth=12), "keys.auth is not base64url"),
])
def test_a_malformed_subscription_is_refused_saying_why(device: str, why: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        parse_subscription(device, DEFAULTS)
    assert why in str(refused.value)


def test_the_curve_check_knows_a_real_key_from_a_made_up_one() -> None:
    assert on_p256(PUSH.Browser().p256dh)
    real = bytearray(PUSH.Browser().p256dh)
    real[-1] ^= 1
    assert not on_p256(bytes(real))


def test_devices_keep_tokens_and_one_subscription_per_endpoint() -> None:
    first, again = sub(), sub()  # the same endpoint, new keys (the browser re-subscribed)
    spaced = json.dumps(json.loads(first))  # with spaces: stored in the browser's form
    assert checked_devices(["tok-1", spaced, "tok-1", again], DEFAULTS) == ("tok-1", again)
    assert checked_devices([spaced], DEFAULTS) == (first,)
    with pytest.raises(InvalidRequest, match=r"devices\[1\] is not a valid Web Push subscrip"):
        checked_devices(["tok-1", sub("https://evil.example/x")], DEFAULTS)


async def test_preferences_with_a_bad_subscription_are_refused_and_nothing_stored(fake) -> None:  # type: ignore[no-untyped-def]
    before = fake.store.prefs[fake.patient]
    with pytest.raises(InvalidRequest, match="not an allowed push service"):
        await fake.bus.handle(c.PutPreferences(Preferences(
            fake.patient, devices=(sub("https://evil.example/x"),))))
    assert fake.store.prefs[fake.patient] == before
    good = sub()
    stored = await fake.bus.handle(c.PutPreferences(Preferences(
        fake.patient, devices=("device-1", json.dumps(json.loads(good))))))
    assert stored.devices == ("device-1", good)
    assert fake.store.prefs[fake.patient].devices == ("device-1", good)
