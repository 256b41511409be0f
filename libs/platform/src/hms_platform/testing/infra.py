"""Where tests find Postgres and RabbitMQ: the environment (TEST_DATABASE_URL, TEST_AMQP_URL),
then localhost, then testcontainers, then skip, except under ``HMS_REQUIRE_INFRA=1`` where a
missing server fails."""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator
from typing import Any, NoReturn

import pytest

REQUIRE_ENV = "HMS_REQUIRE_INFRA"


def infra_required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0", "false", "no")


def missing(message: str) -> NoReturn:
    """Something a test needs is not there: skipped, or failed under HMS_REQUIRE_INFRA=1 (as CI
    runs), so that a missing server or tool never passes unseen."""
    if infra_required():
        pytest.fail(f"{REQUIRE_ENV}=1 and {message}", pytrace=False)
    pytest.skip(f"INFRASTRUCTURE MISSING: {message}")


def unavailable(what: str) -> None:
    missing(f"{what} is not reachable: set TEST_DATABASE_URL / TEST_AMQP_URL, run it on "
            "127.0.0.1, or start a Docker engine for testcontainers")


def listening(host: str, port: int, timeout: float = 1.0) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=timeout):
        return True
    return False


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now: another process may take it
    before the server it is meant for binds it. Hand a server a bound socket instead, or start
    it with ``ports.on_free_ports`` (again on other ports when one was taken)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def docker_available() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
    except Exception:
        return False
    return True


def asyncpg_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://", "postgresql+psycopg://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix):]
    return url


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Yield a URL of a server-level database (``postgres``) to create test databases from."""
    if url := os.environ.get("TEST_DATABASE_URL"):
        yield asyncpg_url(url)
    elif listening("127.0.0.1", 5432):
        yield "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    elif docker_available():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16-alpine", driver="asyncpg") as pg:
            yield pg.get_connection_url()
    else:
        unavailable("PostgreSQL")


@contextlib.contextmanager
def rabbitmq_server() -> Iterator[str]:
    if url := os.environ.get("TEST_AMQP_URL"):
        yield url
    elif listening("127.0.0.1", 5672):
        yield "amqp://guest:guest@127.0.0.1:5672/"
    elif docker_available():
        from testcontainers.rabbitmq import RabbitMqContainer

        with RabbitMqContainer("rabbitmq:3.13-management-alpine") as rmq:
            params: Any = rmq.get_connection_params()
            yield (f"amqp://{params.credentials.username}:{params.credentials.password}"
                   f"@{params.host}:{params.port}/")
    else:
        unavailable("RabbitMQ")
