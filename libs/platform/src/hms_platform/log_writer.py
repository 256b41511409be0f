"""The log writer: records formatted by their caller, written by one background thread
through a bounded queue, so a slow or blocked stdout never blocks a request."""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import threading
import time
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog

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
