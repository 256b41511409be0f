"""The display secret written in the source signs nothing outside tests: whoever read it could
sign a link to any doctor's line. The platform refuses default secrets outside dev and test
only, and the embedded run serves the clinic's network as "dev"."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hms_queue.config import TEST_DISPLAY_SECRET, QueueSettings

REAL = {"database_url": "postgresql+asyncpg://q:pw@db/hms", "amqp_url": "amqp://q:pw@mq/"}


@pytest.fixture(autouse=True)
def no_queue_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("QUEUE_DISPLAY_SECRET", "QUEUE_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("environment", ["dev", "staging", "production"])
@pytest.mark.parametrize("given", [None, TEST_DISPLAY_SECRET])
def test_the_committed_display_secret_is_refused_outside_tests(environment: str,
                                                               given: str | None) -> None:
    extra = {} if given is None else {"display_secret": given}
    with pytest.raises(ValidationError) as refused:
        QueueSettings(environment=environment, **REAL, **extra)
    assert "display_secret" in str(refused.value).lower()  # ours, or the platform's refusal
    assert TEST_DISPLAY_SECRET not in str(refused.value)


def test_the_display_secret_from_the_environment_is_used(monkeypatch) -> None:
    monkeypatch.setenv("QUEUE_DISPLAY_SECRET", "x" * 44)
    for environment in ("dev", "production"):
        settings = QueueSettings(environment=environment, **REAL)
        assert settings.display_secret.get_secret_value() == "x" * 44


def test_tests_keep_the_committed_secret_and_the_stream_limits_have_defaults() -> None:
    settings = QueueSettings(environment="test")
    assert settings.display_secret.get_secret_value() == TEST_DISPLAY_SECRET
    assert (settings.display_max_doctors, settings.streams_per_user,
            settings.streams_per_display) == (12, 5, 5)
