"""Masking for logs: phone numbers, emails and secrets (as fields and inside text), and
exceptions rendered as plain, capped, masked tracebacks (never local variables)."""

from __future__ import annotations

import re
import sys
import traceback
from collections.abc import Mapping, MutableMapping
from types import TracebackType
from typing import Any

# E.164 and the usual human spellings of phone numbers (7+ digits with separators).
_PHONE = re.compile(r"(?<![\w-])\+?\d[\d ().-]{5,}\d(?![\w-])")
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
_URL_AT = re.compile(r"%40", re.IGNORECASE)
_URL_PLUS = re.compile(r"%2B(?=\d)", re.IGNORECASE)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# ISO 8601 dates and timestamps, as isoformat() and str() write them (T or space, fraction,
# offset): digit runs with separators, which the phone pattern would otherwise mask.
_ISO_TIME = re.compile(
    r"(?<!\d)\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)"
)

# IPv4 addresses (client addresses in access logs) are digit runs too. Octets without leading
# zeros, so a phone spelled with dots ("0712.345.678") is still a phone.
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"(?<![\d.])(?:{_OCTET}\.){{3}}{_OCTET}(?!\.?\d)")

# Names whose values are secrets, as event keys and as `name=value`, `name='value'`,
# `"name": "value"`, `('name', b'value')` or `name: Bearer value` inside text (reprs, form
# bodies, JSON, exception messages). `status_code` or `token_type` are not secrets: a name
# matches whole, optionally behind `something_` for password/secret/token/key kinds.
_SECRET_NAME = (
    r"(?:[A-Za-z0-9]+_)*(?:password|passwd|passphrase|secret|token|private_key|encryption_key)"
    r"|(?:activation_)?code|authorization|cookie|api_key"
)
_SECRET_KEY = re.compile(_SECRET_NAME, re.IGNORECASE)
_SECRET_HINTS = ("pass", "secret", "token", "key", "code", "auth", "cookie")
_SECRET_ASSIGNMENT = re.compile(
    rf"(?<![A-Za-z0-9_])(?P<name>{_SECRET_NAME})(?![A-Za-z0-9_])"
    r"(?P<sep>(?:\\?[\"']?\s*[:=]|\\?[\"']\s*,)\s*)"
    # quoted (also b'...' and JSON escaped inside a string), up to its quote or the line's end
    r"(?:(?P<pre>b?)(?P<q>\\?[\"'])(?:\\.|[^\\\n])*?(?:(?P=q)|$)"
    # or bare, up to a separator; an auth scheme keeps its credentials with it
    r"|(?:(?:bearer|basic|token)\s+)?[^\s,;&)\]}'\"<>]+)",
    re.IGNORECASE | re.MULTILINE,
)
SECRET_MASK = "***"

# A rendered exception is capped: lines cut at _LINE_MAX_CHARS (before masking, so masking
# cost is bounded too), then the head and as much of the tail (the raise site and the
# message) as fits in _EXCEPTION_MAX_CHARS.
_LINE_MAX_CHARS = 500
_EXCEPTION_MAX_CHARS = 8_000
_EXCEPTION_HEAD_LINES = 3


def _mask_phone(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = re.sub(r"\D", "", text)
    if len(digits) < 7:
        return text
    return ("+" if text.startswith("+") else "") + "*" * (len(digits) - 2) + digits[-2:]


def _mask_assignment(match: re.Match[str]) -> str:
    quote = match.group("q")
    value = f"{match.group('pre')}{quote}{SECRET_MASK}{quote}" if quote else SECRET_MASK
    return f"{match.group('name')}{match.group('sep')}{value}"


def mask_secrets(text: str) -> str:
    """Replace the values of password, token, secret, code, authorization... assignments."""
    lowered = text.lower()
    if not any(hint in lowered for hint in _SECRET_HINTS):
        return text
    return _SECRET_ASSIGNMENT.sub(_mask_assignment, text)


def mask_text(text: str) -> str:
    """Mask secrets (``password='***'``), emails (``j***@host``) and phone numbers (all but
    the last two digits)."""
    text = mask_secrets(text)
    # Query strings in access logs carry them URL-encoded (``%2B254...``, ``amina%40host``).
    text = _URL_PLUS.sub("+", _URL_AT.sub("@", text))
    text = _EMAIL.sub(r"\1***@\2", text)
    # UUIDs, timestamps and IPv4 addresses are digit runs too; protect them from the phone
    # pattern.
    protected: list[str] = []

    def keep(m: re.Match[str]) -> str:
        protected.append(m.group(0))
        return f"\x00{len(protected) - 1}\x00"

    text = _UUID.sub(keep, text)
    text = _ISO_TIME.sub(keep, text)
    text = _IPV4.sub(keep, text)
    text = _PHONE.sub(_mask_phone, text)
    return re.sub(r"\x00(\d+)\x00", lambda m: protected[int(m.group(1))], text)


def is_secret_key(key: object) -> bool:
    return isinstance(key, str) and _SECRET_KEY.fullmatch(key) is not None


def _mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, Mapping):
        return {k: _mask_field(k, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_value(v) for v in value]
    return value


def _mask_field(key: object, value: Any) -> Any:
    if is_secret_key(key) and value not in (None, ""):
        return SECRET_MASK
    return _mask_value(value)


def mask_contacts(
    _: Any, __: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: secrets (by key, and inside any text) and contact details masked
    in every field of the event, the rendered exception included."""
    for key, value in list(event_dict.items()):
        if key not in ("timestamp", "level", "logger"):
            event_dict[key] = _mask_field(key, value)
    return event_dict


ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def _exc_info(value: Any) -> ExcInfo | None:
    if isinstance(value, BaseException):
        return type(value), value, value.__traceback__
    if isinstance(value, tuple):
        return value if len(value) == 3 and value[0] is not None else None
    if value:
        current = sys.exc_info()
        return current if current[0] is not None else None
    return None


def cap_traceback(text: str) -> str:
    """Cut long lines, then keep the first lines and as much of the end as fits."""
    lines = [line if len(line) <= _LINE_MAX_CHARS else line[:_LINE_MAX_CHARS] + " [...]"
             for line in text.splitlines()]
    if sum(len(line) + 1 for line in lines) <= _EXCEPTION_MAX_CHARS:
        return "\n".join(lines)
    head = lines[:_EXCEPTION_HEAD_LINES]
    budget = _EXCEPTION_MAX_CHARS - sum(len(line) + 1 for line in head) - 60
    tail: list[str] = []
    for line in reversed(lines[len(head):]):
        budget -= len(line) + 1
        if budget < 0:
            break
        tail.append(line)
    omitted = len(lines) - len(head) - len(tail)
    return "\n".join([*head, f"  [... {omitted} lines omitted ...]", *reversed(tail)])


def format_exception(exc_info: ExcInfo) -> str:
    """A plain traceback (source lines and the message, never local variables), capped."""
    return cap_traceback("".join(traceback.format_exception(*exc_info)).rstrip("\n"))


def render_exception(
    _: Any, __: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: ``exc_info`` becomes the string ``exception`` (plain, capped);
    mask_contacts, after it, masks that string like any other field."""
    info = _exc_info(event_dict.pop("exc_info", None))
    if info is not None:
        event_dict["exception"] = format_exception(info)
    elif isinstance(event_dict.get("exception"), str):
        event_dict["exception"] = cap_traceback(event_dict["exception"])
    return event_dict


# ---- output: a bounded queue and one writer thread -------------------------------------------
