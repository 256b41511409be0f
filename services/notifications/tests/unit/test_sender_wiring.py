"""The sender's bus comes from bootstrap with the channel clients the settings configure,
closed when the sender stops; channels a caller passes stay the caller's."""

from __future__ import annotations

from typing import Any

import pytest

from hms_notifications import bootstrap
from hms_notifications.adapters.channels import factory
from hms_notifications.config import NotificationsSettings
from hms_platform.runtime import engine_for


class Client:
    def __init__(self) -> None:
        self.closed = False

    async def close(self) -> None:
        self.closed = True


async def test_the_sender_owns_the_channels_it_builds_and_not_those_it_is_given(
        monkeypatch: pytest.MonkeyPatch) -> None:
    settings = NotificationsSettings(environment="test", console_channel=True)
    engine = engine_for(settings)  # never connected: nothing is sent here
    built: dict[str, Any] = {"sms": Client()}
    monkeypatch.setattr(factory, "build_channels", lambda _settings: built)
    try:
        async with bootstrap.sender(settings, engine) as bus:
            assert bus.dependency("channels") is built and not built["sms"].closed
        assert built["sms"].closed
        given: dict[str, Any] = {"sms": Client()}
        async with bootstrap.sender(settings, engine, channels=given) as bus:
            assert bus.dependency("channels") is given
        assert not given["sms"].closed
    finally:
        await engine.dispose()
