"""The CycloneDX model card in its own fields: parameters, datasets with digests, metrics, intended use
and fairness, filled from the registry document and validated against the CycloneDX 1.6 schema."""

from __future__ import annotations

import copy
import dataclasses
import json

from evidence_support import ROUTER, cached_view, model_version

ARTIFACT = "a3f1" * 16


def rich_router():
    """The acme router version with what a fuller registry entry adds: a learning approach, a task,
    an MLflow 3 logged model (its own metric and parameter), the artifact's sha256 and a second bias
    dimension that was declared but not measured."""
    subject = model_version("acme-cx-intent-router", "14")
    doc = copy.deepcopy(subject.document)
    doc["tags"].update({"approach": "supervised", "task": "text-classification", "bias_dimensions": "locale,age_band",
                        "bias_threshold.age_band": "0.05", "artifact_sha256": ARTIFACT})
    doc["logged_model"] = {"model_id": "m-1f2e", "params": {"max_seq_length": "128"},
                           "metrics": {"accuracy": 0.5, "latency_p95_ms": 41.0},
                           "datasets": [{"name": "cx-intents-latency", "digest": "77aa01", "source": "d-314",
                                         "source_type": "mlflow", "context": "evaluation"}]}
    return dataclasses.replace(subject, document=doc)


def sbom_with(subject):
    from cxgov.evidence.sbom import build_sbom

    view = cached_view("noncompliant")
    subjects = [subject if s.id == subject.id else s for s in view.subjects]
    return build_sbom(dataclasses.replace(view, subjects=subjects))


def schema_errors(sbom) -> list[str]:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(sbom), all_errors=True)
    return [str(e) for e in errors or ()]


def props(item) -> dict[str, str]:
    return {p["name"]: p["value"] for p in item.get("properties", [])}


def test_the_model_card_holds_the_registry_in_its_fields_and_validates_against_1_6():
    subject = rich_router()
    sbom = sbom_with(subject)
    assert schema_errors(sbom) == []
    components = {c["bom-ref"]: c for c in sbom["components"]}
    router = components[ROUTER]
    assert router["hashes"] == [{"alg": "SHA-256", "content": ARTIFACT}]
    card = router["modelCard"]
    parameters = card["modelParameters"]
    assert parameters["approach"] == {"type": "supervised"} and parameters["task"] == "text-classification"
    assert parameters["inputs"] == [{"format": "utterance: string"}]
    assert parameters["outputs"] == [{"format": "intent: string"}]
    # every dataset the registry links (run inputs, the logged model's, the evaluation's) with its digest
    datasets = [components[d["ref"]] for d in parameters["datasets"]]
    assert [(d["name"], d["version"]) for d in datasets] == [
        ("cx-intents-train-2026-10", "41d8cd98f00b204e"), ("cx-intents-eval-2026-10", "9f2c1e7a5b3d8c10"),
        ("cx-intents-latency", "77aa01")]
    assert datasets[0]["data"] == [{"type": "dataset", "name": "cx-intents-train-2026-10", "contents": {
        "url": "https://acme-ml-datasets.s3.eu-central-1.amazonaws.com/intents/train-2026-10.parquet"}}]
    assert props(datasets[2])["mlflow:source"] == "d-314" and "data" not in datasets[2]  # not a URL
    # each metric once: the run's accuracy wins over the logged model's, which adds its latency
    metrics = {m["type"]: m["value"] for m in card["quantitativeAnalysis"]["performanceMetrics"]}
    assert metrics == {"accuracy": "0.947", "macro_f1": "0.912", "bias.locale": "0.017",
                       "redteam.injection_success_rate": "0.011", "latency_p95_ms": "41.0",
                       "groundedness/mean": "0.93", "safety/mean": "1.0"}
    considerations = card["considerations"]
    assert considerations["useCases"] == ["Route customer-service messages to an intent"]
    assert considerations["fairnessAssessments"] == [
        {"groupAtRisk": "customers grouped by age_band",
         "harms": "unequal performance across age_band groups; not measured (no bias.age_band metric), "
                  "at most 0.05 allowed (bias_threshold.age_band)"},
        {"groupAtRisk": "customers grouped by locale",
         "harms": "unequal performance across locale groups; measured disparity 0.017 (bias.locale), "
                  "at most 0.05 allowed (bias_threshold.locale): within the limit"}]
    # properties hold only what has no field: thresholds, approvals, parameters, other tags
    card_props = props(card)
    assert card_props["cxgov:threshold:accuracy"] == ">=0.90" and card_props["cxgov:threshold:safety"] == ">=0.99"
    assert card_props["cxgov:approval_status"] == "approved" and card_props["cxgov:approval_ticket"] == "ML-482"
    assert card_props["mlflow:param:max_seq_length"] == "128" and card_props["mlflow:param:epochs"] == "4"
    assert card_props["mlflow:tag:risk_class"] == "high"
    fielded = ("intended_purpose", "task", "approach", "bias_dimensions", "bias_threshold.", "threshold.",
               "artifact_sha256", "approved_by")
    assert not [n for n in card_props if n.startswith("mlflow:tag:") and n[len("mlflow:tag:"):].startswith(fielded)]


def test_an_exceeded_bias_limit_and_an_unknown_approach_are_said_as_they_are():
    subject = rich_router()
    doc = copy.deepcopy(subject.document)
    doc["run"]["metrics"]["bias.locale"] = 0.12
    doc["tags"]["approach"] = "guesswork"  # not a CycloneDX learning type: left out, kept as the tag says
    del doc["tags"]["artifact_sha256"]
    sbom = sbom_with(dataclasses.replace(subject, document=doc))
    assert schema_errors(sbom) == []
    router = next(c for c in sbom["components"] if c["bom-ref"] == ROUTER)
    assert "hashes" not in router
    card = router["modelCard"]
    assert "approach" not in card["modelParameters"]
    assert props(card)["mlflow:tag:approach"] == "guesswork"
    locale = card["considerations"]["fairnessAssessments"][1]
    assert locale["harms"].endswith("(bias_threshold.locale): EXCEEDS the limit")


def test_the_schema_check_catches_a_threshold_put_where_it_does_not_belong():
    sbom = sbom_with(rich_router())
    card = next(c for c in sbom["components"] if c["bom-ref"] == ROUTER)["modelCard"]
    card["quantitativeAnalysis"]["performanceMetrics"][0]["threshold"] = ">=0.90"
    assert any("threshold" in e for e in schema_errors(sbom))
