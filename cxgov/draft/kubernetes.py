"""Services, their regions and URLs, and the log vendors they call, from Kubernetes."""

from __future__ import annotations

import re

from cxgov.draft import TODO, Draft, Item, cloud_of_region, get
from cxgov.draft import ai
from cxgov.model import Subject

WORKLOADS = ("Deployment", "StatefulSet")
REGION_LABELS = ("topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region")


def infer(subjects: list[Subject], out: Draft, clusters: list[tuple[str, str]]) -> None:
    """Add a service per workload (a region the Terraform clusters agree on when nothing pins one),
    the log sinks its env names, and the Ingress URLs as UI candidates. (The AI providers it calls
    come from the shadow-AI detection: ai.from_usages.)"""
    configmaps = {_name(s.document): s.document.get("data") or {} for s in subjects
                  if s.document.get("kind") == "ConfigMap"}
    routes = ingress_routes(subjects)
    sinks = {i.fields.get("endpoint"): i for i in out.log_sinks}
    for s in subjects:
        doc = s.document
        if doc.get("kind") not in WORKLOADS:
            continue
        name, pod = _name(doc), get(doc, "spec", "template", "spec") or {}
        env = [e for c in _containers(pod) for e in _env(c, configmaps)]
        where = f"{doc['kind']} {name} ({s.origin.file})"
        out.services.append(_service(name, pod, env, where, clusters, routes, _service_names(subjects, doc)))
        out.model_vars += ai.model_vars(env)
        for sink in ai.env_sinks(env, where):
            if sink.fields["endpoint"] not in sinks:
                sinks[sink.fields["endpoint"]] = sink
                out.log_sinks.append(sink)
    out.ui_candidates = sorted({"/".join(url.split("/")[:3]) for _, url in routes})


def _service(name, pod, env, where, clusters, routes, backends) -> Item:
    item = Item(where, {"name": name})
    region, note = pod_region(pod, env)
    if region is None and len({r for _, r in clusters}) == 1:
        region, note = clusters[0][1], f"the region of the cluster {clusters[0][0]}"
    cloud = (cloud_of_region(region) if region else None) or image_cloud(pod)
    item.fields["provider"] = cloud or TODO
    if not cloud:
        item.notes["provider"] = "aws, gcp, azure or another host: where the cluster runs"
    item.fields["region"] = region or TODO
    item.notes["region"] = note or "where the cluster runs: no node selector, env var or Terraform cluster pins it"
    item.person_fields()
    urls = sorted(url for backend, url in routes if backend in backends)
    if urls:
        item.fields["endpoints"] = [{"url": u} for u in urls]
        item.notes["endpoints"] = "from the Ingress rules routing to it"
    return item


def _name(doc: dict) -> str:
    return str(get(doc, "metadata", "name") or "unnamed")


def _containers(pod: dict) -> list[dict]:
    return [c for c in (pod.get("initContainers") or []) + (pod.get("containers") or []) if isinstance(c, dict)]


def _env(container: dict, configmaps: dict) -> list[tuple[str, str | None]]:
    """(name, literal value or None) of every env var a container gets, ConfigMaps resolved."""
    out = []
    for ref in container.get("envFrom") or []:
        cm = configmaps.get(get(ref, "configMapRef", "name"))
        if isinstance(cm, dict):
            out += [(str(ref.get("prefix") or "") + str(k), v if isinstance(v, str) else None) for k, v in cm.items()]
    for e in container.get("env") or []:
        if not isinstance(e, dict) or not isinstance(e.get("name"), str):
            continue
        value = e.get("value")
        key = get(e, "valueFrom", "configMapKeyRef")
        if isinstance(key, dict):
            value = (configmaps.get(key.get("name")) or {}).get(key.get("key"))
        out.append((e["name"], value if isinstance(value, str) else None))
    return out


def pod_region(pod: dict, env: list[tuple[str, str | None]]) -> tuple[str | None, str]:
    """The one region a pod is pinned to (node selector, required node affinity, region env var)."""
    for label in REGION_LABELS:
        value = (pod.get("nodeSelector") or {}).get(label)
        if isinstance(value, str) and value:
            return value, f"from the node selector {label}"
    terms = get(pod, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
    for term in terms or []:
        for expr in get(term, "matchExpressions") or []:
            values = get(expr, "values") or []
            if get(expr, "key") in REGION_LABELS and get(expr, "operator") == "In" and len(values) == 1:
                return str(values[0]), f"from the node affinity {expr['key']}"
    for name, value in env:
        if name in ai.REGION_VARS and value:
            return value, f"from the env var {name}"
    return None, ""


def image_cloud(pod: dict) -> str | None:
    """The cloud whose registry the images come from (ECR, Artifact Registry or GCR, ACR)."""
    images = " ".join(str(c.get("image", "")) for c in _containers(pod))
    for pattern, cloud in ((r"\.dkr\.ecr\.", "aws"), (r"(?:^|\s)(?:[a-z0-9-]+-docker\.pkg\.dev|(?:[a-z]+\.)?gcr\.io)/",
                                                      "gcp"), (r"\.azurecr\.io/", "azure")):
        if re.search(pattern, images):
            return cloud
    return None


def _service_names(subjects: list[Subject], workload: dict) -> set[str]:
    """The names of the Kubernetes Services selecting this workload's pods, and its own name."""
    labels = get(workload, "spec", "template", "metadata", "labels") or {}
    names = {_name(workload)}
    for s in subjects:
        selector = get(s.document, "spec", "selector")
        if s.document.get("kind") == "Service" and isinstance(selector, dict) and selector and \
                isinstance(labels, dict) and all(labels.get(k) == v for k, v in selector.items()):
            names.add(_name(s.document))
    return names


def ingress_routes(subjects: list[Subject]) -> list[tuple[str, str]]:
    """(backend service name, URL) for every host and path an Ingress routes."""
    routes = []
    for s in subjects:
        doc = s.document
        if doc.get("kind") != "Ingress":
            continue
        tls = {h for t in get(doc, "spec", "tls") or [] for h in get(t, "hosts") or []}
        for rule in get(doc, "spec", "rules") or []:
            host = get(rule, "host")
            if not isinstance(host, str) or "*" in host:
                continue
            scheme = "https" if host in tls else "http"
            for p in get(rule, "http", "paths") or []:
                backend = get(p, "backend", "service", "name") or get(p, "backend", "serviceName")
                path = str(get(p, "path") or "/")
                if isinstance(backend, str):
                    routes.append((backend, f"{scheme}://{host}{'' if path == '/' else path}"))
    return routes
