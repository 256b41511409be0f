"""structlog setup: JSON in production, console in dev; correlation ids; contact details and
secrets masked; exceptions as plain, capped tracebacks (never local variables); output written
by a background thread through a bounded queue, so a slow or blocked stdout never blocks a
request (records that do not fit are dropped and counted)."""

from __future__ import annotations

import atexit
import collections
import contextlib
import logging
import os
import re
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Mapping, MutableMapping
from contextvars import ContextVar
from types import TracebackType
from typing import Any, TextIO

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

QUEUE_SIZE = 5_000
_POLL = 0.05  # seconds between the writer's looks at the queue
_WRITE_BATCH = 256
_STOP = object()


class _Flush:
    def __init__(self) -> None:
        self.done = threading.Event()


class BackgroundLogHandler(logging.Handler):
    """Formats each record in the thread that logs it (where its context variables and
    exception are), then hands the text to a writer thread through a bounded queue. A full
    queue drops the record and counts it; the writer reports the count in one line once it has
    caught up. A blocked stream therefore stalls only the writer, never the caller.

    The queue is a deque the writer polls every ``_POLL`` seconds (or at once when it is half
    full, or asked to flush): waking a thread per record costs a GIL hand-off per log line,
    which measured as a tenth of a short request's time."""

    def __init__(self, stream: TextIO, formatter: logging.Formatter, *,
                 queue_size: int = QUEUE_SIZE) -> None:
        super().__init__()
        self.setFormatter(formatter)
        self.stream = stream
        # A real file (stdout) is written with os.write on its descriptor: a thread blocked in
        # stream.write() would hold the stream's buffer lock, and Python 3.11 waits for that
        # lock forever when it flushes stdout at exit (a blocked stdout: no exit, even on
        # SIGINT). os.write holds no Python lock while it waits.
        self._fd = _file_descriptor(stream)
        self._encoding = getattr(stream, "encoding", None) or "utf-8"
        if self._fd is not None:
            with contextlib.suppress(Exception):
                stream.flush()  # what was printed before goes out first
        self._items: collections.deque[object] = collections.deque()
        self._max = queue_size
        self._wake = threading.Event()
        self.dropped_total = 0  # for tests and curiosity: every record ever dropped
        self._dropped = 0  # not yet reported
        self._unformattable = 0
        self._counter_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="hms-log-writer", daemon=True)
        self._thread.start()

    # -- caller side --------------------------------------------------------------------------

    def handle(self, record: logging.LogRecord) -> bool:
        # No handler lock: callers format in parallel, the queue is the only shared state.
        if not self.filter(record):
            return False
        self.emit(record)
        return True

    def emit(self, record: logging.LogRecord) -> None:
        if self._stopped:
            self._emit_after_stop(record)
            return
        if self.full():  # do not even render what cannot be queued
            self._count(dropped=1)
            return
        try:
            text = self.format(record)
        except Exception:  # never print the record (it may hold secrets); count it
            self._count(unformattable=1)
            return
        self._put(text)

    def full(self) -> bool:
        return len(self._items) >= self._max

    def _put(self, item: object) -> bool:
        if self.full():
            self._count(dropped=1)
            return False
        self._items.append(item)  # atomic; the writer polls
        if len(self._items) * 2 >= self._max:
            self._wake.set()
        return True

    def drop_when_full(self, _: Any, __: str, event_dict: MutableMapping[str, Any]
                       ) -> MutableMapping[str, Any]:
        """structlog processor, first in the chain: a record that cannot be queued is dropped
        before anything renders it (a traceback costs far more than the check)."""
        if self.full() and not self._stopped:
            self._count(dropped=1)
            raise structlog.DropEvent
        return event_dict

    def _count(self, *, dropped: int = 0, unformattable: int = 0) -> None:
        with self._counter_lock:
            self._dropped += dropped
            self.dropped_total += dropped
            self._unformattable += unformattable

    def _emit_after_stop(self, record: logging.LogRecord) -> None:
        # After stop() (process exit): write directly, unless the writer is still stuck.
        if self._thread.is_alive():
            self._count(dropped=1)
            return
        try:
            self._write(self.format(record) + "\n", flush=True)
        except Exception:
            self._count(unformattable=1)

    def drain(self, timeout: float = 5.0) -> bool:
        """Wait until everything queued so far is written; False if that took too long."""
        if self._stopped or not self._thread.is_alive():
            return True
        marker = _Flush()
        deadline = time.monotonic() + timeout
        while self.full():
            if time.monotonic() > deadline:
                return False
            self._wake.set()
            time.sleep(0.01)
        self._items.append(marker)
        self._wake.set()
        return marker.done.wait(max(0.0, deadline - time.monotonic()))

    def stop(self, timeout: float = 5.0) -> None:
        """Write what is queued (waiting at most ``timeout``) and end the writer thread."""
        if self._stopped:
            return
        self._stopped = True
        deadline = time.monotonic() + timeout
        while self.full():
            if time.monotonic() > deadline:
                return  # the writer is stuck on its stream; it is a daemon and dies with us
            self._wake.set()
            time.sleep(0.01)
        self._items.append(_STOP)
        self._wake.set()
        self._thread.join(max(0.0, deadline - time.monotonic()))

    def close(self) -> None:
        self.stop(timeout=2.0)
        super().close()

    # -- writer side --------------------------------------------------------------------------

    def _run(self) -> None:
        stopping = False
        while not stopping:
            if not self._items:
                self._wake.wait(_POLL)
                self._wake.clear()
                continue
            batch: list[object] = []
            while len(batch) < _WRITE_BATCH and self._items:  # one write for what is waiting
                batch.append(self._items.popleft())
            lines: list[str] = []
            for item in batch:
                if item is _STOP:
                    stopping = True  # (still write anything queued alongside it)
                elif isinstance(item, _Flush):
                    self._write("".join(lines))
                    lines = []
                    self._report_drops()
                    self._flush()
                    item.done.set()
                else:
                    lines.append(f"{item}\n")
            self._write("".join(lines))
            if stopping or not self._items:  # caught up: now say what was lost, and flush
                self._report_drops()
                self._flush()

    def _report_drops(self) -> None:
        with self._counter_lock:
            dropped, unformattable = self._dropped, self._unformattable
            self._dropped = self._unformattable = 0
        if not (dropped or unformattable):
            return
        record = logging.LogRecord("hms.logging", logging.WARNING, __file__, 0,
                                   "logging.records_dropped", None, None)
        record.dropped = dropped
        record.unformattable = unformattable
        try:
            self._write(self.format(record) + "\n")
        except Exception:
            self._write(f"logging.records_dropped dropped={dropped} "
                        f"unformattable={unformattable}\n")

    def _write(self, text: str, *, flush: bool = False) -> None:
        if not text:
            return
        # A closed or broken stream: nowhere left to say so.
        with self._write_lock, contextlib.suppress(Exception):
            if self._fd is None:
                self.stream.write(text)
                if flush:
                    self.stream.flush()
                return
            data = memoryview(text.encode(self._encoding, "backslashreplace"))
            while data:
                data = data[os.write(self._fd, data):]

    def _flush(self) -> None:
        if self._fd is None:
            with self._write_lock, contextlib.suppress(Exception):
                self.stream.flush()


def _file_descriptor(stream: TextIO) -> int | None:
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError
        return None


_active: BackgroundLogHandler | None = None
_active_lock = threading.Lock()


def _swap_active(handler: BackgroundLogHandler | None) -> None:
    global _active
    with _active_lock:
        previous, _active = _active, handler
    if previous is not None:
        previous.stop()


def flush_logging(timeout: float = 5.0) -> bool:
    """Wait until the records logged so far are written (tests read the output after it)."""
    handler = _active
    return handler.drain(timeout) if handler is not None else True


def shutdown_logging(timeout: float = 5.0) -> None:
    """Write what is queued and stop the writer thread (also run at process exit)."""
    with _active_lock:
        handler = _active
    if handler is not None:
        handler.stop(timeout)


def _shutdown_at_exit() -> None:
    shutdown_logging(timeout=3.0)


atexit.register(_shutdown_at_exit)


def configure_logging(*, json: bool, level: str = "INFO", stream: TextIO | None = None,
                      queue_size: int = QUEUE_SIZE) -> None:
    """Configure structlog and route stdlib logging (uvicorn's too) through it, to ``stream``
    (default: stdout) by a writer thread. Calling it again replaces the previous setup and
    stops its thread once it has written what it held."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        render_exception,  # never structlog's default: with rich installed it prints locals
        mask_contacts,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer() if json
        else structlog.dev.ConsoleRenderer(colors=False,
                                           exception_formatter=structlog.dev.plain_traceback)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.stdlib.ExtraAdder(allow=("dropped", "unformattable")),
                           *shared],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = BackgroundLogHandler(stream or sys.stdout, formatter, queue_size=queue_size)
    structlog.configure(
        processors=[handler.drop_when_full, *shared,
                    structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's default log config (a server started without log_config=None earlier in this
    # process) gives its loggers their own stderr handlers and stops them propagating here.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
        server_logger = logging.getLogger(name)
        server_logger.handlers.clear()
        server_logger.propagate = True
        server_logger.disabled = False
    for noisy in ("aiormq", "aio_pika"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    _swap_active(handler)


def _safe_defaults() -> None:
    """Until a process calls configure_logging (tests, a library user, a script), structlog's
    own defaults would print tracebacks with local variables through rich, slowly and with
    secrets in them. These defaults mask and print plain, capped tracebacks instead."""
    if structlog.is_configured():
        return
    structlog.configure(processors=[
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        render_exception,
        mask_contacts,
        structlog.dev.ConsoleRenderer(colors=False,
                                      exception_formatter=structlog.dev.plain_traceback),
    ])


_safe_defaults()
