"""What a 500 leaves in the logs, and that logging cannot stall the process.

A traceback is rendered plain (no local variables, whatever rich or better-exceptions offer),
capped, and masked like any field; output goes through a bounded queue to a writer thread, so
a stdout that blocks drops records (counted) instead of blocking the caller.
"""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import threading

import httpx
import pytest
import structlog

from hms_platform.logging import (
    SECRET_MASK,
    configure_logging,
    flush_logging,
    mask_contacts,
    mask_text,
    shutdown_logging,
)
from hms_platform.web import create_service_app

pytestmark = pytest.mark.usefixtures("restore_logging")

LOCAL_SECRET = "local-Secret-7f3a"
MESSAGE_SECRET = "message-Secret-9c1d"
SECRETS = (LOCAL_SECRET, MESSAGE_SECRET, "hunter2")


class SignInFailed(RuntimeError):
    pass


def sign_in(username: str, password: str) -> None:
    attempts = [{"username": username, "password": password}]  # a local holding the secret
    raise SignInFailed(f"SignIn(username={username!r}, password={MESSAGE_SECRET!r}) failed "
                       f"after {len(attempts)} attempt")


def app_that_raises() -> httpx.AsyncClient:
    app = create_service_app("demo", prefix="/api/demo")

    @app.post("/api/demo/token")
    async def token() -> None:
        password = LOCAL_SECRET  # noqa: F841  (rich would print it as a local)
        sign_in("amina", LOCAL_SECRET)

    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t")


def assert_safe(output: str) -> None:
    for secret in SECRETS:
        assert secret not in output, output
    assert "locals" not in output.lower()
    assert "SignInFailed" in output  # the exception's type is still there to debug with
    assert "password=" in output  # and so is the shape of the message


@pytest.mark.parametrize("json_logs", [False, True], ids=["console", "json"])
async def test_a_500_is_logged_without_locals_or_secrets(json_logs: bool) -> None:
    out = io.StringIO()
    configure_logging(json=json_logs, stream=out)
    async with app_that_raises() as client:
        response = await client.post("/api/demo/token", data={"password": "hunter2"})
    assert response.status_code == 500
    assert flush_logging()
    output = out.getvalue()
    assert "unhandled_exception" in output and "Traceback" in output
    assert_safe(output)
    assert output.count("Traceback (most recent call last)") == 1  # logged once, not twice
    if json_logs:
        [entry] = [json.loads(line) for line in output.splitlines() if "unhandled" in line]
        assert "SignInFailed" in entry["exception"] and "exc_info" not in entry


@pytest.mark.parametrize("json_logs", [False, True], ids=["console", "json"])
async def test_a_stdlib_logger_exception_is_rendered_the_same_way(json_logs: bool) -> None:
    out = io.StringIO()
    configure_logging(json=json_logs, stream=out)
    try:
        sign_in("amina", LOCAL_SECRET)
    except SignInFailed:  # as uvicorn logs an exception that escaped the app
        logging.getLogger("uvicorn.error").exception(
            "Exception in ASGI application\nbody b'username=amina&password=hunter2'")
    assert flush_logging()
    assert_safe(out.getvalue())
    assert "Exception in ASGI application" in out.getvalue()


@pytest.mark.parametrize("json_logs", [False, True], ids=["console", "json"])
async def test_secret_fields_are_masked_by_name(json_logs: bool) -> None:
    out = io.StringIO()
    configure_logging(json=json_logs, stream=out)
    structlog.get_logger("t").info(
        "form", password="hunter2", new_password="hunter2", current_password="hunter2",
        secret="hunter2", token="hunter2", access_token="hunter2", refresh_token="hunter2",
        code="hunter2", activation_code="hunter2", authorization="Bearer hunter2",
        nested={"Password": "hunter2", "items": [{"token": "hunter2"}]},
        status_code=201, token_type="bearer", username="amina")
    assert flush_logging()
    output = out.getvalue()
    assert "hunter2" not in output
    assert "201" in output and "bearer" in output and "amina" in output


@pytest.mark.parametrize(("text", "kept"), [
    ("SignIn(username='amina', password='hunter2')", "username='amina'"),
    ('{"password": "hunter2", "current_password":"hunter2", "grant_type": "password"}',
     '"grant_type": "password"'),
    ("grant_type=password&username=amina&password=hunter2&code=hunter2", "username=amina"),
    ("b'client_id=x&new_password=hunter2'", "client_id=x"),
    ("Authorization: Bearer hunter2.hunter2.hunter2", "Authorization: "),
    ("[(b'authorization', b'Bearer hunter2'), (b'host', b'x')]", "(b'host', b'x')"),
    ('{\\"access_token\\": \\"hunter2\\", \\"expires_in\\": 900}', "900"),
    ("activation_code=hunter2 status_code=500 refresh_token: 'hunter2", "status_code=500"),
    ("HMS_ADMIN_PASSWORD=hunter2 AUTH_KEY_ENCRYPTION_KEY=hunter2==", "HMS_ADMIN_PASSWORD="),
    ("secret = 'hunter2'; token='hunter2'", "secret = "),
])
def test_secrets_inside_text_are_masked(text: str, kept: str) -> None:
    masked = mask_text(text)
    assert "hunter2" not in masked and SECRET_MASK in masked
    assert kept in masked


def test_mask_contacts_keeps_none_and_empty_secret_fields_readable() -> None:
    event = {"event": "x", "password": None, "token": "", "code": 42}
    assert mask_contacts(None, "info", event) == {
        "event": "x", "password": None, "token": "", "code": SECRET_MASK}


def ping(depth: int) -> None:  # ping and pong alternate: Python cannot fold the frames
    if depth == 0:
        raise ValueError("bottom password='hunter2' " + "x" * 50_000)
    pong(depth - 1)


def pong(depth: int) -> None:
    ping(depth - 1)


async def test_a_rendered_exception_is_capped_and_keeps_its_end() -> None:
    out = io.StringIO()
    configure_logging(json=True, stream=out)
    try:
        ping(400)
    except ValueError:
        structlog.get_logger("t").exception("deep")
    assert flush_logging()
    [entry] = [json.loads(line) for line in out.getvalue().splitlines()]
    exception = entry["exception"]
    assert len(exception) < 10_000
    assert exception.startswith("Traceback (most recent call last):")
    assert "lines omitted" in exception
    assert "ValueError: bottom password='***'" in exception and "hunter2" not in exception


class BlockedStream(io.TextIOBase):
    """stdout whose reader stopped reading: write() blocks until released."""

    def __init__(self) -> None:
        self.released = threading.Event()
        self.written: list[str] = []

    def write(self, text: str) -> int:
        self.released.wait()
        self.written.append(text)
        return len(text)

    def flush(self) -> None:
        pass


def test_a_blocked_stream_never_blocks_the_callers_and_drops_are_counted() -> None:
    stream = BlockedStream()
    configure_logging(json=True, stream=stream, queue_size=500)
    log = structlog.get_logger("load")
    records = 50_000

    def flood() -> None:
        for n in range(records):
            try:
                raise RuntimeError(f"failure {n}")
            except RuntimeError:
                if n % 2:
                    log.exception("request.failed", n=n)
                else:
                    logging.getLogger("uvicorn.error").exception("Exception in ASGI application")

    caller = threading.Thread(target=flood, daemon=True)
    caller.start()
    caller.join(timeout=120)  # a liveness check: without the queue it never returns
    assert not caller.is_alive(), "logging blocked the caller"

    stream.released.set()
    assert flush_logging(timeout=30)
    lines = [json.loads(line) for line in "".join(stream.written).splitlines()]
    reports = [line for line in lines if line["event"] == "logging.records_dropped"]
    assert len(reports) == 1 and reports[0]["level"] == "warning"
    written = len(lines) - len(reports)
    assert 0 < written <= 500 + 256  # the queue, plus the batch the writer held, blocked
    assert written + reports[0]["dropped"] == records


def writer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "hms-log-writer"]


def test_configuring_again_stops_the_previous_writer_after_it_wrote_its_records() -> None:
    outs = [io.StringIO() for _ in range(5)]
    for n, out in enumerate(outs):
        configure_logging(json=True, stream=out)
        structlog.get_logger("t").info("configured", n=n)
    assert len(writer_threads()) == 1
    assert flush_logging()
    assert all(f'"n": {n}' in out.getvalue() for n, out in enumerate(outs))
    shutdown_logging()
    assert writer_threads() == []


def test_records_queued_at_exit_are_written() -> None:
    program = (
        "import logging, structlog\n"
        "from hms_platform.logging import configure_logging\n"
        "configure_logging(json=True)\n"
        "for n in range(2000):\n"
        "    structlog.get_logger('t').info('line', n=n)\n"
        "logging.getLogger('x').warning('last words')\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          timeout=60, check=True)
    lines = done.stdout.splitlines()
    assert len(lines) == 2001 and json.loads(lines[-1])["event"] == "last words"


def test_a_process_whose_stdout_nobody_reads_still_exits() -> None:
    # The pipe fills after 64 KiB; the writer thread then blocks for good. The process must
    # neither block its callers nor hang at exit (Python flushes stdout there).
    program = (
        "import structlog\n"
        "from hms_platform.logging import configure_logging\n"
        "configure_logging(json=False)\n"
        "for n in range(20_000):\n"
        "    try:\n"
        "        raise ValueError(n)\n"
        "    except ValueError:\n"
        "        structlog.get_logger('t').exception('failed', n=n)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", program], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    try:
        assert process.wait(timeout=60) == 0
    finally:
        process.kill()
        assert process.stdout is not None
        process.stdout.close()


def test_before_configure_logging_tracebacks_are_plain_and_masked() -> None:
    """A process (or test) that logs before configure_logging must not get structlog's own
    defaults: with rich installed they print every frame's local variables, slowly."""
    script = (
        "import structlog, hms_platform.logging\n"
        "def sign_in(form):\n"
        "    password = form['pw']\n"
        "    raise RuntimeError(f'password={password!r} refused')\n"
        "try:\n"
        "    sign_in({'pw': 'Local-' + 'Secret-42'})\n"
        "except RuntimeError:\n"
        "    structlog.get_logger('t').exception('boom', password='Field-' + 'Secret-43')\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    assert "RuntimeError" in out and "Traceback" in out
    assert "Secret-42" not in out and "Secret-43" not in out
    assert "locals" not in out.lower() and "╭" not in out  # no rich panels
