"""The AI inventory as data and as CycloneDX: what the shadow-AI detection found, read from findings.

Detection is Rego (policies/shadow_ai/_detect.rego) and runs in the one evaluation a command makes;
its results reach Python only as findings, each carrying the usage as structured metadata
(`provider`, `vendor`, `usage`, `asset`, `evidence`, `host`, `region`, `declared`):

- SHADOW-AI-01 (no descriptor): every usage, undeclared, since nothing declares what is approved;
- SHADOW-AI-02 deny (a descriptor): every undeclared usage;
- SHADOW-AI-02's `warn_inventory` records: every usage, declared or not. A run has them only when it
  asks (`data.cxgov.inventory.records`, which `cxgov inventory` and `cxgov init` set), so `check` and
  `audit` print nothing for declared usage.

`usages()` turns whichever of these a result holds into `AIUsage`s; `bom_entries()` turns those into
CycloneDX services (endpoints, keys, providers), `machine-learning-model` components (model servers,
model deployments) and `library` components (SDK packages), each with `cxgov:declared` and its
evidence (`file:line`) as properties. Nothing here reads a file or looks at a value: a usage names a
variable, host, image, resource or package, never a secret.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from cxgov.model import Finding

RECORDS_QUERY = "data.cxgov.shadow_ai.shadow_ai_02.warn_inventory"
FINDING_RULES = ("SHADOW-AI-01", "SHADOW-AI-02")
#: the policy data that asks the shadow-AI pack for its inventory records
RECORDS_DATA = {"cxgov": {"inventory": {"records": True}}}


@dataclass(frozen=True, order=True)
class AIUsage:
    file: str
    line: int | None
    provider: str
    usage: str  # endpoint, api-key, model, model-server, resource, terraform-provider, package
    evidence: str  # "variable ANTHROPIC_API_KEY", "image ollama/ollama", a Terraform address, "package openai"
    asset: str  # service, machine-learning-model or library (its CycloneDX type)
    vendor: str | None
    host: str | None
    region: str | None
    declared: bool | None  # None: the run had no descriptor, so nothing declares anything
    framework: bool = False  # a provider-neutral framework (LangChain, ...), not a provider

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Inventory:
    """What `cxgov inventory` reports, the one object its formats read: the usages found, the run
    that found them, and whether a descriptor declares which are approved."""

    found: tuple[AIUsage, ...]
    run: Any  # cxgov.model.RunInfo
    has_descriptor: bool


def usages(findings: Iterable[Finding]) -> list[AIUsage]:
    """The AI usages a run's findings carry, sorted and without repeats: the inventory records when
    the run asked for them, else the undeclared usages of SHADOW-AI-01 and SHADOW-AI-02."""
    findings = list(findings)
    records = [f for f in findings if f.query == RECORDS_QUERY]
    chosen = records or [f for f in findings if f.rule_id in FINDING_RULES]
    out = set()
    for f in chosen:
        m = f.metadata
        if not isinstance(m.get("provider"), str) or not isinstance(m.get("evidence"), str):
            continue
        declared = m.get("declared") is True
        out.add(AIUsage(
            file=f.location.file or f.subject, line=f.location.line, provider=m["provider"],
            usage=str(m.get("usage") or ""), evidence=m["evidence"], asset=str(m.get("asset") or "service"),
            vendor=m.get("vendor"), host=m.get("host"), region=m.get("region"),
            declared=None if f.rule_id == "SHADOW-AI-01" else declared, framework=m.get("framework") is True,
        ))
    return sorted(out)


def declared_text(usage: AIUsage) -> str:
    return {True: "declared", False: "UNDECLARED", None: "undeclared (no descriptor)"}[usage.declared]


def _properties(usage_list: list[AIUsage], extra: dict[str, Any]):
    from cyclonedx.model import Property

    first = usage_list[0]
    values = {"cxgov:declared": "true" if first.declared else "false", "cxgov:provider": first.provider,
              "cxgov:vendor": first.vendor, "cxgov:region": first.region, **extra}
    props = [Property(name=k, value=str(v)) for k, v in values.items() if v not in (None, "")]
    if first.declared is None:
        props.append(Property(name="cxgov:declared_by", value="none: the run had no descriptor"))
    props += [Property(name="cxgov:evidence", value=f"{u.where} {u.evidence} ({u.usage})") for u in usage_list]
    return props


def _grouped(usage_list: list[AIUsage], key) -> dict[tuple, list[AIUsage]]:
    groups: dict[tuple, list[AIUsage]] = {}
    for u in usage_list:
        groups.setdefault(key(u), []).append(u)
    return groups


def bom_entries(usage_list: list[AIUsage]) -> tuple[list, list]:
    """(services, components) for cyclonedx-python-lib: one service per provider endpoint (provider,
    host, region, declared), one model or library component per usage of that kind."""
    from cyclonedx.model import DataClassification, DataFlow, XsUri
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.contact import OrganizationalEntity
    from cyclonedx.model.service import Service

    services, components = [], []
    endpoint_usages = [u for u in usage_list if u.asset not in ("machine-learning-model", "library")]
    for (provider, host, region, declared), group in sorted(
            _grouped(endpoint_usages, lambda u: (u.provider, u.host or "", u.region or "", str(u.declared))).items()):
        first = group[0]
        services.append(Service(
            name=host or provider, bom_ref=f"ai-usage:service:{provider}:{host or '-'}:{region or '-'}:{declared}",
            group="ai-service", provider=OrganizationalEntity(name=first.vendor) if first.vendor else None,
            endpoints=[XsUri(f"https://{host}")] if host else [],
            x_trust_boundary=first.vendor is not None,
            data=[DataClassification(flow=DataFlow.BI_DIRECTIONAL, classification="customer conversations")]
            if first.vendor else [],
            properties=_properties(group, {"cxgov:usage": ", ".join(sorted({u.usage for u in group}))}),
        ))
    kinds = {"machine-learning-model": ComponentType.MACHINE_LEARNING_MODEL, "library": ComponentType.LIBRARY}
    for u in usage_list:
        if u.asset not in kinds:
            continue
        name = u.evidence.split(" ", 1)[1] if u.evidence.startswith(("image ", "package ")) else u.evidence
        components.append(Component(
            type=kinds[u.asset], name=name, group=u.provider,
            bom_ref=f"ai-usage:{u.asset}:{u.where}:{u.evidence}",
            properties=_properties([u], {"cxgov:usage": u.usage, "cxgov:host": u.host}),
        ))
    return services, components


def standalone_bom(usage_list: list[AIUsage], system: str, timestamp) -> dict[str, Any]:
    """A CycloneDX 1.6 document holding only the AI inventory (`cxgov inventory -o cyclonedx`), with
    a serial number derived from its content, so the same inventory gives the same bytes."""
    from cyclonedx.model.bom import BomMetaData
    from cyclonedx.model.component import Component, ComponentType

    from cxgov.evidence.sbom import content_addressed_bom

    root = Component(type=ComponentType.APPLICATION, name=system, bom_ref=f"system:{system}")
    services, components = bom_entries(usage_list)
    return content_addressed_bom(BomMetaData(component=root, timestamp=timestamp), services, components, "aibom:")
