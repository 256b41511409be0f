"""deploy/rabbitmq/definitions.json: every exchange, queue and binding (hms_system.topology)."""

from __future__ import annotations

from hms_system import topology
from hms_system.model import System

PATH = "deploy/rabbitmq/definitions.json"


def render(system: System, current: str = "") -> str:
    return topology.text(system)
