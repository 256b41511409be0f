"""The settings base every service's ``Settings`` extends (pydantic-settings)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_ENVIRONMENTS = frozenset({"dev", "test"})


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

    database_url: SecretStr = secret("postgresql+asyncpg://postgres@127.0.0.1:5432/hms")
    db_schema: str = "public"
    db_pool_size: int = Field(default=10, ge=1, le=200)

    amqp_url: SecretStr = secret("amqp://guest:guest@127.0.0.1:5672/")
    amqp_prefix: str = ""  # prepended to exchange and queue names (per test session)
    amqp_heartbeat: int = Field(default=15, ge=5, le=60)
    publish_timeout: float = Field(default=10.0, gt=0)

    jwks_url: str = "http://127.0.0.1:8000/api/auth/.well-known/jwks.json"
    jwt_issuer: str = "https://hms.local/auth"
    jwt_audience: str = "hms"

    @property
    def json_logs(self) -> bool:
        if self.log_json is not None:
            return self.log_json
        return self.environment not in DEV_ENVIRONMENTS

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
