"""A component's prefixes: its home alone by default, or several the runner routes to it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
import sqlalchemy as sa

from hms_platform.embedding import Component
from hms_platform.outbox import OutboxTables
from hms_platform.web import create_service_app


def component(**prefixes: Any) -> Component:
    return Component(name="demo", prefix="/api/demo", app=create_service_app(
        "demo", prefix="/api/demo"), engine=cast(Any, None),
        tables=OutboxTables(sa.MetaData(), "demo"), migrations=Path("/m"), **prefixes)


def test_a_component_answers_under_its_home_unless_it_names_more() -> None:
    assert component().prefixes == ("/api/demo",)
    assert component(prefixes=["/api/demo", "/api/more"]).prefixes == ("/api/demo",
                                                                       "/api/more")
    with pytest.raises(ValueError, match="home"):
        component(prefixes=("/api/more",))  # its docs and probes would be unreachable
