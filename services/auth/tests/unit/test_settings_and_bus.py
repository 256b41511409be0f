"""Settings (env names, refusals) and the message bus's composition checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from hms_auth.config import AuthSettings
from hms_auth.service_layer.commands import Command, GetUser
from hms_platform.messagebus import MessageBus


def test_settings_come_from_auth_env_vars_and_hms_admin(monkeypatch) -> None:
    monkeypatch.setenv("AUTH_ACCESS_TOKEN_TTL_SECONDS", "600")
    monkeypatch.setenv("AUTH_TRUSTED_PROXIES", '["10.0.0.0/8", "::1"]')
    monkeypatch.setenv("HMS_ADMIN_USERNAME", "root.admin")
    monkeypatch.setenv("HMS_ADMIN_PASSWORD", "s3cret-admin")
    settings = AuthSettings()
    assert settings.service_name == "auth"
    assert settings.policy().access_token_ttl == timedelta(minutes=10)
    assert settings.admin_username == "root.admin"
    assert settings.admin_password is not None
    assert settings.admin_password.get_secret_value() == "s3cret-admin"
    assert [str(n) for n in settings.proxy_networks()] == ["10.0.0.0/8", "::1/128"]
    assert "s3cret-admin" not in repr(settings)


def test_production_refuses_the_dev_key_encryption_key() -> None:
    with pytest.raises(ValidationError, match="key_encryption_key"):
        AuthSettings(environment="production", database_url="postgresql+asyncpg://x/y",
                     amqp_url="amqp://u:p@mq/")
    with pytest.raises(ValidationError, match="code_encryption_key"):
        AuthSettings(environment="production", database_url="postgresql+asyncpg://x/y",
                     amqp_url="amqp://u:p@mq/",
                     key_encryption_key="MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
    ok = AuthSettings(environment="production", database_url="postgresql+asyncpg://x/y",
                      amqp_url="amqp://u:p@mq/",
                      key_encryption_key="MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
                      code_encryption_key="ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=")
    assert ok.argon2_time_cost is None  # production keeps pwdlib's recommended parameters


@pytest.mark.parametrize("overrides", [
    {"key_encryption_key": "dG9vIHNob3J0"},
    {"key_encryption_key": "not base64!"},
    {"trusted_proxies": ["10.0.0.300"]},
    {"default_phone_region": "Kenya"},
    {"access_token_ttl_seconds": 5},
])
def test_bad_settings_fail_at_startup(overrides) -> None:
    with pytest.raises(ValidationError):
        AuthSettings(**overrides)


async def test_the_bus_gives_each_call_a_fresh_unit_of_work() -> None:
    made = []

    async def handler(cmd: GetUser, uow: object, clock: object) -> object:
        return uow, clock

    def factory() -> object:
        made.append(object())
        return made[-1]

    bus = MessageBus({GetUser: handler}, factory, {"clock": "the clock"})
    first = await bus.handle(GetUser(user_id=None))  # type: ignore[arg-type]
    second = await bus.handle(GetUser(user_id=None))  # type: ignore[arg-type]
    assert first == (made[0], "the clock") and second[0] is made[1] is not made[0]


def test_a_missing_dependency_fails_at_composition() -> None:
    async def handler(cmd: Command[None], uow: object, mailer: object) -> None: ...

    with pytest.raises(TypeError, match="mailer"):
        MessageBus({Command: handler}, object, {})
