"""The bundle's CycloneDX 1.6 SBOM (sbom.cdx.json): what the audited system is made of.

- the system itself (metadata.component), from the descriptor;
- its services, and its AI providers as third-party services across the trust boundary, each with
  the data that flows through it;
- its data stores and log sinks as `data` components, with classification, sensitive data, the
  custodian, and region, replicas and retention as properties;
- the AI services, model servers and deployments, and AI SDKs the deployment files use, as the
  shadow-AI detection found them (cxgov/evidence/aibom.py), each with `cxgov:declared` and its
  evidence; the descriptor's own ai_providers carry `cxgov:declared` true;
- its ML models as `machine-learning-model` components with a model card built from the MLflow
  snapshot in the card's own fields (cxgov/evidence/model_card.py), and their datasets as `data`
  components with their MLflow digests; a model the descriptor declares but the bundle has no
  snapshot of is listed without a card, and says so.

cyclonedx-python-lib 11 cannot set `modelCard` or component `data` yet, so the library serialises
everything else and this module adds those two fields to its output. The serial number is a UUID
derived from the content and the timestamp is the bundle's `created`, so the same view gives the
same bytes. `validate_sbom` checks a document against the CycloneDX 1.6 JSON schema the library
ships; its import is slow (~2.6 s), so only verify and the tests call it.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from cxgov import __version__
from cxgov.evidence import aibom
from cxgov.evidence.model_card import artifact_sha256, model_card, model_datasets
from cxgov.evidence.model_card import text_value as _text
from cxgov.evidence.view import BundleView
from cxgov.model import sha256_of

#: the namespace of every UUID cxgov derives from bundle content (SBOM serial, OSCAL uuids)
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/cxgov/cxgov/evidence")
PERSONAL_DATA = "personal data"
SPECIAL_CATEGORY = "special category data (GDPR Art 9)"


def build_sbom(view: BundleView) -> dict[str, Any]:
    from cyclonedx.model.bom import BomMetaData
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.tool import ToolRepository

    descriptor = view.descriptor() or {}
    meta = descriptor.get("metadata") or {}
    system = Component(
        type=ComponentType.APPLICATION, name=view.system, bom_ref=f"system:{view.system}",
        version=_text((descriptor.get("release") or {}).get("version")),
        description=_text(meta.get("description")),
        properties=_properties({"cxgov:owner": meta.get("owner"),
                                "cxgov:environment": (descriptor.get("system") or {}).get("environment"),
                                "cxgov:evaluation_date": view.result.run.evaluation_date,
                                "cxgov:policy_digest": view.result.run.policy_digest}),
    )
    tool = Component(type=ComponentType.APPLICATION, name="cxgov", version=__version__, bom_ref="tool:cxgov")
    metadata = BomMetaData(component=system, timestamp=view.created_at(), tools=ToolRepository(components=[tool]))
    services = [_service(s) for s in descriptor.get("services") or [] if isinstance(s, dict) and s.get("name")]
    services += [_ai_provider(p) for p in descriptor.get("ai_providers") or [] if isinstance(p, dict) and p.get("name")]
    # the AI services, models and SDKs the deployment files really use (cxgov/evidence/aibom.py)
    ai_services, ai_components = aibom.bom_entries(aibom.usages(view.result.findings))
    services += ai_services
    extra: dict[str, dict[str, Any]] = {}  # bom-ref -> fields the library cannot set
    components = []
    for kind, items in (("data-store", descriptor.get("data_stores")), ("log-sink", descriptor.get("log_sinks"))):
        for item in items or []:
            if isinstance(item, dict) and item.get("name"):
                component, data = _data_component(kind, item)
                components.append(component)
                extra[str(component.bom_ref)] = {"data": [data]}
    models, datasets, cards = _models(view, descriptor)
    components += models + datasets + ai_components
    extra.update(cards)
    return content_addressed_bom(metadata, services, components, "sbom:", extra)


def content_addressed_bom(metadata, services: list, components: list, prefix: str,
                          extra: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The CycloneDX 1.6 JSON document of a BOM whose metadata.component depends on every service and
    component, with `extra` (bom-ref -> fields the library cannot set) added to its components and a
    serial number derived from the whole document (`prefix` keeps different BOMs' serials apart), so
    the same content gives the same bytes."""
    from cyclonedx.model.bom import Bom
    from cyclonedx.output.json import JsonV1Dot6

    bom = Bom(serial_number=uuid.UUID(int=0), metadata=metadata)
    bom.services.update(services)
    bom.components.update(components)
    bom.register_dependency(metadata.component, [*services, *components])
    document = json.loads(JsonV1Dot6(bom).output_as_string(indent=None))
    for component in document.get("components", []):
        component.update((extra or {}).get(component.get("bom-ref"), {}))
    document["serialNumber"] = "urn:uuid:" + str(uuid.uuid5(NAMESPACE, prefix + sha256_of(document)))
    return document


def validate_sbom(document: dict[str, Any]) -> list[str]:
    """Errors against the CycloneDX 1.6 JSON schema (strict); empty when the SBOM is valid."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(document), all_errors=True)
    return sorted(str(e) for e in errors or ())


def _service(item: dict[str, Any]):
    from cyclonedx.model import DataClassification, DataFlow
    from cyclonedx.model.service import Service

    personal = bool(item.get("contains_personal_data"))
    return Service(
        name=str(item["name"]), bom_ref=f"service:{item['name']}", provider=_organisation(item.get("provider")),
        endpoints=_endpoints(e.get("url") for e in item.get("endpoints") or [] if isinstance(e, dict)),
        data=[DataClassification(flow=DataFlow.BI_DIRECTIONAL, classification=PERSONAL_DATA)] if personal else [],
        properties=_properties({"cxgov:region": item.get("region"), "cxgov:provider": item.get("provider"),
                                "cxgov:contains_personal_data": personal, "cxgov:ropa_ref": item.get("ropa_ref")}),
    )


def _ai_provider(item: dict[str, Any]):
    from cyclonedx.model import DataClassification, DataFlow
    from cyclonedx.model.service import Service

    return Service(
        name=str(item["name"]), bom_ref=f"ai-provider:{item['name']}", group="ai-provider",
        provider=_organisation(item.get("vendor")),
        description=" ".join(str(x) for x in (item.get("service"), item.get("model_id")) if x) or None,
        endpoints=_endpoints([item.get("endpoint")]),
        x_trust_boundary=True,
        # prompts leave the system for the provider, completions come back
        data=[DataClassification(flow=DataFlow.BI_DIRECTIONAL, classification="customer conversations")],
        properties=_properties({
            "cxgov:declared": True,
            "cxgov:service": item.get("service"), "cxgov:model_id": item.get("model_id"),
            "cxgov:region": item.get("region"), "cxgov:routing_mode": item.get("routing_mode"),
            "cxgov:destination_regions": item.get("destination_regions"), "cxgov:role": item.get("role"),
            "cxgov:training_on_customer_data": item.get("training_on_customer_data"),
            "cxgov:zero_data_retention": item.get("zero_data_retention"), "cxgov:pii_redaction": item.get("pii_redaction"),
        }),
    )


def _data_component(kind: str, item: dict[str, Any]):
    from cyclonedx.model.component import Component, ComponentType

    sensitive = []
    if item.get("contains_personal_data") or "pii" in (item.get("data_kinds") or []):
        sensitive.append(PERSONAL_DATA)
    if item.get("special_category"):
        sensitive.append(SPECIAL_CATEGORY)
    kinds = item.get("data_kinds") or ([item["data_kind"]] if item.get("data_kind") else [])
    custodian = item.get("vendor") or item.get("provider")
    data: dict[str, Any] = {"type": "dataset", "name": str(item["name"]),
                            "description": f"{kind.replace('-', ' ')}: " + (", ".join(map(str, kinds)) or "unspecified")}
    if item.get("classification"):
        data["classification"] = str(item["classification"])
    if sensitive:
        data["sensitiveData"] = sensitive
    if custodian:
        data["governance"] = {"custodians": [{"organization": {"name": str(custodian)}}]}
    backup = item.get("backup") if isinstance(item.get("backup"), dict) else {}
    component = Component(
        type=ComponentType.DATA, name=str(item["name"]), bom_ref=f"{kind}:{item['name']}", group=kind,
        properties=_properties({
            "cxgov:type": item.get("type"), "cxgov:provider": item.get("provider"), "cxgov:vendor": item.get("vendor"),
            "cxgov:region": item.get("region"), "cxgov:endpoint": item.get("endpoint"),
            "cxgov:replica_regions": item.get("replica_regions"), "cxgov:backup_regions": backup.get("regions"),
            "cxgov:retention_days": item.get("retention_days"), "cxgov:encryption_at_rest": item.get("encryption_at_rest"),
            "cxgov:redaction_enabled": item.get("redaction_enabled"), "cxgov:immutable": item.get("immutable"),
        }),
    )
    return component, data


def _models(view: BundleView, descriptor: dict[str, Any]):
    """ML model components (with model cards) and the dataset components their cards point at; the
    fields the library cannot set (modelCard, a dataset's data), by bom-ref."""
    from cyclonedx.model import HashAlgorithm, HashType
    from cyclonedx.model.component import Component, ComponentType

    models, datasets, cards = [], {}, {}
    snapshots = [s for s in view.of_kind("model-version") if isinstance(s.document, dict)]
    seen = set()
    for subject in snapshots:
        doc = subject.document
        name, version = str(doc.get("name")), str(doc.get("version"))
        seen.add((name, version))
        refs = []
        for item in model_datasets(doc):
            component, data = _dataset(item)
            if str(component.bom_ref) not in datasets:
                datasets[str(component.bom_ref)] = component
                if data:
                    cards[str(component.bom_ref)] = {"data": [data]}
            refs.append(str(component.bom_ref))
        digest = artifact_sha256(doc)
        models.append(Component(
            type=ComponentType.MACHINE_LEARNING_MODEL, name=name, version=version, bom_ref=subject.id,
            description=_text(doc.get("description")),
            hashes=[HashType(alg=HashAlgorithm.SHA_256, content=digest)] if digest else [],
            properties=_properties({
                "mlflow:status": doc.get("status"), "mlflow:run_id": doc.get("run_id"), "mlflow:source": doc.get("source"),
                "mlflow:aliases": doc.get("aliases"), "mlflow:tracking_uri": doc.get("tracking_uri"),
                "mlflow:creation_timestamp": doc.get("creation_timestamp"),
                "cxgov:evidence": view.evidence(subject.id),
            }),
        ))
        cards[subject.id] = {"modelCard": model_card(subject, refs)}
    for declared in descriptor.get("models") or []:
        if not isinstance(declared, dict) or not declared.get("name"):
            continue
        name, version = str(declared["name"]), _text(declared.get("version"))
        if (name, version) in seen:
            continue
        models.append(Component(
            type=ComponentType.MACHINE_LEARNING_MODEL, name=name, version=version,
            bom_ref=f"models:/{name}/{version or declared.get('alias') or 'unversioned'}",
            properties=_properties({"mlflow:alias": declared.get("alias"), "mlflow:tracking_uri": declared.get("tracking_uri"),
                                    "cxgov:model_card": "none: the bundle holds no MLflow snapshot of this version"}),
        ))
    return models, sorted(datasets.values(), key=lambda c: str(c.bom_ref)), cards


def _dataset(item: dict[str, Any]):
    """A dataset component (its MLflow digest as version: CycloneDX hashes need a full, named hash) and
    its `data` entry, which holds the source when it is a URL."""
    from cyclonedx.model.component import Component, ComponentType

    digest = str(item.get("digest") or "")
    source = _text(item.get("source"))
    is_url = isinstance(item.get("source"), str) and "://" in source
    component = Component(
        type=ComponentType.DATA, name=str(item["name"]), version=digest or None, group="dataset",
        bom_ref=f"dataset:{item['name']}@{digest or 'no-digest'}",
        properties=_properties({"mlflow:digest": digest, "mlflow:source": None if is_url else source,
                                "mlflow:source_type": item.get("source_type"), "mlflow:context": item.get("context"),
                                "mlflow:profile": item.get("profile")}),
    )
    data = {"type": "dataset", "name": str(item["name"]), "contents": {"url": source}} if is_url else None
    return component, data


def _properties(values: dict[str, Any]):
    """CycloneDX properties for the values that are set; lists joined, booleans as true/false."""
    from cyclonedx.model import Property

    out = []
    for name, value in values.items():
        if value is None or value == [] or value == "":
            continue
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        out.append(Property(name=name, value=_text(value)))
    return out


def _organisation(name: Any):
    from cyclonedx.model.contact import OrganizationalEntity

    return OrganizationalEntity(name=str(name)) if name else None


def _endpoints(urls):
    from cyclonedx.model import XsUri

    return [XsUri(str(u)) for u in urls if u]
