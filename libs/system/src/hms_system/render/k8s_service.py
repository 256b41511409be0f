"""deploy/k8s/base/<service>.yaml, one template for every service: a Deployment per process
(the API's with a headless Service, a disruption budget and an autoscaler; a consumer's with an
autoscaler), and its ConfigMap's env file (config/<service>.env)."""

from __future__ import annotations

from typing import Any

import yaml

from hms_system.model import API_PORT, HEALTH_PORT, Process, Service

Doc = dict[str, Any]
IMAGE = "hms:latest"
USER = 10001  # the Dockerfile's


def labels(name: str, component: str) -> Doc:
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/component": component,
            "app.kubernetes.io/part-of": "hms"}


def metadata(name: str, component: str) -> Doc:
    return {"name": name, "labels": labels(name, component)}


def pod_security(user: int = USER) -> Doc:
    return {"runAsNonRoot": True, "runAsUser": user, "runAsGroup": user,
            "seccompProfile": {"type": "RuntimeDefault"}}


def container_security() -> Doc:
    return {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]}}


def resources(requests: tuple[str, str], limits: tuple[str, str]) -> Doc:
    return {"requests": {"cpu": requests[0], "memory": requests[1]},
            "limits": {"cpu": limits[0], "memory": limits[1]}}


def tmp_volume(size: str = "64Mi") -> tuple[list[Doc], list[Doc]]:
    """(the mounts, the volumes): a writable /tmp on a read-only root."""
    return ([{"name": "tmp", "mountPath": "/tmp"}],
            [{"name": "tmp", "emptyDir": {"sizeLimit": size}}])


def settings_of(service: Service) -> list[Doc]:
    return [{"configMapRef": {"name": f"hms-{service.name}"}},
            {"secretRef": {"name": f"hms-{service.name}"}}]


def _probes(path: str, port: str) -> Doc:
    return {
        "readinessProbe": {"httpGet": {"path": f"{path}readyz", "port": port},
                           "periodSeconds": 5, "timeoutSeconds": 3, "failureThreshold": 2},
        "livenessProbe": {"httpGet": {"path": f"{path}healthz", "port": port},
                          "initialDelaySeconds": 10, "periodSeconds": 10, "timeoutSeconds": 3,
                          "failureThreshold": 3},
    }


def _container(service: Service, process: Process) -> Doc:
    container: Doc = {"name": process.kind, "image": IMAGE, "imagePullPolicy": "IfNotPresent",
                      "command": service.command(process), "envFrom": settings_of(service)}
    if process.kind == "api":
        container["ports"] = [{"name": "http", "containerPort": API_PORT}]
        container.update(_probes(f"/api/{service.name}/", "http"))
    else:
        container["env"] = [{"name": f"{service.prefix}_HEALTH_PORT", "value": str(HEALTH_PORT)},
                            {"name": f"{service.prefix}_HEALTH_HOST", "value": "0.0.0.0"}]
        container["ports"] = [{"name": "probe", "containerPort": HEALTH_PORT}]
        container.update(_probes("/", "probe"))
    mounts, _ = tmp_volume()
    container.update(resources=resources(process.resources.requests, process.resources.limits),
                     securityContext=container_security(), volumeMounts=mounts)
    return container


def deployment(service: Service, process: Process) -> Doc:
    name = service.process_name(process)
    spec: Doc = {} if process.autoscaled else {"replicas": process.replicas}
    _, volumes = tmp_volume()
    spec |= {
        "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
        "template": {"metadata": {"labels": labels(name, process.kind)}, "spec": {
            "automountServiceAccountToken": False, "securityContext": pod_security(),
            "containers": [_container(service, process)], "volumes": volumes}},
    }
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": metadata(name, process.kind), "spec": spec}


def autoscaler(name: str, component: str, process: Process) -> Doc:
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": metadata(name, component), "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
                "minReplicas": process.min_replicas, "maxReplicas": process.max_replicas,
                "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                    "type": "Utilization", "averageUtilization": 70}}}]}}


def api_service(name: str) -> Doc:
    """Headless: the gateway's server-template finds one address per ready replica."""
    return {"apiVersion": "v1", "kind": "Service", "metadata": metadata(name, "api"), "spec": {
        "clusterIP": "None", "selector": {"app.kubernetes.io/name": name},
        "ports": [{"name": "http", "port": API_PORT, "targetPort": "http"}]}}


def disruption_budget(name: str, component: str) -> Doc:
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": metadata(name, component), "spec": {
                "maxUnavailable": 1, "selector": {"matchLabels": {"app.kubernetes.io/name": name}}}}


def documents(service: Service) -> list[Doc]:
    docs: list[Doc] = []
    for process in service.processes:
        name = service.process_name(process)
        docs.append(deployment(service, process))
        if process.kind == "api":
            docs += [api_service(name), disruption_budget(name, "api")]
        if process.autoscaled:
            docs.append(autoscaler(name, process.kind, process))
    return docs


def dump(docs: list[Doc]) -> str:
    return "---\n".join(yaml.safe_dump(d, sort_keys=False, width=100) for d in docs)


def manifest(service: Service) -> str:
    name = service.name
    head = [
        f"# {name}: {service.summary}.",
        "# Generated by `make generate` from libs/system/src/hms_system/manifest.py (edit that).",
        f"# Same image and commands as docker-compose.yml. Settings: the ConfigMap hms-{name}",
        f"# (config/{name}.env) and the Secret hms-{name} (made outside git: ../README.md).",
        "# The API's Service is headless: the gateway finds every ready replica by its name.",
    ]
    return "\n".join(head) + "\n" + dump(documents(service))


def config(service: Service) -> str:
    """The ConfigMap's env file: the settings that are not secret."""
    name = service.name
    lines = [f"# {name}'s settings that are not secret (the ConfigMap hms-{name}); its secrets: "
             f"the Secret hms-{name}.",
             "# Generated by `make generate` from libs/system/src/hms_system/manifest.py."]
    for setting in service.settings:
        if setting.config is not None:
            lines += [f"# {line}" for line in setting.config_comment.splitlines()]
            lines.append(f"{setting.name}={setting.config}")
    return "\n".join(lines) + "\n"
