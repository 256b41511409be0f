"""ServiceSettings: defaults for dev, a refusal to start elsewhere with default secrets."""

import os
from collections.abc import Iterator

import pytest
from pydantic import SecretStr, ValidationError

from hms_platform.settings import ServiceSettings, TimeZoneName, secret, service_config

REAL = {"database_url": "postgresql+asyncpg://auth:Pg-s3cret@db:5432/hms",
        "amqp_url": "amqp://auth:Mq-s3cret@mq:5672/"}


class AuthSettings(ServiceSettings):
    model_config = service_config("AUTH_")

    signing_key: SecretStr = secret("changeme")
    token_ttl_s: int = 900


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No HMS_ or AUTH_ variable of the surrounding shell or CI may leak into these tests."""
    for name in list(os.environ):
        if name.upper().startswith(("HMS_", "AUTH_")):
            monkeypatch.delenv(name)
    yield


@pytest.mark.parametrize("environment", ["dev", "test"])
def test_dev_and_test_accept_the_defaults(environment: str) -> None:
    s = ServiceSettings(environment=environment)
    assert s.database_url.get_secret_value().startswith("postgresql+asyncpg://")
    assert s.amqp_url.get_secret_value().startswith("amqp://")
    assert AuthSettings(environment=environment).signing_key.get_secret_value() == "changeme"


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_default_secrets_are_refused_outside_dev(environment: str) -> None:
    with pytest.raises(ValidationError) as info:
        ServiceSettings(environment=environment)
    expected = f"refusing to start in {environment!r} with default secrets: amqp_url, database_url"
    assert expected in str(info.value)


def test_one_default_secret_is_enough_to_refuse_and_is_the_only_one_named() -> None:
    with pytest.raises(ValidationError) as info:
        ServiceSettings(environment="production", database_url=REAL["database_url"])
    message = str(info.value)
    assert "default secrets: amqp_url" in message
    assert "database_url" not in message


def test_the_refusal_does_not_print_the_secrets_it_was_given() -> None:
    # A startup crash is logged; the error must not carry the real database password.
    with pytest.raises(ValidationError) as info:
        ServiceSettings(environment="production", database_url=REAL["database_url"])
    assert "Pg-s3cret" not in str(info.value)


def test_production_starts_with_real_secrets() -> None:
    s = ServiceSettings(environment="production", **REAL)
    assert s.environment == "production"
    assert s.database_url.get_secret_value() == REAL["database_url"]
    assert "Pg-s3cret" not in repr(s)  # SecretStr


def test_a_service_secret_is_refused_in_production_too() -> None:
    with pytest.raises(ValidationError) as info:
        AuthSettings(environment="production", **REAL)
    assert "default secrets: signing_key" in str(info.value)
    s = AuthSettings(environment="production", signing_key="k" * 32, **REAL)
    assert s.signing_key.get_secret_value() == "k" * 32


def test_a_service_reads_its_own_env_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_ENVIRONMENT", "staging")
    monkeypatch.setenv("AUTH_DATABASE_URL", REAL["database_url"])
    monkeypatch.setenv("AUTH_AMQP_URL", REAL["amqp_url"])
    monkeypatch.setenv("AUTH_SIGNING_KEY", "from-env")
    monkeypatch.setenv("AUTH_TOKEN_TTL_S", "60")
    monkeypatch.setenv("HMS_ENVIRONMENT", "production")  # another prefix: ignored
    monkeypatch.setenv("AUTH_UNKNOWN_SETTING", "x")  # unknown: ignored
    s = AuthSettings()
    assert (s.environment, s.token_ttl_s) == ("staging", 60)
    assert s.signing_key.get_secret_value() == "from-env"
    assert s.amqp_url.get_secret_value() == REAL["amqp_url"]


def test_default_secrets_from_env_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="amqp_url, database_url, signing_key"):
        AuthSettings()


def test_base_settings_read_the_hms_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HMS_ENVIRONMENT", "test")
    monkeypatch.setenv("HMS_DB_POOL_SIZE", "3")
    s = ServiceSettings()
    assert (s.environment, s.db_pool_size) == ("test", 3)


@pytest.mark.parametrize(
    ("environment", "log_json", "expected"),
    [
        ("dev", None, False),
        ("test", None, False),
        ("staging", None, True),
        ("production", None, True),
        ("dev", True, True),
        ("production", False, False),
    ],
)
def test_json_logs_default_to_json_outside_dev(
    environment: str, log_json: bool | None, expected: bool
) -> None:
    s = ServiceSettings(environment=environment, log_json=log_json, **REAL)
    assert s.json_logs is expected


class ClinicSettings(ServiceSettings):
    clinic_timezone: TimeZoneName = "Africa/Nairobi"


def test_a_clinic_zone_must_be_one_the_zone_database_knows() -> None:
    assert ClinicSettings(clinic_timezone="America/La_Paz").clinic_timezone == "America/La_Paz"
    for wrong in ("Africa/Nairobbi", "UTC+3", "../etc/passwd"):
        with pytest.raises(ValidationError, match="unknown IANA time zone"):
            ClinicSettings(clinic_timezone=wrong)
