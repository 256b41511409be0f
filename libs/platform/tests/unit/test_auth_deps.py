"""CurrentUser and require_role through a real FastAPI app: 401s, 403s and the happy path."""

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Annotated

import httpx
import pytest
import structlog
from fastapi import Depends, FastAPI, Request

from hms_platform.auth import (
    CurrentUser,
    JwksCache,
    Principal,
    StaticJwksSource,
    TokenVerifier,
    require_role,
)
from hms_platform.testing.tokens import TokenFactory
from hms_platform.web.problems import PROBLEM_JSON, install_problem_handlers

pytestmark = pytest.mark.asyncio

FACTORY = TokenFactory(kid="deps-key")
ATTACKS = FACTORY.attack_tokens()
AdminUser = Annotated[Principal, Depends(require_role("admin"))]


def make_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    cache = JwksCache(StaticJwksSource(FACTORY.jwks()))
    app.state.token_verifier = TokenVerifier(cache, FACTORY.issuer, FACTORY.audience)

    @app.get("/me")
    async def me(user: CurrentUser, request: Request) -> dict[str, str]:
        assert request.state.principal is user
        logged = structlog.contextvars.get_contextvars()["user_id"]
        return {"user_id": str(user.user_id), "role": user.role, "logged_as": logged}

    @app.get("/admin")
    async def admin_only(user: AdminUser) -> dict[str, str]:
        return {"role": user.role}

    return app


@pytest.fixture(autouse=True)
def clean_log_context() -> Iterator[None]:
    yield
    structlog.contextvars.clear_contextvars()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_unauthorized(response: httpx.Response) -> None:
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["status"] == 401


async def test_no_header_is_401_with_a_challenge(client) -> None:
    response = await client.get("/me")

    assert_unauthorized(response)
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("value", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Token abc"])
async def test_other_schemes_are_401(client, value) -> None:
    assert_unauthorized(await client.get("/me", headers={"Authorization": value}))


@pytest.mark.parametrize("path", ["/me", "/admin"])
@pytest.mark.parametrize("attack", list(ATTACKS))
async def test_attack_tokens_are_401(client, path, attack) -> None:
    response = await client.get(path, headers=bearer(ATTACKS[attack]))

    assert_unauthorized(response)
    if ATTACKS[attack]:
        assert ATTACKS[attack] not in response.text


async def test_valid_token_identifies_the_caller(client) -> None:
    user_id = uuid.uuid4()

    response = await client.get(
        "/me", headers={"Authorization": f"bEaReR {FACTORY.issue(user_id)}"}
    )

    assert response.status_code == 200
    assert response.json() == {
        "user_id": str(user_id),
        "role": "patient",
        "logged_as": str(user_id),
    }


@pytest.mark.parametrize("role", ["patient", "doctor", "receptionist"])
async def test_other_roles_on_admin_route_are_403(client, role) -> None:
    response = await client.get("/admin", headers=bearer(FACTORY.issue(role=role)))

    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM_JSON
    assert "admin" in response.json()["detail"]


async def test_admin_on_admin_route_is_200(client) -> None:
    response = await client.get("/admin", headers=bearer(FACTORY.issue(role="admin")))

    assert response.status_code == 200
    assert response.json() == {"role": "admin"}


async def test_openapi_declares_bearer_security() -> None:
    schema = make_app().openapi()

    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert schema["paths"]["/admin"]["get"]["security"] == [{"HTTPBearer": []}]


@pytest.mark.parametrize("roles", [(), ("superuser",)])
async def test_require_role_refuses_unknown_roles(roles) -> None:
    with pytest.raises(ValueError):
        require_role(*roles)
