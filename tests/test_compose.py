"""docker-compose.yml as an operator relies on it: `.env.example` names every variable it reads
and marks as required exactly those it refuses to start without; every long-running process
has a health check and waits for what it needs; the gateway is the one published HTTP port.
(Both files are generated from the system manifest: these check what the generator makes.)"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from hms_system.manifest import SYSTEM

ROOT = Path(__file__).resolve().parents[1]


def test_env_example_lists_every_variable_compose_reads() -> None:
    compose = (ROOT / "docker-compose.yml").read_text()
    example = (ROOT / ".env.example").read_text()
    used = set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)", compose))
    required = set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*):\?", compose))
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", example, re.MULTILINE))
    to_fill = set(re.findall(r"^([A-Z][A-Z0-9_]*)=$", example, re.MULTILINE))
    assert used - listed == set(), "add these to .env.example"
    assert to_fill == required, "required in compose <-> left empty in .env.example"


def test_every_process_has_a_health_check_and_waits_for_what_it_needs() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    one_shot, optional = {"migrate", "topology"}, {"mailpit"}
    for name, service in services.items():
        if name in one_shot | optional:
            continue
        assert "healthcheck" in service, f"{name} has no health check"
        conditions = {dep: spec["condition"]
                      for dep, spec in (service.get("depends_on") or {}).items()}
        if name not in {"postgres", "rabbitmq", "gateway", "web"}:  # web: static files alone
            assert conditions == {"migrate": "service_completed_successfully",
                                  "topology": "service_completed_successfully",
                                  "rabbitmq": "service_healthy"}, name
    apis = set(SYSTEM.names)
    assert {dep: spec["condition"] for dep, spec in services["gateway"]["depends_on"].items()
            } == dict.fromkeys(apis | {"web"}, "service_healthy")
    published = {name for name, service in services.items()
                 if any(str(p).endswith(":8000") for p in service.get("ports", []))}
    assert published == {"gateway"}  # clients reach the APIs through the gateway only
