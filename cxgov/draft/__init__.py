"""A first descriptor, inferred from what a repository already holds (`cxgov init`).

From Kubernetes manifests (draft/kubernetes.py): services (Deployments, StatefulSets) with the region
their node selectors pin and the URLs their Ingresses route to them, and the log vendors named by the
env vars and ConfigMaps they read. AI providers come from the shadow-AI detection, the same Rego
`cxgov check` and `cxgov inventory` run (draft/ai.py from_usages), enriched by Terraform. From
Terraform, plan JSON or `.tf` sources in the same shape (draft/terraform.py): data stores, log sinks, AI endpoints and
serverless services, each with its type and region (the resource's own, else its provider block's,
alias included). What only a person can know is the marker TODO (cxgov/descriptor_todo.py), with a
comment saying what is expected; draft/render.py writes it all as commented YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cxgov.descriptor_todo import MARK as TODO
from cxgov.model import Subject

__all__ = ["TODO", "Draft", "Item", "draft"]

# what only a person can say, with the hint written beside the TODO
PERSONAL = "true if it holds or processes personal data (customers, agents), else false"
CLASSIFICATION = "public, internal, confidential or restricted"
RETENTION = "days data is kept (0: forever)"
DPA = "the signed data processing agreement: {uri: path or URL, sha256, approved_by, approved_at}"
SINK_TYPE = "ai_event, security, application, analytics or audit"


@dataclass
class Item:
    """One list entry of the descriptor: its fields in order, a comment per field, where it came from."""

    source: str
    fields: dict[str, Any]
    notes: dict[str, str] = field(default_factory=dict)

    def person_fields(self, *, personal: bool = True, retention: bool = False, classification: bool = False) -> None:
        """The TODOs only a person can fill in, after what was inferred."""
        if classification:
            self.todo("classification", CLASSIFICATION)
        if personal:
            self.todo("contains_personal_data", PERSONAL)
        if retention and "retention_days" not in self.fields:
            self.todo("retention_days", RETENTION)

    def todo(self, key: str, hint: str) -> None:
        self.fields[key] = TODO
        self.notes[key] = hint


@dataclass
class Draft:
    system: str
    services: list[Item] = field(default_factory=list)
    data_stores: list[Item] = field(default_factory=list)
    log_sinks: list[Item] = field(default_factory=list)
    ai_providers: list[Item] = field(default_factory=list)
    ui_candidates: list[str] = field(default_factory=list)  # Ingress URLs, for ui.entry_points
    model_vars: list[tuple[str, str]] = field(default_factory=list)  # (env var, model id) the workloads set

    def sections(self) -> dict[str, list[Item]]:
        return {"services": self.services, "data_stores": self.data_stores, "log_sinks": self.log_sinks,
                "ai_providers": self.ai_providers}

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.sections().items()}


def draft(subjects: list[Subject], system: str, usages=()) -> Draft:
    """The descriptor's inferred sections from the Kubernetes and Terraform subjects of a repository;
    its AI providers also from `usages`, what the shadow-AI detection found in them and in the
    dependency manifests and .env files (cxgov/evidence/aibom.py)."""
    from cxgov.draft import ai, kubernetes, terraform

    out = Draft(system)
    kube = [s for s in subjects if s.kind == "kubernetes" and isinstance(s.document, dict)]
    plans = [s for s in subjects if s.kind == "terraform-plan" and isinstance(s.document, dict)]
    terraform.infer(plans, out)
    kubernetes.infer(kube, out, terraform.cluster_regions(plans))
    ai.from_usages(usages, out)
    for items in out.sections().values():
        _unique_names(items)
    return out


def get(node: Any, *keys):
    """node[k1][k2]... through mappings and lists; None where the path does not exist."""
    for k in keys:
        if isinstance(node, dict):
            node = node.get(k)
        elif isinstance(node, list) and isinstance(k, int) and 0 <= k < len(node):
            node = node[k]
        else:
            return None
    return node


def cloud_of_region(region: str) -> str | None:
    from cxgov.engine.policyset import reference

    regions = reference("regions")
    return next((cloud for cloud in ("aws", "gcp", "azure") if region in regions.get(cloud, {})), None)


def _unique_names(items: list[Item]) -> None:
    seen: dict[str, int] = {}
    for item in items:
        name = str(item.fields.get("name"))
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            item.fields["name"] = f"{name}-{seen[name]}"
