"""Every service is registered in every place docs/new-service.md lists.

The services are found from ``services/*/pyproject.toml``; each failure names the service and the
place it is missing from. No database and no network: the files are read with tomllib, yaml and
ast, and only the service's table definitions are imported (for their names and schema).
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
import yaml

ROOT = Path(__file__).resolve().parents[1]
# What a domain may not import, directly or through another module (the import-linter contracts).
FRAMEWORKS = ("fastapi", "starlette", "sqlalchemy", "asyncpg", "aio_pika", "pydantic",
              "pydantic_settings", "uvicorn", "structlog", "httpx", "alembic")
# The layers, highest first: each may import only those below it.
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


def _module_constant(path: Path, name: str) -> Any:
    """The literal value of a module-level ``name = ...`` (or annotated) assignment."""
    assert path.exists(), f"{path.relative_to(ROOT)} is missing (it should define {name})"
    for node in ast.parse(path.read_text()).body:
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, ast.AnnAssign) else [])
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            assert node.value is not None
            return ast.literal_eval(node.value)
    raise AssertionError(f"{path.relative_to(ROOT)} defines no {name}")


def _compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _command(process: dict[str, Any]) -> str:
    command = process.get("command", "")
    return " ".join(command) if isinstance(command, list) else str(command)


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


@each_service
def test_embedded_runner(service: Service) -> None:
    main = ROOT / "deploy/embedded/src/hms_embedded/__main__.py"
    assert f"{service.package}.embedded" in _module_constant(main, "SERVICES"), (
        f"{service.name}: {service.package}.embedded missing from SERVICES in "
        f"{main.relative_to(ROOT)}")
    assert service.prefix in _module_constant(main, "PREFIXES"), (
        f"{service.name}: {service.prefix} missing from PREFIXES in {main.relative_to(ROOT)}")
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
def test_compose_migrate_job(service: Service) -> None:
    migrate = _compose()["services"]["migrate"]
    command, env = _command(migrate), migrate.get("environment", {})
    password = f"{service.prefix}_DB_PASSWORD"
    provision = [line for line in command.splitlines()
                 if "hms_platform.provision" in line
                 and re.search(rf"--service\s+{service.name}\b", line)]
    assert provision, (f"{service.name}: docker-compose.yml's migrate job does not run "
                       f"`python -m hms_platform.provision ... --service {service.name}`")
    assert password in provision[0] and password in env, (
        f"{service.name}: docker-compose.yml's migrate job does not pass {password} "
        "(environment and --password)")
    assert re.search(rf"(^|\s){re.escape(str(service.script))}\s+migrate\b", command), (
        f"{service.name}: docker-compose.yml's migrate job does not run `{service.script} "
        "migrate`")
    assert f"{service.prefix}_DATABASE_URL" in env, (
        f"{service.name}: docker-compose.yml's migrate job lacks the service's environment "
        f"({service.prefix}_DATABASE_URL; merge its x-{service.name}-env anchor)")


def _process_entrypoints(service: Service) -> list[str]:
    """Every module or package in entrypoints/ but cli: each is a process compose runs."""
    folder = service.src / "entrypoints"
    if not folder.is_dir():
        return []
    names = {p.stem if p.is_file() else p.name for p in folder.iterdir()
             if (p.suffix == ".py" or (p / "__init__.py").exists())}
    return sorted(n for n in names if n != "cli" and not n.startswith("_"))


@each_service
def test_compose_processes(service: Service) -> None:
    processes = _compose()["services"]
    kinds = _process_entrypoints(service)
    assert kinds, f"{service.name}: {service.package}/entrypoints/ has no process (api, relay...)"
    for kind in kinds:
        runs = [(name, p) for name, p in processes.items()
                if f"{service.package}.entrypoints.{kind}" in _command(p).split()
                or p.get("command", [])[:2] == [service.script, kind]]
        assert runs, (f"{service.name}: no docker-compose.yml service runs its {kind} "
                      f"(`python -m {service.package}.entrypoints.{kind}` or "
                      f"`{service.script} {kind}`)")
        for name, process in runs:
            assert f"{service.prefix}_DATABASE_URL" in process.get("environment", {}), (
                f"{service.name}: docker-compose.yml's {name} lacks the service's environment")
            assert "migrate" in process.get("depends_on", {}), (
                f"{service.name}: docker-compose.yml's {name} does not wait for migrate")
            if kind == "api":
                health = _command({"command": process.get("healthcheck", {}).get("test", "")})
                assert f"/api/{service.name}/readyz" in health, (
                    f"{service.name}: docker-compose.yml's {name} has no healthcheck on "
                    f"/api/{service.name}/readyz")


@each_service
def test_whole_system_tests(service: Service) -> None:
    conftest = ROOT / "tests/conftest.py"
    assert service.name in _module_constant(conftest, "SERVICES"), (
        f"{service.name}: missing from SERVICES in tests/conftest.py (provisioned roles)")
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
    assert re.search(rf'\b(emptied_engine|empty)\([^)]*"{service.name}"', conftest), (
        f"{service.name}: services/{service.name}/tests/conftest.py empties no schema "
        f"{service.name!r} before each test (hms_platform.testing.database)")


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
    main = ROOT / "deploy/embedded/src/hms_embedded/__main__.py"
    places = {
        "tests/conftest.py SERVICES": set(_module_constant(ROOT / "tests/conftest.py", "SERVICES"))
        - names,
        "the embedded runner's SERVICES": {m.split(".")[0] for m in
                                           _module_constant(main, "SERVICES")} - packages,
        "the import-linter independence contract": {
            m for c in _importlinter()["contracts"] if c["type"] == "independence"
            for m in c["modules"]} - packages,
        "docker-compose.yml's provisioning": set(re.findall(
            r"--service\s+(\w+)", _command(_compose()["services"]["migrate"]))) - names,
    }
    unknown = {place: sorted(extra) for place, extra in places.items() if extra}
    assert not unknown, f"these name services with no services/<name>/pyproject.toml: {unknown}"
