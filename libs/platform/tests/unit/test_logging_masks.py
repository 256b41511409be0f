"""Contact details never reach the logs; ids and times stay readable; JSON logs carry the
correlation id."""

import json
import logging
import re

import pytest
import structlog

from hms_platform.logging import (
    configure_logging,
    flush_logging,
    mask_contacts,
    mask_text,
    set_correlation_id,
)

PHONES = [
    "+254712345678",
    "+1 415 555 2671",
    "+44 20 7946 0958",
    "0712 345 678",
    "0712-345-678",
    "(415) 555-2671",
    "415.555.2671",
    "0712.345.678",
    "254.712.345.678",  # four dotted groups, but not an IPv4 address
]


@pytest.mark.parametrize("phone", PHONES)
def test_phone_numbers_keep_only_their_last_two_digits(phone: str) -> None:
    masked = mask_text(f"sms to {phone} sent")
    digits = re.sub(r"\D", "", phone)
    assert masked.startswith("sms to ") and masked.endswith(f"{digits[-2:]} sent")
    assert re.sub(r"\D", "", masked) == digits[-2:]
    assert masked.startswith("sms to +") == phone.startswith("+")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jane.doe@example.org", "j***@example.org"),
        ("to jane.doe+clinic@mail.example.co.ke, cc x@y.org",
         "to j***@mail.example.co.ke, cc x***@y.org"),
    ],
)
def test_emails_keep_first_letter_and_domain(text: str, expected: str) -> None:
    assert mask_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "event_id=3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        "correlation_id=3f2504e04f8911d39a0c0305e82c3301",
        "at 2026-03-02T09:00:00Z",
        "occurred_at=2026-03-02T09:00:00.123456+00:00",
        "starts 2026-03-02 09:30:00+00:00",  # str(datetime)
        "on 2026-03-02, slot 09:30",
        "ticket 42 of 120, room 12345",
        "ticket A-1024 user_id=17 attempts=3",
        "auth.user_registered.v1 version 1.2.3",
        '203.0.113.66:0 - "GET /api/auth/me HTTP/1.1" 200',
        "client_ip=198.51.100.255, peer 10.0.0.1.",
    ],
)
def test_ids_times_and_small_numbers_are_untouched(text: str) -> None:
    assert mask_text(text) == text


def test_uuid_next_to_a_phone_number_keeps_the_uuid_and_masks_the_phone() -> None:
    uid = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
    assert mask_text(f"{uid} +254712345678 2026-03-02") == f"{uid} +**********78 2026-03-02"


def test_mask_contacts_masks_nested_values_and_leaves_metadata() -> None:
    event = {
        "event": "sms to +254712345678",
        "user": {"email": "jane.doe@example.org", "phones": ["0712 345 678", ("+254712345678",)]},
        "attempt": 3,
        "timestamp": "2026-03-02T09:00:00Z",
        "level": "info",
    }
    assert mask_contacts(None, "info", event) == {
        "event": "sms to +**********78",
        "user": {"email": "j***@example.org", "phones": ["********78", ["+**********78"]]},
        "attempt": 3,
        "timestamp": "2026-03-02T09:00:00Z",
        "level": "info",
    }


def json_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    assert flush_logging()  # a writer thread does the output
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]


# configure_logging runs inside each test: its handler binds sys.stdout as it is then, which
# must be the capsys buffer. The tests are async so the correlation id set here lives in the
# test's own context and cannot leak into later tests.
@pytest.mark.usefixtures("restore_logging")
async def test_json_log_is_masked_and_carries_the_correlation_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(json=True)
    set_correlation_id("abc")
    structlog.get_logger("hms.test").info("sms.sent", phone="+254712345678", attempt=1)
    (line,) = json_lines(capsys)
    assert line["event"] == "sms.sent"
    assert line["phone"] == "+**********78"
    assert line["correlation_id"] == "abc"
    assert line["level"] == "info"
    assert line["logger"] == "hms.test"
    assert line["attempt"] == 1
    assert isinstance(line["timestamp"], str) and line["timestamp"].endswith("Z")


@pytest.mark.usefixtures("restore_logging")
async def test_stdlib_logs_go_through_the_same_masking(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(json=True)
    set_correlation_id("req-7")
    logging.getLogger("some.library").warning("calling jane.doe@example.org at 0712 345 678")
    (line,) = json_lines(capsys)
    assert line["event"] == "calling j***@example.org at ********78"
    assert line["level"] == "warning"
    assert line["correlation_id"] == "req-7"


def test_url_encoded_contacts_in_access_lines_are_masked() -> None:
    line = '"GET /api/auth/users?q=%2B254712345678 HTTP/1.1" and ?q=amina%40example.com'
    masked = mask_text(line)
    assert "254712345678" not in masked and "amina" not in masked
    assert "78" in masked and "a***@example.com" in masked
