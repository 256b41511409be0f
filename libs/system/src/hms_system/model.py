"""The shapes the manifest is written in: plain data, no behaviour beyond naming.

A service has processes (its API and the workers beside it), HTTP prefixes the gateway routes
to its API, the queue it consumes with the events bound to it, and settings; the system is its
services, the staff web app's static site, and the variables an operator fills in (compose's
``.env``)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["api", "relay", "consumer", "scheduler"]

API_PORT = 8000  # every API inside its container or pod
HEALTH_PORT = 9000  # the /healthz and /readyz of a process without an API (<PREFIX>_HEALTH_PORT)


@dataclass(frozen=True)
class Variable:
    """One variable of compose's ``.env`` (``.env.example`` lists each). ``default`` None: it
    is required (compose refuses to start without it); ``hint`` says how to make one."""

    name: str
    default: str | None = None
    about: str = ""
    hint: str = ""

    @property
    def ref(self) -> str:
        """How compose reads it: ``${NAME:?set NAME}`` or ``${NAME:-default}``."""
        if self.default is None:
            return f"${{{self.name}:?set {self.name}{f' ({self.hint})' if self.hint else ''}}}"
        return f"${{{self.name}:-{self.default}}}"


@dataclass(frozen=True)
class Setting:
    """One environment variable a service's processes read: its value under compose, and in
    Kubernetes either a value in the service's ConfigMap (``config``) or, None, a key of its
    Secret (made outside git; optional ones may be left out)."""

    name: str
    compose: str
    config: str | None = None
    comment: str = ""  # above it in docker-compose.yml
    config_comment: str = ""  # above it in the ConfigMap's env file


@dataclass(frozen=True)
class Resources:
    requests: tuple[str, str]  # cpu, memory
    limits: tuple[str, str]


@dataclass(frozen=True)
class Process:
    """One process of a service: ``hms-<service> <kind>``. Scaling: ``replicas`` fixed, or
    (``replicas`` None) autoscaled between ``min_replicas`` and ``max_replicas``."""

    kind: Kind
    comment: str = ""  # above it in docker-compose.yml
    replicas: int | None = None
    min_replicas: int = 1
    max_replicas: int = 1
    resources: Resources = field(default_factory=lambda: Resources(("50m", "96Mi"),
                                                                   ("500m", "256Mi")))

    @property
    def autoscaled(self) -> bool:
        return self.replicas is None


@dataclass(frozen=True)
class Consumer:
    """The service's queue on the events exchange and the events (routing keys) bound to it."""

    queue: str
    events: tuple[str, ...]


@dataclass(frozen=True)
class Service:
    name: str  # folder, schema, role hms_<name>, CLI hms-<name>, package hms_<name>
    summary: str  # what its processes are, one line
    port: int  # its API's port in a local run (`hms-<name> api`'s default)
    prefixes: tuple[str, ...]  # HTTP paths the gateway sends to its API (each and below it)
    processes: tuple[Process, ...]
    settings: tuple[Setting, ...]
    consumes: Consumer | None = None
    index: bool = False  # it answers the services' index (/api) and the docs (/api/docs)
    streams: bool = False  # its event streams get a gateway backend of their own

    @property
    def prefix(self) -> str:
        """Its settings' environment prefix, without the underscore."""
        return self.name.upper()

    @property
    def package(self) -> str:
        return f"hms_{self.name}"

    @property
    def cli(self) -> str:
        return f"hms-{self.name}"

    @property
    def role(self) -> str:
        return f"hms_{self.name}"

    @property
    def db_password(self) -> Variable:
        """The password of its own database role, filled in by the operator."""
        return Variable(f"{self.prefix}_DB_PASSWORD")

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(p.kind for p in self.processes)

    def process_name(self, process: Process) -> str:
        """compose's and Kubernetes' name: the API is the service's name."""
        return self.name if process.kind == "api" else f"{self.name}-{process.kind}"

    def command(self, process: Process) -> list[str]:
        if process.kind == "api":
            return [self.cli, "api", "--host", "0.0.0.0", "--port", str(API_PORT)]
        return [self.cli, process.kind]


@dataclass(frozen=True)
class Site:
    """A static site the gateway answers every path with that is not the API's (``/api``):
    a built web app (``root`` in the repository) served by nginx in its own container or pod
    (deploy/web/nginx.conf, port ``SITE_PORT``), and by ``python -m hms_platform.web.site`` on
    ``port`` in ``make dev``. Its build image is the Dockerfile's stage named ``name``."""

    name: str  # compose's service, Kubernetes' Deployment, the gateway's backend, the stage
    summary: str  # what it is, one line
    port: int  # make dev's local port
    root: str  # its build in the repository (served from the image's /usr/share/nginx/html)
    replicas: int = 2  # Kubernetes' pods (the gateway balances over them)
    resources: Resources = field(default_factory=lambda: Resources(("10m", "16Mi"),
                                                                   ("250m", "64Mi")))

    @property
    def prefix(self) -> str:
        """Its gateway variables' prefix: ``HMS_<PREFIX>_ADDR``."""
        return self.name.upper()


SITE_PORT = 8080  # nginx's, inside the unprivileged image's container or pod
SITE_USER = 101  # nginxinc/nginx-unprivileged's nginx user (and group)


@dataclass(frozen=True)
class System:
    services: tuple[Service, ...]
    # compose's .env, in .env.example's order; each service's DB password comes after the first
    variables: tuple[Variable, ...]
    site: Site | None = None  # None: the gateway answers the API alone

    @property
    def env(self) -> tuple[Variable, ...]:
        """Every variable of compose's .env, the services' database passwords included."""
        first, *rest = self.variables
        passwords = [dataclasses.replace(s.db_password, about="Each service's own database "
                                         "role." if i == 0 else "")
                     for i, s in enumerate(self.services)]
        return (first, *passwords, *rest)

    def service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.services)

    def variable(self, name: str) -> Variable:
        return next(v for v in self.env if v.name == name)
