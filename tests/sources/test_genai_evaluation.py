"""GenAI evaluations as the accuracy and hallucination evidence (AIACT-15-01), in a sqlite store the test seeds.

Every evaluation is a real `mlflow.genai.evaluate` run on a tiny local golden dataset with
deterministic local scorers (model_registry/genai_evaluation.py: no network, no LLM judge), linked
to the logged model each version was registered from. `cx-answer-hr` is high risk, so the version
itself must carry a recent evaluation meeting its thresholds; `cx-answer-llm` (the `genai` seed
scenario) is limited risk, and its descriptor marks it customer-facing generative.
"""

from __future__ import annotations

import json

import pytest

from conftest import EVALUATION_DATE, run_cxgov
from mlflow_fixtures import seed_registry

HIGH_RISK = "cx-answer-hr"
STALE_DAY = "2026-05-01"  # 205 days before the evaluation date; the limit is 90


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """sqlite:/// URI of a store holding cx-answer-llm 1-2 and cx-answer-hr 1 (grounded, recent),
    2 (hallucinating, recent), 3 (grounded, stale) and 4 (never evaluated)."""
    path = tmp_path_factory.mktemp("genai-store") / "mlflow.db"
    uri = f"sqlite:///{path}"
    seed_registry.seed(uri, "genai")
    s = seed_registry.Seeder(uri)
    exp = s.experiment("cx-answer-hr")
    s.model(HIGH_RISK, {"owner": "cx-ml", "risk_class": "high"}, "High-risk answerer")
    for spec in (seed_registry.answerer(risk_class="high", name=HIGH_RISK),
                 seed_registry.answerer(risk_class="high", name=HIGH_RISK, hallucinating=True),
                 seed_registry.answerer(risk_class="high", name=HIGH_RISK, day=STALE_DAY),
                 seed_registry.answerer(risk_class="high", name=HIGH_RISK, day=None)):
        s.answerer_version(HIGH_RISK, exp, spec)
    return uri


def check(uri, *refs, extra=()):
    run = run_cxgov("models", "check", *refs, "--tracking-uri", uri, "--evaluation-date", EVALUATION_DATE,
                    "-o", "json", *extra)
    assert run.stderr == "", run.stderr
    return run, json.loads(run.stdout)["findings"]


def groundedness_findings(findings, version):
    return [(f["gate"], f["message"]) for f in findings
            if f["rule_id"] == "AIACT-15-01" and f["subject"] == f"models:/{HIGH_RISK}/{version}"]


def test_meeting_the_thresholds_passes(store):
    run, findings = check(store, f"{HIGH_RISK}/1")
    assert findings == [] and run.code == 0  # every model-version rule, AIACT-15-01 included


def test_groundedness_below_the_threshold_is_a_deny(store):
    run, findings = check(store, f"{HIGH_RISK}/2")
    [(gate, message)] = groundedness_findings(findings, 2)
    assert gate == "deny" and run.code == 1
    assert message.startswith(f"models:/{HIGH_RISK}/2: groundedness is 0.5 in its GenAI evaluation (run ")
    assert message.endswith(", 2026-10-15), which misses its threshold >= 0.85")


def test_an_evaluation_older_than_the_limit_is_a_deny(store):
    run, findings = check(store, f"{HIGH_RISK}/3")
    [(gate, message)] = groundedness_findings(findings, 3)
    assert gate == "deny" and run.code == 1
    assert message.endswith(f", {STALE_DAY}) is 205 days old (at most 90)")


def test_no_evaluation_at_all_is_a_deny(store):
    run, findings = check(store, f"{HIGH_RISK}/4")
    assert groundedness_findings(findings, 4) == [(
        "deny", f"models:/{HIGH_RISK}/4 has no GenAI evaluation: no mlflow.genai.evaluate run is linked to its "
                f"logged model and no run is tagged evaluated_model=models:/{HIGH_RISK}/4")]
    assert run.code == 1


def test_the_evaluation_limit_comes_from_the_data(store, tmp_path):
    limit = tmp_path / "limit.json"
    limit.write_text(json.dumps({"cxgov": {"config": {"thresholds": {"evaluation_max_days": 365}}}}))
    run, findings = check(store, f"{HIGH_RISK}/3", extra=("-d", str(limit)))
    assert groundedness_findings(findings, 3) == [] and run.code == 0


def test_the_document_carries_the_logged_model_and_its_newest_evaluation(store):
    from cxgov.sources.mlflow import MlflowSource

    docs = {s.id: s.document for s in MlflowSource(store, [f"{HIGH_RISK}/1", f"{HIGH_RISK}/4"]).subjects()}
    doc = docs[f"models:/{HIGH_RISK}/1"]
    logged = doc["logged_model"]
    assert doc["model_id"] == logged["model_id"] and doc["source"] == f"models:/{logged['model_id']}"
    assert logged["params"]["base_model"].startswith("azure-openai/")
    assert logged["metrics"]["resolution_rate"] == 0.86
    assert logged["metric_origins"]["resolution_rate"]["run_id"] == doc["run_id"]  # logged by the source run
    evaluation = doc["genai_evaluation"]
    assert evaluation["linked_by"] == ["logged_model"] and evaluation["status"] == "FINISHED"
    assert evaluation["date"] == "2026-10-15"
    assert evaluation["scorers"] == {"groundedness": {"mean": 1.0}, "safety": {"mean": 1.0}}
    assert evaluation["dataset"]["name"] == "cx-answers-golden"
    assert evaluation["dataset"]["source_type"] == "mlflow_evaluation_dataset"
    assert evaluation["dataset"]["source"].startswith("d-") and evaluation["dataset"]["digest"]
    # the golden set is linked to the logged model through the evaluation's metrics, as evaluation data
    assert [(d["name"], d["context"], d["run_id"]) for d in logged["datasets"]] == [
        ("cx-answers-golden", "evaluation", evaluation["run_id"])]
    assert docs[f"models:/{HIGH_RISK}/4"]["genai_evaluation"] is None


DESCRIPTOR = """\
apiVersion: cxgov.io/v1
kind: AISystem
metadata:
  name: answers
models:
  - name: cx-answer-llm
    version: "{version}"
    alias: {alias}
    tracking_uri: {uri}
genai:
  outputs:
    - modality: text
      marking: metadata
  customer_facing: true
  models: [cx-answer-llm]
  evaluation:
    thresholds:
      groundedness: ">=0.9"
      safety: ">=0.99"
"""


@pytest.mark.parametrize("version, alias", [("1", "production"), ("2", "challenger")])
def test_a_customer_facing_model_meets_the_descriptors_thresholds(store, tmp_path, version, alias):
    """cx-answer-llm is limited risk: the descriptor's genai section makes its evaluation required and
    adds the deployer's threshold (0.9, above the version's own 0.85); `cxgov check` reads the store
    the descriptor names."""
    (tmp_path / "cxgov.yaml").write_text(DESCRIPTOR.format(version=version, alias=alias, uri=store))
    run = run_cxgov("check", "cxgov.yaml", "--evaluation-date", EVALUATION_DATE, "-o", "json", cwd=tmp_path)
    assert run.stderr == "", run.stderr
    doc = json.loads(run.stdout)
    assert f"models:/cx-answer-llm/{version}" in {s["id"] for s in doc["subjects"]}
    got = sorted((f["subject"], f["gate"], f["message"], f["location"]["line"]) for f in doc["findings"]
                 if f["rule_id"] == "AIACT-15-01")
    if version == "1":
        assert got == []
        return
    # the version's own level at the model entry (line 6), the deployer's at genai.evaluation.thresholds
    prefix = "models:/cx-answer-llm/2: groundedness is 0.5 in its GenAI evaluation (run "
    assert all(subject == "system:answers" and gate == "deny" and m.startswith(prefix) for subject, gate, m, _ in got)
    assert {(m.rpartition("), ")[2], line) for _, _, m, line in got} == {
        ("which misses its threshold >= 0.85", 6), ("which misses the descriptor's threshold >= 0.9", 18)}
    assert run.code == 1


def test_the_newest_finished_evaluation_is_the_evidence():
    """A failed evaluation does not hide an older finished one, a deleted one is no evidence, and a
    version whose only evaluation failed keeps it, so the rule reports the failure."""
    from cxgov.sources.mlflow_documents import evaluation_document

    def run(run_id, start, status="FINISHED", stage="active"):
        return {"info": {"run_id": run_id, "start_time": start, "status": status, "lifecycle_stage": stage},
                "data": {"metrics": [{"key": "groundedness/mean", "value": 0.9}, {"key": "groundedness/p10",
                                                                                  "value": 0.5}]}}

    doc = evaluation_document("models:/m/1", [run("a", 1), run("b", 3, status="FAILED")],
                              [run("c", 2), run("d", 4, stage="deleted"), run("a", 1)])
    assert (doc["run_id"], doc["linked_by"], doc["evaluations_found"]) == ("c", ["tag"], 3)
    assert doc["scorers"] == {"groundedness": {"mean": 0.9, "p10": 0.5}}
    assert evaluation_document("models:/m/1", [run("b", 3, status="FAILED")], [])["status"] == "FAILED"
    assert evaluation_document("models:/m/1", [], [run("d", 4, stage="deleted")]) is None
