"""sbom.cdx.json: CycloneDX 1.6 of the audited acme-cx, validated against the schema the library ships."""

from __future__ import annotations

import copy
import dataclasses
import json

from cxgov.evidence.sbom import build_sbom, validate_sbom
from evidence_support import ROUTER, TRIAGE, cached_view


def by_ref(items):
    return {i["bom-ref"]: i for i in items}


def props(item):
    return {p["name"]: p["value"] for p in item.get("properties", [])}


def test_noncompliant_sbom_is_valid_cyclonedx_1_6():
    sbom = build_sbom(cached_view("noncompliant"))
    assert sbom["specVersion"] == "1.6" and sbom["bomFormat"] == "CycloneDX"
    assert validate_sbom(sbom) == []


def test_the_validator_rejects_what_the_schema_forbids():
    sbom = build_sbom(cached_view("noncompliant"))
    broken = copy.deepcopy(sbom)
    card = next(c for c in broken["components"] if c["type"] == "machine-learning-model" and "modelCard" in c)
    card["modelCard"]["modelParameters"]["approach"] = {"type": "guesswork"}
    assert validate_sbom(broken)
    broken = copy.deepcopy(sbom)
    next(c for c in broken["components"] if "data" in c)["data"][0]["type"] = "spreadsheet"
    assert validate_sbom(broken)


def test_services_and_ai_providers_come_from_the_descriptor():
    view = cached_view("noncompliant")
    sbom = build_sbom(view)
    services = by_ref(sbom["services"])
    assert set(services) == {"service:chat-api", "service:retrieval", "service:agent-assist",
                             "ai-provider:azure-openai-chat", "ai-provider:bedrock-agent-assist"}
    chat = services["service:chat-api"]
    assert chat["endpoints"] == ["https://chat.acme-shop.eu/api/v1"]
    assert props(chat)["cxgov:region"] == "eu-central-1"
    assert chat["data"] == [{"flow": "bi-directional", "classification": "personal data"}]
    azure = services["ai-provider:azure-openai-chat"]
    assert azure["x-trust-boundary"] is True and azure["provider"]["name"] == "Microsoft Ireland Operations Ltd"
    assert props(azure)["cxgov:routing_mode"] == "GlobalStandard"  # what RES-006 flagged, on the record


def test_data_stores_and_log_sinks_carry_classification_and_region():
    components = by_ref(build_sbom(cached_view("noncompliant"))["components"])
    sessions = components["data-store:acme-cx-sessions"]
    assert sessions["type"] == "data"
    assert props(sessions)["cxgov:region"] == "eu-centrl-1"  # the mistyped region, as declared
    [data] = sessions["data"]
    assert data["type"] == "dataset" and data["classification"] == "confidential"
    assert data["sensitiveData"] == ["personal data"]
    analytics = components["log-sink:product-analytics"]
    assert props(analytics)["cxgov:endpoint"] == "https://api.mixpanel.com"
    assert analytics["data"][0]["governance"]["custodians"][0]["organization"]["name"] == "Mixpanel, Inc."
    assert {r for r in components if r.startswith(("data-store:", "log-sink:"))} == {
        "data-store:acme-cx-transcripts", "data-store:acme-cx-sessions", "data-store:acme-cx-kb",
        "log-sink:ai-events", "log-sink:audit", "log-sink:app-logs", "log-sink:product-analytics"}


def test_models_have_model_cards_from_their_mlflow_snapshots():
    view = cached_view("noncompliant")
    components = by_ref(build_sbom(view)["components"])
    router_doc = next(s.document for s in view.subjects if s.id == ROUTER)
    router = components[ROUTER]
    assert router["type"] == "machine-learning-model" and router["version"] == "14"
    card = router["modelCard"]
    # datasets are components of their own, referenced by the card, with their MLflow digests
    refs = [d["ref"] for d in card["modelParameters"]["datasets"]]
    digests = [props(components[r])["mlflow:digest"] for r in refs]
    assert digests == [i["digest"] for i in router_doc["run"]["inputs"]]
    assert [props(components[r])["mlflow:context"] for r in refs] == ["training", "evaluation"]
    metrics = {m["type"]: m["value"] for m in card["quantitativeAnalysis"]["performanceMetrics"]}
    # each metric once: the run's value, else the GenAI evaluation's
    expected = {**router_doc["genai_evaluation"]["metrics"], **router_doc["run"]["metrics"]}
    assert metrics == {k: str(v) for k, v in expected.items()}
    approval = props(card)
    assert approval["cxgov:approved_by"] == "miriam.kraus@acme-shop.eu"
    assert approval["cxgov:approval_ticket"] == "ML-482"
    assert approval["cxgov:author"] == "tobias.richter@acme-shop.eu"
    assert approval["mlflow:param:base_model"] == "xlm-roberta-base"
    assert props(router)["mlflow:aliases"] == "production"
    triage = components[TRIAGE]["modelCard"]["modelParameters"]["datasets"]
    assert [props(components[d["ref"]])["mlflow:context"] for d in triage] == ["evaluation"]


def test_a_declared_model_without_snapshot_is_listed_without_a_card():
    sbom = build_sbom(cached_view("compliant"))  # this audit read no registry
    assert validate_sbom(sbom) == []
    [model] = [c for c in sbom["components"] if c["type"] == "machine-learning-model"]
    assert model["name"] == "acme-cx-intent-router" and "modelCard" not in model
    assert props(model)["cxgov:model_card"].startswith("none")


def test_same_view_same_bytes_and_the_serial_follows_the_content():
    view = cached_view("noncompliant")
    first = json.dumps(build_sbom(view), sort_keys=True)
    assert json.dumps(build_sbom(view), sort_keys=True) == first
    sbom = json.loads(first)
    assert sbom["metadata"]["timestamp"] == "2026-11-22T09:30:00+00:00"
    later = build_sbom(dataclasses.replace(view, created="2026-11-23T08:00:00Z"))
    assert later["serialNumber"] != sbom["serialNumber"]
    assert later["metadata"]["timestamp"] == "2026-11-23T08:00:00+00:00"
    assert sbom["metadata"]["component"]["version"] == "2026.11.2"
