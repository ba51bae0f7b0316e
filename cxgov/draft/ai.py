"""AI providers and log vendors named in env vars: API hosts, API keys, Bedrock model ids, SaaS sites."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from cxgov.draft import DPA, SINK_TYPE, TODO, Item, reference

# AI APIs by host: (pattern, service, vendor, group of the pattern holding the region)
AI_HOSTS = [
    (r"[a-z0-9-]+\.openai\.azure\.com", "azure_openai", "Microsoft", None),
    (r"[a-z0-9-]+\.cognitiveservices\.azure\.com", "azure_ai", "Microsoft", None),
    (r"bedrock(?:-agent)?-runtime(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com", "bedrock", "Amazon Web Services", 1),
    (r"bedrock-runtime\.amazonaws\.com", "bedrock", "Amazon Web Services", None),
    (r"([a-z0-9-]+)-aiplatform\.googleapis\.com", "vertex_ai", "Google", 1),
    (r"aiplatform\.googleapis\.com", "vertex_ai", "Google", None),
    (r"generativelanguage\.googleapis\.com", "gemini_api", "Google", None),
    (r"(?:eu\.)?api\.openai\.com", "openai", "OpenAI", None),
    (r"api\.anthropic\.com", "anthropic", "Anthropic", None),
    (r"api\.mistral\.ai", "mistral", "Mistral AI", None),
    (r"api\.cohere\.(?:ai|com)", "cohere", "Cohere", None),
]
_AI_HOST = re.compile(r"(?<![a-z0-9.-])(" + "|".join(p for p, *_ in AI_HOSTS) + r")(?![a-z0-9-])", re.I)
# an API key with no base URL of its family beside it means the vendor's public endpoint
AI_KEYS = {"OPENAI_API_KEY": "api.openai.com", "ANTHROPIC_API_KEY": "api.anthropic.com",
           "MISTRAL_API_KEY": "api.mistral.ai", "COHERE_API_KEY": "api.cohere.com",
           "GEMINI_API_KEY": "generativelanguage.googleapis.com"}
BASE_URL = re.compile(r"(BASE_URL|API_BASE|ENDPOINT|_HOST|_URL)$")
BEDROCK_MODEL = re.compile(r"^(?:(?:eu|us|apac|global|us-gov)\.)?(?:anthropic|amazon|meta|mistral|cohere|ai21|deepseek)\."
                           r"[\w.:-]+$")
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
    label = host.split(".")[0] if service in ("azure_openai", "azure_ai") else (region or "")
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


def env_providers(env: list[tuple[str, str | None]]) -> list[Item]:
    """The AI providers one workload's env vars name: API hosts in values, API keys, Bedrock model ids."""
    found: dict[str, Item] = {}
    names = {n for n, _ in env}
    for name, value in env:
        for m in _AI_HOST.finditer(value or ""):
            item = provider(m.group(1).lower(), f"env {name}")
            found.setdefault(item.fields["endpoint"], item)
    for key, host in AI_KEYS.items():
        family = key.removesuffix("_API_KEY")
        overridden = any(n.startswith(family) and BASE_URL.search(n) for n in names)
        if key in names and not overridden and f"https://{host}" not in found:
            found[f"https://{host}"] = provider(host, f"env {key}")
    models = [(n, v) for n, v in env if v and "MODEL" in n and re.fullmatch(r"[\w.:@/-]{2,120}", v)]
    for name, value in models:
        if BEDROCK_MODEL.match(value) and not any(i.fields["service"] == "bedrock" for i in found.values()):
            region = next((v for n, v in env if n in REGION_VARS and v), None)
            host = f"bedrock-runtime.{region}.amazonaws.com" if region else "bedrock-runtime.amazonaws.com"
            found[f"https://{host}"] = provider(host, f"env {name}")
    if len(found) == 1 and len(models) == 1:
        set_model(next(iter(found.values())), models[0][1], f"from the env var {models[0][0]}")
    return list(found.values())


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
