"""Every service is registered in every place docs/new-service.md lists.

The services are found from ``services/*/pyproject.toml``; each failure names the service and the
place it is missing from. The deployment files (compose, Kubernetes, HAProxy, RabbitMQ,
.env.example) are generated from the system manifest (libs/system), so here a service need only
be in the manifest, as its code is: the processes its entrypoints/ hold, its API's port. No
database and no network: the files are read with tomllib and ast, and only the service's table
definitions are imported (for their names and schema).
"""

from __future__ import annotations

import ast
import fnmatch
import importlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hms_system.manifest import SYSTEM

ROOT = Path(__file__).resolve().parents[1]
# What a domain may not import, directly or through another module (the import-linter contracts).
FRAMEWORKS = ("fastapi", "starlette", "sqlalchemy", "asyncpg", "aio_pika", "pydantic",
              "pydantic_settings", "uvicorn", "structlog", "httpx", "alembic")
# The layers, highest first: each may import only those below it.
KINDS = ("api", "consumer", "relay", "scheduler")  # the manifest's order of processes
LAYERS = ("entrypoints", "bootstrap", "adapters", "service_layer", "domain")
LAYOUT = ("src/{package}/domain/__init__.py", "src/{package}/service_layer/__init__.py",
          "src/{package}/adapters/__init__.py", "src/{package}/entrypoints/__init__.py",
          "src/{package}/bootstrap.py", "src/{package}/config.py", "src/{package}/embedded.py",
          "migrations/env.py", "migrations/versions", "tests/conftest.py", "README.md")


@dataclass(frozen=True)
class Service:
    name: str  # the folder: also the schema, `provision --service`, tests' SERVICES entry
    dist: str  # the distribution, hms-<name>
    package: str  # the import package, hms_<name>
    script: str | None  # the CLI ([project.scripts]), whose `migrate` compose's job runs
    root: Path

    @property
    def prefix(self) -> str:
        """The settings' environment prefix, without the underscore."""
        return self.name.upper()

    @property
    def src(self) -> Path:
        return self.root / "src" / self.package


def _service_cli(cli: Path) -> dict[str, Any]:
    """The literal keyword arguments of the ``service_cli(...)`` call in a service's cli.py."""
    assert cli.exists(), f"{cli.relative_to(ROOT)} is missing"
    for node in ast.walk(ast.parse(cli.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "service_cli":
            return {k.arg: ast.literal_eval(k.value) for k in node.keywords
                    if k.arg in ("api_port", "processes")}
    raise AssertionError(f"{cli.relative_to(ROOT)} calls no service_cli(...)")


def _order(kind: str) -> tuple[int, str]:
    return (KINDS.index(kind) if kind in KINDS else len(KINDS), kind)


def _toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text())


def _discover() -> list[Service]:
    found = []
    for pyproject in sorted(ROOT.glob("services/*/pyproject.toml")):
        data = _toml(pyproject)
        dist = data["project"]["name"]
        wheel = data.get("tool", {}).get("hatch", {}).get("build", {}).get("targets", {})
        packages = wheel.get("wheel", {}).get("packages", [])
        package = Path(packages[0]).name if packages else dist.replace("-", "_")
        scripts = list(data["project"].get("scripts", {}))
        found.append(Service(pyproject.parent.name, dist, package,
                             scripts[0] if scripts else None, pyproject.parent))
    return found


SERVICES = _discover()
each_service = pytest.mark.parametrize("service", SERVICES, ids=[s.name for s in SERVICES])


def _requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s\[<>=!~;]", r, maxsplit=1)[0] for r in requirements}


def _env_py(service: Service) -> tuple[str | None, str | None]:
    """(the schema run_env is given, the module the metadata it is given comes from)."""
    env = service.root / "migrations" / "env.py"
    assert env.exists(), f"{service.name}: services/{service.name}/migrations/env.py is missing"
    tree = ast.parse(env.read_text())
    imported = {alias.asname or alias.name: node.module for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) for alias in node.names}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "run_env":
            schema = next((ast.literal_eval(k.value) for k in node.keywords if k.arg == "schema"),
                          None)
            if schema is None and len(node.args) > 1:
                schema = ast.literal_eval(node.args[1])
            metadata = node.args[0] if node.args else None
            module = imported.get(metadata.id) if isinstance(metadata, ast.Name) else None
            return schema, module
    return None, None


def _importlinter() -> dict[str, Any]:
    return _toml(ROOT / "pyproject.toml")["tool"]["importlinter"]


def test_services_are_found() -> None:
    assert SERVICES, "no services/*/pyproject.toml found"
    for s in SERVICES:
        assert (s.dist, s.package) == (f"hms-{s.name}", f"hms_{s.name}"), (
            f"{s.name}: services/{s.name}/pyproject.toml names {s.dist} / {s.package}, "
            f"expected hms-{s.name} / hms_{s.name}")


@each_service
def test_layout(service: Service) -> None:
    missing = [p.format(package=service.package) for p in LAYOUT
               if not (service.root / p.format(package=service.package)).exists()]
    assert not missing, f"{service.name}: services/{service.name}/ lacks {', '.join(missing)}"
    assert service.script, (
        f"{service.name}: services/{service.name}/pyproject.toml has no [project.scripts] CLI "
        "(compose's migrate job runs `<cli> migrate`)")


@each_service
def test_root_workspace(service: Service) -> None:
    root = _toml(ROOT / "pyproject.toml")
    assert service.dist in _requirement_names(root["project"]["dependencies"]), (
        f"{service.name}: {service.dist} missing from pyproject.toml [project] dependencies")
    assert root["tool"]["uv"]["sources"].get(service.dist) == {"workspace": True}, (
        f"{service.name}: {service.dist} missing from pyproject.toml [tool.uv.sources]")
    members = root["tool"]["uv"]["workspace"]["members"]
    assert any(fnmatch.fnmatch(f"services/{service.name}", m) for m in members), (
        f"{service.name}: services/{service.name} not among [tool.uv.workspace] members")
    first_party = root["tool"]["ruff"]["lint"]["isort"]["known-first-party"]
    assert service.package in first_party, (
        f"{service.name}: {service.package} missing from pyproject.toml "
        "[tool.ruff.lint.isort] known-first-party")


@each_service
def test_import_linter_contracts(service: Service) -> None:
    config = _importlinter()
    where = "pyproject.toml [tool.importlinter]"
    assert service.package in config["root_packages"], (
        f"{service.name}: {service.package} missing from {where} root_packages")
    contracts = config["contracts"]
    independent = [c for c in contracts if c["type"] == "independence"
                   and service.package in c["modules"]]
    assert independent, (
        f"{service.name}: {service.package} missing from the independence contract in {where}")
    libs = [c for c in contracts if c["type"] == "forbidden"
            and {"hms_platform", "hms_contracts"} <= set(c["source_modules"])
            and service.package in c["forbidden_modules"]]
    assert libs, (f"{service.name}: {service.package} missing from the forbidden modules of the "
                  f"libs contract (hms_platform, hms_contracts) in {where}")
    layered = [c for c in contracts if c["type"] == "layers"
               and service.package in c.get("containers", ())]
    assert layered, (
        f"{service.name}: {service.package} missing from the layers contract's containers")
    order = [layer for layer in layered[0]["layers"] if layer in LAYERS]
    assert order == list(LAYERS), (
        f"{service.name}: the layers contract in {where} should rank {list(LAYERS)}, "
        f"has {order}")
    domain = [c for c in contracts if c["type"] == "forbidden"
              and f"{service.package}.domain" in c["source_modules"]]
    assert domain, f"{service.name}: no contract for {service.package}.domain in {where}"
    forbidden = set(domain[0]["forbidden_modules"])
    expected = {*FRAMEWORKS, f"{service.package}.config", "hms_embedded"}
    assert expected <= forbidden, (
        f"{service.name}: the {service.package}.domain contract in {where} does not forbid "
        f"{sorted(expected - forbidden)}")


def _process_entrypoints(service: Service) -> list[str]:
    """Every module or package in entrypoints/ but cli: each is a process compose runs."""
    folder = service.src / "entrypoints"
    if not folder.is_dir():
        return []
    names = {p.stem if p.is_file() else p.name for p in folder.iterdir()
             if (p.suffix == ".py" or (p / "__init__.py").exists())}
    return sorted(n for n in names if n != "cli" and not n.startswith("_"))


@each_service
def test_in_the_manifest(service: Service) -> None:
    assert service.name in SYSTEM.names, (
        f"{service.name}: not in libs/system/src/hms_system/manifest.py's SERVICES (then run "
        "make generate)")
    declared = SYSTEM.service(service.name)
    processes = _process_entrypoints(service)
    assert list(declared.kinds) == sorted(processes, key=_order), (
        f"{service.name}: the manifest lists the processes {list(declared.kinds)}, "
        f"{service.package}/entrypoints/ holds {processes} (in the order {list(KINDS)})")
    cli = service.src / "entrypoints" / "cli.py"
    options = _service_cli(cli)
    assert options.get("api_port") == declared.port, (
        f"{service.name}: {cli.relative_to(ROOT)}'s service_cli(api_port=...) is "
        f"{options.get('api_port')}, the manifest's port {declared.port}")
    assert set(options.get("processes", ())) == set(declared.kinds) - {"api"}, (
        f"{service.name}: `{service.script}` runs {sorted(options.get('processes', ()))}, the "
        f"manifest lists {sorted(set(declared.kinds) - {'api'})}")


@each_service
def test_embedded_runner(service: Service) -> None:
    embedded = _toml(ROOT / "deploy/embedded/pyproject.toml")
    assert service.dist in _requirement_names(embedded["project"]["dependencies"]), (
        f"{service.name}: {service.dist} missing from deploy/embedded/pyproject.toml dependencies")
    assert embedded["tool"]["uv"]["sources"].get(service.dist) == {"workspace": True}, (
        f"{service.name}: {service.dist} missing from deploy/embedded/pyproject.toml "
        "[tool.uv.sources]")
    embedded_py = service.src / "embedded.py"
    assert embedded_py.exists(), f"{service.name}: {service.package}/embedded.py is missing"
    tree = ast.parse(embedded_py.read_text())
    assert any(isinstance(n, ast.FunctionDef) and n.name == "component" for n in tree.body), (
        f"{service.name}: {service.package}/embedded.py defines no component(database_url, bus)")


@each_service
def test_whole_system_tests(service: Service) -> None:
    roles = ROOT / "tests/integration/test_service_roles.py"
    tree = ast.parse(roles.read_text())
    keys = {ast.literal_eval(k) for node in tree.body if isinstance(node, ast.Assign)
            and any(getattr(t, "id", None) == "MIGRATIONS" for t in node.targets)
            and isinstance(node.value, ast.Dict) for k in node.value.keys if k is not None}
    assert service.name in keys, (
        f"{service.name}: missing from MIGRATIONS in {roles.relative_to(ROOT)} "
        "(migrated as its own role)")


@each_service
def test_migrations_schema_and_truncated_tables(service: Service) -> None:
    schema, module = _env_py(service)
    where = f"services/{service.name}/migrations/env.py"
    assert schema == service.name, (
        f"{service.name}: {where} runs run_env(schema={schema!r}), expected {service.name!r}")
    assert module, f"{service.name}: {where} imports no metadata for run_env"
    metadata = importlib.import_module(module).metadata
    tables = {t.name for t in metadata.tables.values()}
    other = sorted(t.fullname for t in metadata.tables.values()
                   if (t.schema or metadata.schema) != service.name)
    assert not other, f"{service.name}: tables outside the {service.name} schema: {other}"
    assert tables, f"{service.name}: {module} declares no tables"
    conftest = (service.root / "tests/conftest.py").read_text()
    assert re.search(rf'\b(service_fixtures|emptied_engine|empty)\([^)]*"{service.name}"',
                     conftest), (
        f"{service.name}: services/{service.name}/tests/conftest.py empties no schema "
        f"{service.name!r} before each test (hms_platform.testing.fixtures.service_fixtures)")


@each_service
def test_docs_and_image(service: Service) -> None:
    readme = (ROOT / "README.md").read_text()
    assert f"(services/{service.name}/README.md)" in readme, (
        f"{service.name}: README.md's status table does not link services/{service.name}/"
        "README.md")
    operations = (ROOT / "docs/operations.md").read_text()
    assert re.search(rf"^\| {service.name} \|", operations, re.M), (
        f"{service.name}: no row in docs/operations.md's 'Processes per service' table")
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(rf"^COPY services(/{service.name})?/? ", dockerfile, re.M), (
        f"{service.name}: the Dockerfile does not copy services/{service.name}")


def test_no_place_names_a_service_that_does_not_exist() -> None:
    names, packages = {s.name for s in SERVICES}, {s.package for s in SERVICES}
    places = {
        "the manifest (libs/system/src/hms_system/manifest.py)": set(SYSTEM.names) - names,
        "the import-linter independence contract": {
            m for c in _importlinter()["contracts"] if c["type"] == "independence"
            for m in c["modules"]} - packages,
    }
    unknown = {place: sorted(extra) for place, extra in places.items() if extra}
    assert not unknown, f"these name services with no services/<name>/pyproject.toml: {unknown}"
