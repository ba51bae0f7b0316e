"""AI providers for the draft: from the shadow-AI detection's usages (from_usages), and the entry an AI
API host of a Terraform resource makes (provider); log vendors named by their site env vars."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from cxgov.draft import DPA, SINK_TYPE, TODO, Item
from cxgov.engine.policyset import reference

# The AI API hosts a Terraform resource makes (draft/terraform.py: Azure OpenAI accounts, Bedrock and
# Vertex AI use): (pattern, service, vendor, group of the pattern holding the region)
AI_HOSTS = [
    (r"[a-z0-9-]+\.openai\.azure\.com", "azure_openai", "Microsoft", None),
    (r"bedrock-runtime\.([a-z0-9-]+)\.amazonaws\.com", "bedrock", "Amazon Web Services", 1),
    (r"([a-z0-9-]+)-aiplatform\.googleapis\.com", "vertex_ai", "Google", 1),
]
REGION_VARS = ("AWS_REGION", "AWS_DEFAULT_REGION", "GOOGLE_CLOUD_REGION", "CLOUDSDK_COMPUTE_REGION", "AZURE_REGION")
LOG_VENDORS = {"datadog": ("Datadog", "application"), "sentry": ("Sentry", "application"),
               "newrelic": ("New Relic", "application"), "nr-data": ("New Relic", "application"),
               "splunk": ("Splunk", "application"), "honeycomb": ("Honeycomb", "application"),
               "logdna": ("Mezmo", "application"), "posthog": ("PostHog", "analytics"),
               "mixpanel": ("Mixpanel", "analytics")}
_ORDER = ["name", "vendor", "service", "endpoint", "region", "routing_mode", "model_id"]


def host_of(url: Any) -> str | None:
    if not isinstance(url, str) or url == TODO:
        return None
    try:
        return (urlsplit(url if "://" in url else f"https://{url}").hostname or "").lower() or None
    except ValueError:
        return None


def provider(host: str, via: str, region: str | None = None, region_note: str = "from Terraform") -> Item:
    """A provider entry for an AI API host: what the host tells, and TODOs for what only a person knows."""
    for pattern, service, vendor, group in AI_HOSTS:
        m = re.fullmatch(pattern, host)
        if m:
            break
    else:
        raise ValueError(f"not an AI API host: {host}")
    note = region_note
    if not region and group and m.group(group):
        region, note = m.group(group), "from the endpoint host"
    elif not region:
        note = "the region the provider processes prompts in (its console or contract)"
    label = host.split(".")[0] if service == "azure_openai" else (region or "")
    item = Item(f"from {via}", {"name": "-".join(p for p in (service.replace("_", "-"), label) if p),
                                "vendor": vendor, "service": service, "endpoint": f"https://{host}"})
    item.fields["region"] = region or TODO
    item.notes["region"] = note
    item.todo("role", "processor, controller or subprocessor")
    item.todo("training_on_customer_data", "true if the provider may train on your prompts (its terms)")
    item.todo("dpa_ref", DPA)
    return item


def set_model(item: Item, model: str, note: str | None = None) -> None:
    """model_id (and routing_mode) beside the endpoint, before the person-only fields."""
    item.fields["model_id"] = model
    if note:
        item.notes["model_id"] = note
    item.fields = {k: item.fields[k] for k in sorted(item.fields, key=lambda k: _ORDER.index(k) if k in _ORDER
                                                      else len(_ORDER))}


def from_usages(usages, out) -> None:
    """ai_providers entries for the AI usages the shadow-AI detection found (the records `cxgov
    inventory` lists: cxgov/evidence/aibom.py), one per provider endpoint, beside those Terraform
    already drafted (same host, or same service where a usage shows no host). Frameworks are no
    provider. What only a person knows stays TODO."""
    added: list[Item] = []
    by_host = {host_of(i.fields.get("endpoint")): i for i in out.ai_providers}
    by_service: dict = {}
    for i in out.ai_providers:
        by_service.setdefault(i.fields.get("service"), i)
    for u in sorted(usages, key=lambda u: (u.host is None, u.file, u.line or 0)):
        if u.framework:
            continue
        via = f"{u.evidence} ({u.where})"
        known = by_host.get(u.host) if u.host else by_service.get(u.provider)
        if known is not None:
            if via not in known.source:
                known.source += f"; {via}"
            continue
        item = _usage_provider(u, via)
        out.ai_providers.append(item)
        added.append(item)
        by_service.setdefault(u.provider, item)
        if u.host:
            by_host[u.host] = item
    if len(added) == 1 and len(out.model_vars) == 1:  # one provider, one model named: that provider's
        set_model(added[0], out.model_vars[0][1], f"from the env var {out.model_vars[0][0]}")


def model_vars(env: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
    """(name, value) of the env vars that look like they name a model (OPENAI_MODEL=gpt-4o-mini)."""
    return [(n, v) for n, v in env if v and "MODEL" in n and re.fullmatch(r"[\w.:@/-]{2,120}", v)]


def _usage_provider(u, via: str) -> Item:
    label = u.host.split(".")[0] if u.host and u.provider in ("azure_openai", "azure_ai") else (u.region or "")
    item = Item(f"from {via}", {"name": "-".join(p for p in (u.provider.replace("_", "-"), label) if p)})
    if u.vendor:
        item.fields["vendor"] = u.vendor
    else:
        item.todo("vendor", "who runs it: the cloud or hosting provider of this self-hosted server")
    item.fields["service"] = u.provider
    if u.host:
        item.fields["endpoint"] = f"https://{u.host}"
    else:
        item.todo("endpoint", "the URL the application reaches it at (its Kubernetes Service)" if not u.vendor
                  else "the API URL the application calls (the provider's, perhaps its EU endpoint, or your gateway)")
    item.fields["region"] = u.region or TODO
    item.notes["region"] = "from the endpoint host" if u.region else \
        "the region the provider processes prompts in (its console or contract)"
    item.todo("role", "processor, controller or subprocessor")
    item.todo("training_on_customer_data", "true if the provider may train on your prompts (its terms)")
    item.todo("dpa_ref", DPA)
    return item


def env_sinks(env: list[tuple[str, str | None]], where: str) -> list[Item]:
    """Observability and analytics vendors named by their site env vars (DD_SITE, SENTRY_DSN, ...)."""
    saas = reference("saas_endpoints")
    out = []
    for name, value in env:
        host = host_of(value) if name in saas.get("env_vars", []) else None
        vendor = next((v for k, v in LOG_VENDORS.items() if host and k in host), None)
        if not vendor:
            continue
        item = Item(f"from env {name} ({where})", {"name": vendor[0].lower().replace(" ", "-"), "type": vendor[1],
                                                   "vendor": vendor[0], "endpoint": f"https://{host}"})
        item.notes["type"] = f"from the vendor; one of {SINK_TYPE}"
        item.person_fields(retention=True)
        out.append(item)
    return out
