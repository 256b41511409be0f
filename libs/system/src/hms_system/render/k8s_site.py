"""deploy/k8s/base/<site>.yaml: the web app's static files, nginx from the Dockerfile's web
stage (deploy/web/nginx.conf), as a Deployment with a headless Service (the gateway finds each
ready pod by its name, as it finds the APIs') and a disruption budget."""

from __future__ import annotations

from hms_system.model import SITE_PORT, SITE_USER, Site
from hms_system.render.k8s_service import (
    Doc,
    container_security,
    disruption_budget,
    labels,
    metadata,
    pod_security,
    resources,
    tmp_volume,
)
from hms_system.render.k8s_system import GENERATED, dump
from hms_system.render.text import wrapped

COMPONENT = "web"


def image(site: Site) -> str:
    """The Dockerfile's ``--target <name>`` stage, as compose tags it."""
    return f"hms-{site.name}:latest"


def deployment(site: Site) -> Doc:
    name = site.name
    mounts, volumes = tmp_volume("16Mi")  # nginx's pid and temporary files
    http = {"httpGet": {"path": "/", "port": "http"}}
    container: Doc = {
        "name": "nginx", "image": image(site), "imagePullPolicy": "IfNotPresent",
        "ports": [{"name": "http", "containerPort": SITE_PORT}],
        "readinessProbe": {**http, "periodSeconds": 5, "timeoutSeconds": 2,
                           "failureThreshold": 2},
        "livenessProbe": {**http, "initialDelaySeconds": 5, "periodSeconds": 10,
                          "timeoutSeconds": 2, "failureThreshold": 3},
        "resources": resources(site.resources.requests, site.resources.limits),
        "securityContext": container_security(), "volumeMounts": mounts}
    return {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": metadata(name, COMPONENT),
        "spec": {"replicas": site.replicas,
                 "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
                 "template": {"metadata": {"labels": labels(name, COMPONENT)}, "spec": {
                     "automountServiceAccountToken": False,
                     "securityContext": pod_security(SITE_USER),  # the image's nginx user
                     "containers": [container], "volumes": volumes}}}}


def service(site: Site) -> Doc:
    """Headless: the gateway's server-template finds one address per ready pod."""
    return {"apiVersion": "v1", "kind": "Service", "metadata": metadata(site.name, COMPONENT),
            "spec": {"clusterIP": "None", "selector": {"app.kubernetes.io/name": site.name},
                     "ports": [{"name": "http", "port": SITE_PORT, "targetPort": "http"}]}}


def manifest(site: Site) -> str:
    head = [
        *wrapped(f"{site.name}: {site.summary}."),
        f"# nginx as the image's user {SITE_USER} (the Dockerfile's {site.name} stage, "
        f"{image(site)}: its",
        "# deploy/web/nginx.conf and the build), every path the gateway does not send to /api.",
        GENERATED]
    return "\n".join(head) + "\n" + dump(
        [deployment(site), service(site), disruption_budget(site.name, COMPONENT)])
