"""The committed deployment files are what the manifest makes (`make generate`), and a change
to the manifest reaches every one of them."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import yaml

from hms_system.generate import rendered, stale
from hms_system.manifest import SYSTEM, environment
from hms_system.model import Consumer, Process, Service, System
from hms_system.render import targets

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("relative", sorted(targets(SYSTEM)))
def test_the_committed_file_is_what_the_manifest_makes(relative: str) -> None:
    path = ROOT / relative
    current = path.read_text() if path.exists() else ""
    assert current == targets(SYSTEM)[relative](SYSTEM, current), (
        f"{relative} differs from what libs/system/src/hms_system/manifest.py makes: run "
        "make generate (and edit the manifest, not the generated file)")


def test_nothing_is_stale() -> None:
    assert stale(ROOT) == [], "run make generate"


def _with_a_sixth_service() -> System:
    pharmacy = Service(
        name="pharmacy", summary="the API and the consumer", port=8006,
        prefixes=("/api/pharmacy", "/api/prescriptions"),
        processes=(Process("api", min_replicas=2, max_replicas=3),
                   Process("consumer", min_replicas=1, max_replicas=2)),
        consumes=Consumer("pharmacy.events", ("appointments.appointment_completed.v1",)),
        settings=(environment("pharmacy"),))
    return dataclasses.replace(SYSTEM, services=(*SYSTEM.services, pharmacy))


def test_a_sixth_service_reaches_every_generated_file() -> None:
    system = _with_a_sixth_service()
    files = {path.relative_to(ROOT).as_posix(): text
             for path, (_, text) in rendered(ROOT, system).items()}
    assert set(files) >= {"deploy/k8s/base/pharmacy.yaml", "deploy/k8s/base/config/pharmacy.env"}
    others = {f"{s.name}.{ext}" for s in SYSTEM.services for ext in ("yaml", "env")}
    others |= {"web.yaml", "nginx.conf"}  # the web app's own: no service in them
    missing = [name for name, text in files.items()
               if "pharmacy" not in text.lower() and Path(name).name not in others]
    assert missing == [], f"the new service is in none of {missing}"

    compose = yaml.safe_load(files["docker-compose.yml"])["services"]
    assert compose["pharmacy"]["command"] == [
        "hms-pharmacy", "api", "--host", "0.0.0.0", "--port", "8000"]
    assert compose["pharmacy-consumer"]["command"] == ["hms-pharmacy", "consumer"]
    assert "hms-pharmacy migrate" in compose["migrate"]["command"][2]
    assert "pharmacy" in compose["gateway"]["depends_on"]
    assert "PHARMACY_DB_PASSWORD=\n" in files[".env.example"]
    haproxy = files["deploy/haproxy/haproxy.cfg"]
    assert "use_backend pharmacy if { path /api/pharmacy } || { path_beg /api/pharmacy/ } || " \
           "{ path /api/prescriptions } || { path_beg /api/prescriptions/ }" in haproxy
    assert "option httpchk GET /api/pharmacy/readyz" in haproxy
    definitions = json.loads(files["deploy/rabbitmq/definitions.json"])
    assert {"source": "hms.events", "vhost": "/", "destination": "pharmacy.events",
            "destination_type": "queue", "routing_key": "appointments.appointment_completed.v1",
            "arguments": {}} in definitions["bindings"]
    k8s = {(d["kind"], d["metadata"]["name"]) for d in yaml.safe_load_all(
        files["deploy/k8s/base/pharmacy.yaml"])}
    assert {("Deployment", "pharmacy"), ("Service", "pharmacy"),
            ("PodDisruptionBudget", "pharmacy"), ("Deployment", "pharmacy-consumer")} <= k8s
    hpa = [d for d in yaml.safe_load_all(files["deploy/k8s/base/pharmacy.yaml"])
           if d["kind"] == "HorizontalPodAutoscaler"]
    assert {(h["metadata"]["name"], h["spec"]["maxReplicas"]) for h in hpa} == {
        ("pharmacy", 3), ("pharmacy-consumer", 2)}
    assert "- pharmacy.yaml" in files["deploy/k8s/base/kustomization.yaml"]
    assert "hms-pharmacy migrate" in files["deploy/k8s/base/jobs.yaml"]
    gateway = files["deploy/k8s/base/gateway.yaml"]
    assert "HMS_PHARMACY_ADDR" in gateway


def test_the_haproxy_sections_must_be_marked() -> None:
    from hms_system.render import haproxy

    with pytest.raises(ValueError, match="BEGIN routes"):
        haproxy.render(SYSTEM, "global\n")


def test_the_api_index_and_docs_list_the_manifests_services() -> None:
    """hms_platform.web.docs (the /api index, /api/docs) cannot read the manifest (the platform
    imports no system description): its list is held to it here."""
    from hms_platform.web.docs import SERVICES as DOCS
    from hms_system.manifest import SERVICES as MANIFEST

    assert [(s.name, s.prefixes) for s in DOCS] == [(s.name, s.prefixes) for s in MANIFEST]


def test_the_web_app_reaches_the_gateway_compose_and_kubernetes() -> None:
    assert SYSTEM.site is not None
    files = {path.relative_to(ROOT).as_posix(): text
             for path, (_, text) in rendered(ROOT, SYSTEM).items()}
    haproxy = files["deploy/haproxy/haproxy.cfg"]
    routes = haproxy[haproxy.index("# BEGIN routes"):haproxy.index("# END routes")]
    # /api stays the services' (and the 404 problem when none answers), every other path the app's
    assert routes.splitlines()[-3:-1] == [
        "    use_backend nowhere if { path /api } || { path_beg /api/ } || { path /healthz } || "
        "{ path /readyz }",
        "    use_backend web"]
    assert "backend web\n" in haproxy and "option httpchk GET /\n" in haproxy
    assert '"${HMS_WEB_ADDR-web:8080}" check' in haproxy

    compose = yaml.safe_load(files["docker-compose.yml"])["services"]
    assert compose["web"]["build"] == {"context": ".", "target": "web"}
    assert compose["web"]["image"] == "hms-web:latest"
    assert "http://127.0.0.1:8080/" in compose["web"]["healthcheck"]["test"]
    assert compose["gateway"]["depends_on"]["web"] == {"condition": "service_healthy"}
    assert "ports" not in compose["web"]  # reached through the gateway only

    docs = {(d["kind"], d["metadata"]["name"]): d
            for d in yaml.safe_load_all(files["deploy/k8s/base/web.yaml"])}
    assert set(docs) == {("Deployment", "web"), ("Service", "web"),
                         ("PodDisruptionBudget", "web")}
    pod = docs[("Deployment", "web")]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsUser"] == 101
    assert pod["containers"][0]["securityContext"]["readOnlyRootFilesystem"] is True
    assert pod["containers"][0]["readinessProbe"]["httpGet"]["path"] == "/"
    assert docs[("Service", "web")]["spec"]["clusterIP"] == "None"
    assert "- web.yaml" in files["deploy/k8s/base/kustomization.yaml"]
    gateway = files["deploy/k8s/base/gateway.yaml"]
    assert "value: web.$(POD_NAMESPACE).svc.$(CLUSTER_DOMAIN):8080" in gateway
    assert "add_header Content-Security-Policy" in files["deploy/web/nginx.conf"]


def test_without_a_site_the_gateway_answers_the_api_alone() -> None:
    system = dataclasses.replace(SYSTEM, site=None)
    files = {path.relative_to(ROOT).as_posix(): text
             for path, (_, text) in rendered(ROOT, system).items()}
    assert "deploy/web/nginx.conf" not in files and "deploy/k8s/base/web.yaml" not in files
    haproxy = files["deploy/haproxy/haproxy.cfg"]
    assert "backend web" not in haproxy and "use_backend web" not in haproxy
    assert "use_backend nowhere" not in haproxy  # default_backend nowhere takes the rest
    assert "web" not in yaml.safe_load(files["docker-compose.yml"])["services"]
    assert "- web.yaml" not in files["deploy/k8s/base/kustomization.yaml"]
    assert "HMS_WEB_ADDR" not in files["deploy/k8s/base/gateway.yaml"]
