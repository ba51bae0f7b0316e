"""Model versions from a real MLflow server through `cxgov models check` and `cxgov check`.

The registry is seeded by model_registry/seed_registry.py: cx-intent-router version 1 meets every
rule, version 2 breaks every rule (and its registration is marked failed), cx-faq-ranker version 1
is limited risk with incomplete lineage; cx-answer-llm (the `genai` scenario) is registered from
MLflow 3 logged models and evaluated with mlflow.genai.evaluate.
"""

from __future__ import annotations

import json
import time

import pytest

from conftest import EVALUATION_DATE, ROOT, run_cxgov
from mlflow_fixtures import SLOW_SECONDS

MODEL_RULES = {"AIACT-10-01", "AIACT-10-02", "AIACT-11-01", "AIACT-13-15", "AIACT-15-01", "AIACT-15-02",
               "SOC2-CC8.1-01", "SOC2-CC8.1-02", "SOC2-CC8.1-03", "RES-011"}


def models_check(registry_uri, *refs, extra=()):
    return run_cxgov("models", "check", *refs, "--tracking-uri", registry_uri, "--evaluation-date", EVALUATION_DATE,
                     "-o", "json", *extra)


def findings(run):
    assert run.stderr == "", run.stderr
    return json.loads(run.stdout)["findings"]


@pytest.fixture(scope="module")
def both_versions(mlflow_registry):
    return models_check(mlflow_registry.uri, "cx-intent-router@production", "models:/cx-intent-router/2")


def test_compliant_version_passes_every_rule(both_versions):
    doc = json.loads(both_versions.stdout)
    assert [f for f in doc["findings"] if f["subject"] == "models:/cx-intent-router/1"] == []
    # every model-version rule judged it (a check per package), so "no finding" means "passed"
    judged = {c["namespace"] for c in doc["checks"] if c["subject"] == "models:/cx-intent-router/1"}
    assert len(judged) == len(MODEL_RULES)


def test_noncompliant_version_fails_every_rule(both_versions):
    assert both_versions.code == 1
    bad = [f for f in findings(both_versions) if f["subject"] == "models:/cx-intent-router/2"]
    assert {f["rule_id"] for f in bad} == MODEL_RULES
    assert {f["gate"] for f in bad} == {"deny"}  # high risk: every AI Act rule blocks
    assert all(f["location"] == {"file": "models:/cx-intent-router/2", "line": None} for f in bad)
    messages = {f["message"] for f in bad}
    assert "models:/cx-intent-router/2 was approved by its own author, jonas.weber@acme-shop.eu" in messages
    assert "models:/cx-intent-router/2: the Annex IV documentation is bound to version 1, not 2" in messages
    assert "models:/cx-intent-router/2 has registration status FAILED_REGISTRATION, not READY" in messages


def test_document_holds_the_registry_and_run_facts(mlflow_registry, tmp_path):
    from cxgov.sources.mlflow import MlflowSource

    source = MlflowSource(mlflow_registry.uri, ["cx-intent-router@production"])
    [subject] = list(source.subjects())
    doc = subject.document
    assert subject.kind == "model-version" and subject.id == "models:/cx-intent-router/1"
    assert subject.origin.file == "models:/cx-intent-router/1"
    assert doc["aliases"] == ["production"]
    assert doc["registered_model"]["aliases"] == {"challenger": "2", "production": "1"}
    assert doc["registered_model"]["tags"]["risk_class"] == "high"
    assert doc["tags"]["approved_by"] == "maria.keller@acme-shop.eu"
    assert doc["run"]["tags"]["mlflow.source.git.commit"] == "4f1c2e9a7b3d5c8e0f6a1b2c3d4e5f60718293a4"
    assert doc["run"]["metrics"]["accuracy"] == 0.934
    contexts = sorted(i["context"] for i in doc["run"]["inputs"])
    assert contexts == ["evaluation", "training"]
    assert all(i["digest"] and i["source"].startswith("https://") for i in doc["run"]["inputs"])
    assert doc["run"]["inputs"][0]["schema"] == {"mlflow_colspec": [{"name": "text", "type": "string"}]}
    assert doc["status"] == "READY" and doc["tracking_uri"] == mlflow_registry.uri
    evaluation = doc["genai_evaluation"]  # cxgov's tag style: a run tagged evaluated_model=models:/...
    assert evaluation["linked_by"] == ["tag"] and evaluation["date"] == "2026-10-15"
    assert evaluation["scorers"] == {"groundedness": {"mean": 0.93}, "safety": {"mean": 1.0}}
    assert evaluation["dataset"]["name"] == "cx-answers-golden"
    assert evaluation["dataset"]["source"].startswith("https://")
    assert doc["logged_model"] is None  # registered from an s3:// source, not a logged model
    # batched: one search, one registered-model read, one experiments search, one runs search, and one
    # search for evaluation runs tagged with a version of the model
    assert source.calls == 5


def test_a_logged_models_flavors_and_signature_come_from_its_mlmodel_file(mlflow_registry, monkeypatch):
    """MLflow 3 keeps a logged model's flavors and signature only in its MLmodel file: a version
    registered from one carries them, read through the server's artifact proxy; a damaged file is
    exit 2 naming the version, never a version without them."""
    import mlflow
    import pandas as pd
    from mlflow.models import infer_signature

    from cxgov.sources.mlflow import MlflowSource

    class Echo(mlflow.pyfunc.PythonModel):
        def predict(self, context, model_input):
            return model_input

    # through the environment, which monkeypatch restores: mlflow.set_tracking_uri would also leave
    # MLFLOW_TRACKING_URI set for every later cxgov subprocess
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_registry.uri)
    experiment = mlflow.MlflowClient(mlflow_registry.uri).create_experiment("signature-test")
    frame = pd.DataFrame({"text": ["Where is my parcel?"]})
    with mlflow.start_run(experiment_id=experiment):
        info = mlflow.pyfunc.log_model(name="router", python_model=Echo(), signature=infer_signature(frame, frame),
                                       registered_model_name="signature-test-router")
    source = MlflowSource(mlflow_registry.uri, ["signature-test-router/1"])
    [subject] = list(source.subjects())
    model = subject.document["model"]
    assert model["read_from"] == "MLmodel" and model["model_id"] == info.model_id
    assert model["flavors"]["python_function"]["loader_module"] == "mlflow.pyfunc.model"
    assert json.loads(model["signature"]["inputs"]) == [{"type": "string", "name": "text", "required": True}]
    assert subject.document["logged_model"]["model_id"] == info.model_id
    # the five batched reads, the logged-model search and the MLmodel file
    assert source.calls == 7

    [mlmodel] = (mlflow_registry.server.workdir / "artifacts").glob(f"*/models/{info.model_id}/artifacts/MLmodel")
    intact = mlmodel.read_text()
    mlmodel.write_text("flavors: [python_function\n")
    try:
        run = models_check(mlflow_registry.uri, "signature-test-router/1")
    finally:
        mlmodel.write_text(intact)
    assert run.code == 2 and run.stdout == ""
    assert run.error_lines[-1].startswith("cxgov: error: models:/signature-test-router/1: the MLmodel file of the logged "
                                          "model at mlflow-artifacts:/")


def test_filter_selects_every_matching_version(mlflow_registry):
    run = models_check(mlflow_registry.uri, extra=("--filter", "name LIKE 'cx-%'"))
    doc = json.loads(run.stdout)
    assert {s["id"] for s in doc["subjects"]} == {"models:/cx-intent-router/1", "models:/cx-intent-router/2",
                                                  "models:/cx-faq-ranker/1", "models:/cx-answer-llm/1",
                                                  "models:/cx-answer-llm/2"}


def test_every_page_is_read(mlflow_registry):
    from cxgov.sources.mlflow import MlflowSource

    def read(page_size):
        source = MlflowSource(mlflow_registry.uri, ["cx-intent-router/1"], filters=["name LIKE 'cx-%'"],
                              page_size=page_size)
        return {s.id: s.document for s in source.subjects()}, source.calls

    whole, calls = read(1000)
    paged, paged_calls = read(1)
    assert paged == whole and len(whole) == 5
    assert paged_calls > calls  # one version (or experiment, or run) per page


def test_limited_risk_lineage_gap_warns_and_passes_the_gate(mlflow_registry):
    run = models_check(mlflow_registry.uri, "cx-faq-ranker@production")
    got = [(f["rule_id"], f["gate"]) for f in findings(run)]
    assert got == [("AIACT-10-01", "warn")]
    assert run.code == 0


def test_alias_moved_to_an_unapproved_version_fails(mlflow_registry, tmp_path):
    descriptor = tmp_path / "cxgov.yaml"
    descriptor.write_text(
        "apiVersion: cxgov.io/v1\nkind: AISystem\nmetadata:\n  name: cx\n"
        "release:\n  image_digest: sha256:27aa9f94c9d92c3c756f50159445058681c2fa10b9ae63e92d81991f478ea815\n"
        "models:\n  - name: cx-intent-router\n    version: \"1\"\n    alias: production\n"
        f"    tracking_uri: {mlflow_registry.uri}\n")
    args = ("check", "cxgov.yaml", "--evaluation-date", EVALUATION_DATE, "-o", "json")

    def cc8(run):
        return sorted((f["rule_id"], f["subject"], f["message"]) for f in findings(run)
                      if f["rule_id"].startswith("SOC2-CC8.1"))

    assert cc8(run_cxgov(*args, cwd=tmp_path)) == []
    mlflow_registry.move_alias("cx-intent-router", "production", "2")
    try:
        moved = run_cxgov(*args, cwd=tmp_path)
    finally:
        mlflow_registry.move_alias("cx-intent-router", "production", "1")
    got = cc8(moved)
    assert ("SOC2-CC8.1-02", "system:cx",
            "model cx-intent-router: the descriptor deploys version 1 but alias production points to version 2") in got
    assert ("SOC2-CC8.1-01", "models:/cx-intent-router/2",
            "models:/cx-intent-router/2 is not approved (approval_status is pending)") in got
    assert moved.code == 1
    line = next(f["location"]["line"] for f in findings(moved) if f["subject"] == "system:cx"
                and f["rule_id"] == "SOC2-CC8.1-02")
    assert line == 9  # models[0].version in the descriptor


def test_no_models_is_reported_and_never_a_silent_pass(mlflow_registry, tmp_path):
    (tmp_path / "cxgov.yaml").write_text(
        "apiVersion: cxgov.io/v1\nkind: AISystem\nmetadata:\n  name: cx\nrelease:\n  image_digest: sha256:ab\n"
        "models:\n  - name: cx-intent-router\n    version: \"1\"\n    tracking_uri: http://127.0.0.1:9\n")
    run = run_cxgov("check", "cxgov.yaml", "--no-models", "--evaluation-date", EVALUATION_DATE, "-o", "json",
                    cwd=tmp_path)
    assert "--no-models" in run.stderr and "not read from the registry" in run.stderr
    doc = json.loads(run.stdout)
    unverified = [f["message"] for f in doc["findings"] if f["rule_id"] == "SOC2-CC8.1-02"]
    assert unverified == ["model cx-intent-router was not read from the model registry, so the deployed version "
                          "is unverified"]
    assert run.code == 1


def test_tracking_uri_flag_overrides_the_descriptor(mlflow_registry, tmp_path):
    (tmp_path / "cxgov.yaml").write_text(
        "apiVersion: cxgov.io/v1\nkind: AISystem\nmetadata:\n  name: cx\n"
        "models:\n  - name: cx-faq-ranker\n    version: \"1\"\n    tracking_uri: https://mlflow.unreachable.invalid\n")
    run = run_cxgov("check", "cxgov.yaml", "--tracking-uri", mlflow_registry.uri, "--evaluation-date",
                    EVALUATION_DATE, "-o", "json", cwd=tmp_path)
    doc = json.loads(run.stdout)
    assert "models:/cx-faq-ranker/1" in {s["id"] for s in doc["subjects"]}, run.stderr


# ---- faults: each is exit 2 with a message naming the URI and the reference


def test_unknown_model_is_an_error(mlflow_registry):
    run = models_check(mlflow_registry.uri, "no-such-model@production")
    assert run.code == 2
    assert run.error_lines[-1].startswith("cxgov: error: no-such-model@production: not found in the MLflow registry at "
                                          + mlflow_registry.uri)


def test_unknown_alias_is_an_error(mlflow_registry):
    run = models_check(mlflow_registry.uri, "cx-intent-router@staging")
    assert run.code == 2
    assert (f"cx-intent-router@staging: model cx-intent-router has no alias staging in the MLflow registry at "
            f"{mlflow_registry.uri} (aliases: challenger -> 2, production -> 1)") in run.stderr


def test_unknown_version_is_an_error(mlflow_registry):
    run = models_check(mlflow_registry.uri, "models:/cx-intent-router/99")
    assert run.code == 2
    assert "model cx-intent-router has no version 99" in run.stderr


def test_server_not_running_is_an_error():
    from local_server import free_port

    uri = f"http://127.0.0.1:{free_port()}"
    run = models_check(uri, "cx-intent-router@production", extra=("--mlflow-retries", "1"))
    assert run.code == 2
    assert (f"cxgov: error: cx-intent-router@production: cannot read the MLflow registry at {uri}: "
            "connection refused (after 1 retries)") in run.stderr
    assert "is the tracking server running and reachable?" in run.stderr


def test_server_answering_500_is_retried_then_an_error(misbehaving_server):
    uri, requests = misbehaving_server("500")
    run = models_check(uri, "cx-intent-router@production", extra=("--mlflow-retries", "2"))
    assert run.code == 2
    assert f"the MLflow registry at {uri} answered HTTP 500: database is locked" in run.stderr
    assert len(requests) == 3  # the first try and two retries


def test_mlflow_auth_variables_are_sent(misbehaving_server):
    uri, requests = misbehaving_server("500")
    run = run_cxgov("models", "check", "cx-intent-router@production", "--tracking-uri", uri, "--mlflow-retries", "0",
                    env={"MLFLOW_TRACKING_TOKEN": "s3cret"})
    assert run.code == 2
    assert requests == [("/api/2.0/mlflow/model-versions/search?filter=name+IN+%28%27cx-intent-router%27%29"
                         "&max_results=1000", "Bearer s3cret")]


def test_slow_server_hits_the_timeout(misbehaving_server):
    uri, _ = misbehaving_server("slow")
    started = time.monotonic()
    run = models_check(uri, "cx-intent-router@production", extra=("--mlflow-timeout", "0.5", "--mlflow-retries", "0"))
    assert run.code == 2
    assert "timed out" in run.stderr
    assert time.monotonic() - started < SLOW_SECONDS / 2  # an error, long before the server would answer


def test_bad_reference_is_a_usage_error():
    run = run_cxgov("models", "check", "cx-intent-router", "--tracking-uri", "http://127.0.0.1:9")
    assert run.code == 2
    assert "not a model reference: 'cx-intent-router'" in run.stderr




def test_contract_schema_accepts_the_compliant_version_and_rejects_the_other(mlflow_registry):
    import jsonschema

    from cxgov.sources.mlflow import MlflowSource

    schema = json.loads((ROOT / "model_registry" / "model-version.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    refs = ["cx-intent-router/1", "cx-intent-router/2", "cx-answer-llm/1"]
    docs = {s.id: s.document for s in MlflowSource(mlflow_registry.uri, refs).subjects()}
    assert list(validator.iter_errors(docs["models:/cx-intent-router/1"])) == []
    assert list(validator.iter_errors(docs["models:/cx-answer-llm/1"])) == []  # MLflow 3 style: logged model
    untested = dict(docs["models:/cx-intent-router/1"], genai_evaluation=None)  # high risk, never evaluated
    assert {"/".join(map(str, e.absolute_path)) for e in validator.iter_errors(untested)} == {"genai_evaluation"}
    problems = {"/".join(map(str, e.absolute_path)) for e in validator.iter_errors(docs["models:/cx-intent-router/2"])}
    assert {"status", "tags/approval_status", "tags", "run/tags/mlflow.source.git.commit"} <= problems


@pytest.mark.parametrize("text, expected", [
    ("cx-router@production", ("cx-router", None, "production")),
    ("cx-router/7", ("cx-router", "7", None)),
    ("models:/cx-router/7", ("cx-router", "7", None)),
    ("models:/cx-router@champion", ("cx-router", None, "champion")),
])
def test_reference_forms(text, expected):
    from cxgov.sources.mlflow import parse_reference

    ref = parse_reference(text)
    assert (ref.name, ref.version, ref.alias) == expected


@pytest.mark.parametrize("text", ["cx-router", "cx-router/latest", "models:/cx-router", "runs:/abc/model", "a@b@c"])
def test_malformed_references_are_usage_errors(text):
    from cxgov.errors import UsageError
    from cxgov.sources.mlflow import parse_reference

    with pytest.raises(UsageError, match="not a model reference"):
        parse_reference(text)
