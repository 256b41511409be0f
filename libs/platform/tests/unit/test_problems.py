"""install_problem_handlers: every error answer is RFC 9457 problem+json, and leaks nothing."""

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, Field
from sqlalchemy.exc import TimeoutError as PoolTimeout
from structlog.testing import capture_logs

from hms_platform.errors import Conflict, NotFound, Unauthorized
from hms_platform.web.problems import PROBLEM_JSON, install_problem_handlers, problem_response

pytestmark = pytest.mark.asyncio


class SlotTaken(Exception):  # a service's domain exception: stdlib only
    def __init__(self, slot: str) -> None:
        super().__init__(f"The slot {slot} is already booked.")
        self.problem_extra = {"slot": slot}


class UrgentSlotTaken(SlotTaken):
    pass


class NotYourTicket(Exception):
    pass


class TooManyTries(Exception):  # names its own problem, and says when to come back
    problem_type = "https://hms.example/problems/too-many-tries"
    problem_title = "Too many tries today"
    problem_extra = {"headers": {"Retry-After": "60"}, "retry_after": 60}


class Registration(BaseModel):
    phone_number: str
    password: str = Field(min_length=12)


ERRORS: dict[str, Exception] = {
    "slot": SlotTaken("09:30"),
    "urgent": UrgentSlotTaken("10:00"),
    "ticket": NotYourTicket("No such ticket."),
    "tries": TooManyTries("Try again in a minute."),
    "not-found": NotFound("No such appointment."),
    "conflict": Conflict("Phone number already registered.", existing_id="u-1"),
    "unauthorized": Unauthorized("Token required.", headers={"WWW-Authenticate": "Bearer"}),
    "boom": RuntimeError("db password is hunter2"),
    "pool": PoolTimeout("QueuePool limit of size 10 overflow 0 reached"),
}


def make_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app, {SlotTaken: 409, NotYourTicket: 404, TooManyTries: 429})

    @app.get("/raise/{name}")
    async def raise_error(name: str) -> None:
        raise ERRORS[name]

    @app.post("/register")
    async def register(body: Registration) -> dict[str, str]:
        return {"phone_number": body.phone_number}

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == status and {"type", "title", "detail"} <= body.keys()
    return body


@pytest.mark.parametrize(
    ("name", "status", "detail", "slot"),
    [
        ("slot", 409, "The slot 09:30 is already booked.", "09:30"),
        ("urgent", 409, "The slot 10:00 is already booked.", "10:00"),
        ("ticket", 404, "No such ticket.", None),
    ],
)
async def test_domain_exceptions_follow_the_mapping(client, name, status, detail, slot) -> None:
    body = problem(await client.get(f"/raise/{name}"), status)

    assert body["detail"] == detail
    assert body["type"] == "about:blank"
    assert body["title"] == {409: "Conflict", 404: "Not Found"}[status]
    assert body.get("slot") == slot


async def test_a_domain_exception_may_name_its_problem_and_set_headers(client) -> None:
    response = await client.get("/raise/tries")

    body = problem(response, 429)
    assert (body["type"], body["title"]) == (TooManyTries.problem_type, "Too many tries today")
    assert body["detail"] == "Try again in a minute." and body["retry_after"] == 60
    assert response.headers["retry-after"] == "60" and "headers" not in body


async def test_platform_errors_carry_their_status_type_and_extra(client) -> None:
    not_found = problem(await client.get("/raise/not-found"), 404)
    conflict = problem(await client.get("/raise/conflict"), 409)

    assert not_found["type"] == NotFound.type and not_found["detail"] == "No such appointment."
    assert conflict["existing_id"] == "u-1" and conflict["title"] == "Conflict"


async def test_platform_error_headers_become_response_headers(client) -> None:
    response = await client.get("/raise/unauthorized")

    assert "headers" not in problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


async def test_validation_error_lists_errors_without_the_input(client) -> None:
    secret = "s3cr3t-pw"

    response = await client.post("/register", json={"password": secret})

    body = problem(response, 422)
    assert secret not in response.text
    assert {tuple(error["loc"]) for error in body["errors"]} == {
        ("body", "phone_number"),
        ("body", "password"),
    }
    assert all(error.keys() == {"loc", "msg", "type"} for error in body["errors"])


async def test_malformed_json_is_422_without_the_input(client) -> None:
    response = await client.post(
        "/register",
        content=b'{"password": "hunter2-secret"',
        headers={"content-type": "application/json"},
    )

    problem(response, 422)
    assert "hunter2" not in response.text


async def test_unknown_route_is_404_problem(client) -> None:
    assert problem(await client.get("/nowhere"), 404)["title"] == "Not Found"


async def test_wrong_method_is_405_problem_with_allow(client) -> None:
    response = await client.delete("/register")

    problem(response, 405)
    assert response.headers["allow"] == "POST"


async def test_unexpected_exception_is_a_generic_logged_500(client) -> None:
    with capture_logs() as logs:
        response = await client.get("/raise/boom")

    body = problem(response, 500)
    assert body["detail"] == "An unexpected error occurred."
    assert "hunter2" not in response.text and "Traceback" not in response.text
    [entry] = [entry for entry in logs if entry["event"] == "unhandled_exception"]
    assert entry["log_level"] == "error" and isinstance(entry["exc_info"], RuntimeError)


async def test_an_exhausted_connection_pool_is_503_with_retry_after_not_500(client) -> None:
    """Overload (every pooled connection busy past the pool's timeout) is not a fault."""
    with capture_logs() as logs:
        response = await client.get("/raise/pool")
    body = problem(response, 503)
    assert response.headers["retry-after"] == "1" and body["retry_after"] == 1
    assert "QueuePool" not in response.text
    assert [e["event"] for e in logs] == ["overloaded"] and "exc_info" not in logs[0]


async def test_problem_response_members() -> None:
    response = problem_response(
        409,
        "Conflict",
        "Taken.",
        "https://hms.example/problems/x",
        "/api/x/1",
        {"X-A": "1"},
        type="spoofed",
        slot="09:30",
    )

    assert response.media_type == PROBLEM_JSON and response.headers["x-a"] == "1"
    assert json.loads(response.body) == {
        "type": "https://hms.example/problems/x",
        "title": "Conflict",
        "status": 409,
        "detail": "Taken.",
        "instance": "/api/x/1",
        "slot": "09:30",
    }
