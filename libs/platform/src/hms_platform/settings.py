"""The settings base every service's ``Settings`` extends (pydantic-settings)."""

from __future__ import annotations

import ipaddress
import json
import os
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEV_ENVIRONMENTS = frozenset({"dev", "test"})
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _known_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown IANA time zone {value!r}") from error
    return value


# An IANA time zone name (a clinic's), refused at start when the zone database lacks it.
TimeZoneName = Annotated[str, AfterValidator(_known_zone)]
DEFAULT_CLINIC_TIMEZONE = "Africa/Nairobi"


def _clinic_zone_default() -> str:
    """HMS_CLINIC_TIMEZONE: the one zone of every service, unless a service's own
    ``<PREFIX>_CLINIC_TIMEZONE`` says otherwise."""
    return os.environ.get("HMS_CLINIC_TIMEZONE") or DEFAULT_CLINIC_TIMEZONE


def secret(default: str, **kwargs: Any) -> Any:
    """A secret: outside dev/test the service refuses to start while it keeps ``default``."""
    extra = dict(kwargs.pop("json_schema_extra", None) or {})
    extra["hms_secret"] = True
    return Field(default=SecretStr(default), json_schema_extra=extra, **kwargs)


class ServiceSettings(BaseSettings):
    """Common settings. A service subclasses it with ``model_config = service_config("AUTH_")``."""

    # hide_input_in_errors: a validation error would otherwise print the input, secrets included.
    model_config = SettingsConfigDict(env_prefix="HMS_", extra="ignore", hide_input_in_errors=True)

    service_name: str = "hms"
    environment: Literal["dev", "test", "staging", "production"] = "dev"
    log_level: str = "INFO"
    log_json: bool | None = None  # None: JSON outside dev
    # The clinic's IANA zone (clinic days, weekly hours, times in texts, reports): from
    # <PREFIX>_CLINIC_TIMEZONE, else HMS_CLINIC_TIMEZONE, else Africa/Nairobi.
    clinic_timezone: TimeZoneName = Field(default_factory=_clinic_zone_default,
                                          validate_default=True)

    database_url: SecretStr = secret("postgresql+asyncpg://postgres@127.0.0.1:5432/hms")
    db_pool_size: int = Field(default=10, ge=1, le=200)
    # /healthz and /readyz (database and broker) of a process without an HTTP API (relay,
    # consumer): off while 0. 0.0.0.0 in a container, so that the orchestrator can probe it.
    health_port: int = Field(default=0, ge=0, le=65535)
    health_host: str = "127.0.0.1"

    amqp_url: SecretStr = secret("amqp://guest:guest@127.0.0.1:5672/")
    amqp_prefix: str = ""  # prepended to exchange and queue names (per test session)
    amqp_heartbeat: int = Field(default=15, ge=5, le=60)
    publish_timeout: float = Field(default=10.0, gt=0)

    jwks_url: str = "http://127.0.0.1:8000/api/auth/.well-known/jwks.json"
    jwt_issuer: str = "https://hms.local/auth"
    jwt_audience: str = "hms"

    # Addresses or networks of the gateway: only their X-Forwarded-For is believed. From the
    # environment as JSON (`["10.0.0.2"]`) or comma-separated (`10.0.0.2, 10.1.0.0/16`).
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Larger request bodies are refused with 413 before they are read.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1)
    # How long a write's Idempotency-Key is remembered (its replay answered), then purged.
    idempotency_key_hours: int = Field(default=24, ge=1, le=24 * 30)
    # An offline write's client_updated_at older than this is refused (422, last_write).
    client_time_max_age_days: int = Field(default=7, ge=1, le=365)
    # Without it /metrics answers 404; with it, only `Authorization: Bearer <token>`.
    metrics_token: SecretStr | None = None

    @property
    def json_logs(self) -> bool:
        if self.log_json is not None:
            return self.log_json
        return self.environment not in DEV_ENVIRONMENTS

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxy_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [item.strip() for item in text.split(",") if item.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            ipaddress.ip_network(item, strict=False)  # raises ValueError on a typo
        return value

    @field_validator("metrics_token")
    @classmethod
    def _no_empty_token(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value() else None

    def proxy_networks(self) -> list[IpNetwork]:
        return [ipaddress.ip_network(item, strict=False) for item in self.trusted_proxies]

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> ServiceSettings:
        if self.environment in DEV_ENVIRONMENTS:
            return self
        still_default = []
        for name, field in type(self).model_fields.items():
            extra = field.json_schema_extra
            is_secret = isinstance(extra, dict) and extra.get("hms_secret")
            if is_secret and getattr(self, name) == field.default:
                still_default.append(name)
        if still_default:
            raise ValueError(
                f"refusing to start in {self.environment!r} with default secrets: "
                + ", ".join(sorted(still_default))
            )
        return self


def service_config(env_prefix: str) -> SettingsConfigDict:
    """The ``model_config`` of a service's settings: its own env prefix, unknown vars ignored."""
    return SettingsConfigDict(env_prefix=env_prefix, extra="ignore", hide_input_in_errors=True)
