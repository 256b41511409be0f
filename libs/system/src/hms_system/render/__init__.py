"""Every generated file: its path (from the repository's root) -> how to render it.

A renderer takes the system and the file's current text (only haproxy.cfg uses it: the
generator owns its marked sections, not the whole file) and returns the file's new text."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from hms_system.model import System
from hms_system.render import (
    compose,
    env_example,
    haproxy,
    k8s_service,
    k8s_site,
    k8s_system,
    nginx,
    rabbitmq,
)

Renderer = Callable[[System, str], str]
BASE = k8s_system.BASE


def targets(system: System) -> dict[str, Renderer]:
    found: dict[str, Renderer] = {
        compose.PATH: compose.render,
        env_example.PATH: env_example.render,
        haproxy.PATH: haproxy.render,
        rabbitmq.PATH: rabbitmq.render,
        f"{BASE}/kustomization.yaml": lambda s, _: k8s_system.kustomization(s),
        f"{BASE}/jobs.yaml": lambda s, _: k8s_system.jobs(s),
        f"{BASE}/gateway.yaml": lambda s, _: k8s_system.gateway(s),
    }
    for service in system.services:
        found[f"{BASE}/{service.name}.yaml"] = partial(_one, k8s_service.manifest, service.name)
        found[f"{BASE}/config/{service.name}.env"] = partial(_one, k8s_service.config,
                                                             service.name)
    if system.site:
        found[nginx.PATH] = nginx.render
        found[f"{BASE}/{system.site.name}.yaml"] = _site
    return found


def _site(system: System, current: str) -> str:
    assert system.site is not None
    return k8s_site.manifest(system.site)


def _one(render: Callable[..., str], name: str, system: System, current: str) -> str:
    return render(system.service(name))
