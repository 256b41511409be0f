"""hms_platform.domain_errors: a service's errors answer with their category's status, no map."""

import subprocess
import sys
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from structlog.testing import capture_logs

from hms_platform import domain_errors as base
from hms_platform.web.problems import PROBLEM_JSON, install_problem_handlers


# A service's errors, shaped as the services shape theirs: a base, categories, specific errors.
class DemoError(base.DomainError):
    message = "The request could not be completed."


class NotFound(DemoError, base.NotFound):
    pass


class NoSuchThing(NotFound):  # inherits its category's status
    def __init__(self, thing: str) -> None:
        super().__init__(f"No such {thing}.")
        self.problem_extra = {"thing": thing}


class Conflict(DemoError, base.Conflict):
    pass


class TooManyRequests(DemoError, base.TooManyRequests):
    pass


class SlowDown(TooManyRequests):  # names its own problem, and says when to come back
    problem_type = "https://hms.example/problems/slow-down"
    problem_title = "Slow down"


class Unavailable(DemoError, base.Unavailable):
    pass


class Uncategorized(DemoError):  # a bug: no category, so no status of its own
    pass


ERRORS: dict[str, base.DomainError] = {
    "not-authenticated": base.NotAuthenticated("Who are you?"),
    "not-allowed": base.NotAllowed("Not yours."),
    "not-found": NotFound(),
    "no-such-thing": NoSuchThing("widget"),
    "conflict": Conflict("Already there."),
    "invalid": base.InvalidRequest("Out of range."),
    "too-many": TooManyRequests("Enough."),
    "slow-down": SlowDown("Wait a minute.", retry_after=60),
    "busy": Unavailable(retry_after=0),
    "uncategorized": Uncategorized("db password is hunter2"),
}


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    install_problem_handlers(app)  # no map: the errors carry their statuses

    @app.get("/raise/{name}")
    async def raise_error(name: str) -> None:
        raise ERRORS[name]

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.mark.parametrize(
    ("name", "status", "title", "detail"),
    [
        ("not-authenticated", 401, "Unauthorized", "Who are you?"),
        ("not-allowed", 403, "Forbidden", "Not yours."),
        ("not-found", 404, "Not Found", "The request could not be completed."),
        ("no-such-thing", 404, "Not Found", "No such widget."),
        ("conflict", 409, "Conflict", "Already there."),
        ("invalid", 422, "Unprocessable Entity", "Out of range."),
        ("too-many", 429, "Too Many Requests", "Enough."),
    ],
)
async def test_each_category_answers_with_its_status(client, name, status, title, detail) -> None:
    response = await client.get(f"/raise/{name}")

    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert {k: body[k] for k in ("type", "title", "status", "detail")} == {
        "type": "about:blank", "title": title, "status": status, "detail": detail}
    assert "retry-after" not in response.headers


async def test_problem_extra_adds_members(client) -> None:
    body = (await client.get("/raise/no-such-thing")).json()

    assert body["thing"] == "widget"


async def test_retry_after_becomes_a_header_and_a_member(client) -> None:
    slow = await client.get("/raise/slow-down")
    busy = await client.get("/raise/busy")

    assert slow.status_code == 429 and slow.headers["retry-after"] == "60"
    body = slow.json()
    assert (body["type"], body["title"]) == (SlowDown.problem_type, "Slow down")
    assert body["retry_after"] == 60 and "headers" not in body
    # Never "Retry-After: 0"; without a message, the status's phrase is the detail.
    assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
    assert busy.json()["retry_after"] == 1
    assert busy.json()["detail"] == "The request could not be completed."


async def test_an_error_outside_the_categories_is_a_generic_logged_500(client) -> None:
    with capture_logs() as logs:
        response = await client.get("/raise/uncategorized")

    assert response.status_code == 500
    assert "hunter2" not in response.text
    assert response.json()["detail"] == "An unexpected error occurred."
    assert [entry["event"] for entry in logs] == ["unhandled_exception"]


def test_the_categories_carry_the_statuses() -> None:
    assert {c.__name__: c.status for c in base.CATEGORIES} == {
        "NotAuthenticated": 401, "NotAllowed": 403, "NotFound": 404, "Conflict": 409,
        "Gone": 410, "InvalidRequest": 422, "TooManyRequests": 429, "Unavailable": 503}
    assert all(issubclass(c, base.DomainError) for c in base.CATEGORIES)


def test_an_error_without_a_message_has_no_args() -> None:
    assert base.NotFound().args == () and str(base.NotFound()) == ""
    assert NotFound().args == ("The request could not be completed.",)
    assert base.TooManyRequests().problem_extra == {}


def test_domain_errors_import_only_the_stdlib() -> None:
    # Domains import it; import-linter forbids their frameworks, this names the rule at source.
    code = ("import sys; before = set(sys.modules); import hms_platform.domain_errors; "
            "print('\\n'.join(sorted(set(sys.modules) - before)))")
    loaded = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                            text=True).stdout.split()
    outside = {m for m in loaded if m.split(".")[0] not in sys.stdlib_module_names}
    assert outside == {"hms_platform", "hms_platform.domain_errors"}
