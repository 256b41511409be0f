"""structlog setup: JSON in production, console in dev; correlation ids; contact details masked."""

from __future__ import annotations

import logging
import re
import sys
import uuid
from collections.abc import Mapping, MutableMapping
from contextvars import ContextVar
from typing import Any

import structlog

_correlation_id: ContextVar[str | None] = ContextVar("hms_correlation_id", default=None)

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


def correlation_id() -> str | None:
    return _correlation_id.get()


def set_correlation_id(value: str | None = None) -> str:
    """Set (or create) the correlation id of the current request or message."""
    value = value or uuid.uuid4().hex
    _correlation_id.set(value)
    structlog.contextvars.bind_contextvars(correlation_id=value)
    return value


def _mask_phone(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = re.sub(r"\D", "", text)
    if len(digits) < 7:
        return text
    return ("+" if text.startswith("+") else "") + "*" * (len(digits) - 2) + digits[-2:]


def mask_text(text: str) -> str:
    """Mask emails (``j***@host``) and phone numbers (all but the last two digits)."""
    # Query strings in access logs carry them URL-encoded (``%2B254...``, ``amina%40host``).
    text = _URL_PLUS.sub("+", _URL_AT.sub("@", text))
    text = _EMAIL.sub(r"\1***@\2", text)
    # UUIDs and timestamps are digit runs too; protect them from the phone pattern.
    protected: list[str] = []

    def keep(m: re.Match[str]) -> str:
        protected.append(m.group(0))
        return f"\x00{len(protected) - 1}\x00"

    text = _UUID.sub(keep, text)
    text = _ISO_TIME.sub(keep, text)
    text = _PHONE.sub(_mask_phone, text)
    return re.sub(r"\x00(\d+)\x00", lambda m: protected[int(m.group(1))], text)


def _mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, Mapping):
        return {k: _mask_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_value(v) for v in value]
    return value


def mask_contacts(
    _: Any, __: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: mask phone numbers and emails in every string of the event."""
    for key, value in list(event_dict.items()):
        if key not in ("timestamp", "level", "logger"):
            event_dict[key] = _mask_value(value)
    return event_dict


def configure_logging(*, json: bool, level: str = "INFO") -> None:
    """Configure structlog and route stdlib logging through it."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info if json else structlog.processors.StackInfoRenderer(),
        mask_contacts,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(foreign_pre_chain=shared, processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer])
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiormq", "aio_pika"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
