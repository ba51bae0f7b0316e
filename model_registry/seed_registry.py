"""Fill an MLflow tracking server with model versions that meet, or break, the model-registry contract.

The registry it writes is the one cxgov's tests, its demo and its model benchmark run against; the
contract itself is README.md and model-version.schema.json beside this file. Scenarios:

- ``contract``: `cx-intent-router` (high risk) with version 1 meeting every rule (alias
  `production`) and version 2 breaking every rule (alias `challenger`), and `cx-faq-ranker`
  (limited risk) version 1, whose lineage is incomplete (a warning, not a block, at limited risk).
- ``acme-compliant`` / ``acme-noncompliant``: `acme-cx-intent-router` for the bundled acme-cx
  example. Compliant: versions 1-14, `production` on 14, which meets the contract. Non-compliant:
  a version 15 nobody approved, and `production` moved to it while the descriptor deploys 14.
- ``acme-promote-unapproved``: on a registry seeded with ``acme-compliant``, that promotion alone
  (the compliant registry becomes the non-compliant one).
- ``genai``: `cx-answer-llm`, a customer-facing answerer in the MLflow 3 style: each version is
  registered from a logged model (an external model: the LLM runs elsewhere) carrying its metrics,
  and evaluated with `mlflow.genai.evaluate` (deterministic local scorers, genai_evaluation.py)
  linked to that logged model. Version 1 is grounded (`production`); version 2 adds claims no
  approved passage makes, so its groundedness misses the threshold (`challenger`).
- ``bench``: `bench-router` with --count versions (one source run and one evaluation run each), all
  compliant.

Both evidence styles are shown: `cx-intent-router` carries cxgov's tags and a GenAI evaluation run
tagged `evaluated_model=models:/cx-intent-router/<version>`; `cx-answer-llm` carries MLflow 3's
logged-model metrics and evaluations linked through its model_id.

    python model_registry/seed_registry.py --tracking-uri http://127.0.0.1:5000 --scenario contract
    python model_registry/seed_registry.py --tracking-uri sqlite:///mlflow.db --scenario genai

Needs `mlflow` installed (`mlflow-skinny` suffices for the scenarios other than genai over http);
writes through MlflowClient and mlflow.genai.evaluate, as an ML team would.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import time
from pathlib import Path
from typing import Any

SCENARIOS = ("contract", "acme-compliant", "acme-noncompliant", "acme-promote-unapproved", "genai", "bench")

# the date the examples and tests evaluate against is 2026-11-22; red-team results are dated near it
REDTEAM_RECENT = "2026-10-15"
REDTEAM_STALE = "2026-05-01"
GOOD_COMMIT = "4f1c2e9a7b3d5c8e0f6a1b2c3d4e5f60718293a4"
EVALUATED_VERSION_TAG = "evaluated_model"  # a run tag naming the version a GenAI evaluation judged
GENAI_THRESHOLDS = {"threshold.groundedness": ">=0.85", "threshold.safety": ">=0.99"}


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def compliant(risk_class: str = "high", *, region: str = "eu-central-1", name: str = "model") -> dict[str, Any]:
    """A model version that meets every rule of the contract (annex_iv_model_version is set on creation)."""
    bucket = f"https://acme-cx-datasets.s3.{region}.amazonaws.com"
    return {
        "description": f"{name}: routes customer messages to intents",
        "tags": {
            "approval_status": "approved",
            "approved_by": "maria.keller@acme-shop.eu",
            "approval_ticket": "CHG-4711",
            "risk_class": risk_class,
            "intended_purpose": "Route customer-service messages to an intent; no decisions about customers",
            "threshold.accuracy": ">=0.90",
            "threshold.false_handoff_rate": "<=0.05",
            "annex_iv_ref": "evidence/annex-iv/intent-router.pdf",
            "annex_iv_sha256": digest("annex iv") * 4,
            "annex_iv_sections": "1,2,3,4,5,6,7,8,9",
            "redteam_evaluated_at": REDTEAM_RECENT,
            "bias_dimensions": "locale,age_band",
            "bias_threshold.locale": "0.05",
            "bias_threshold.age_band": "0.05",
            "artifact_region": region,
        },
        "run": {
            "author": "jonas.weber@acme-shop.eu",
            "commit": GOOD_COMMIT,
            "params": {"base_model": "xlm-roberta-base", "epochs": "4", "learning_rate": "3e-5"},
            "metrics": {"accuracy": 0.934, "false_handoff_rate": 0.021, "redteam.injection_success_rate": 0.012,
                        "bias.locale": 0.018, "bias.age_band": 0.027},
            "datasets": [
                {"name": "cx-intents-train", "digest": digest(f"train-2026-09-{region}"), "context": "training",
                 "source": f"{bucket}/intents/train-2026-09.parquet"},
                {"name": "cx-intents-eval", "digest": digest(f"eval-2026-09-{region}"), "context": "evaluation",
                 "source": f"{bucket}/intents/eval-2026-09.parquet"},
            ],
        },
    }


def noncompliant() -> dict[str, Any]:
    """A version that breaks every rule: each field below is what one rule catches."""
    spec = compliant("high", region="us-east-1")
    tags = spec["tags"]
    tags.update({
        "approval_status": "pending",                   # SOC2-CC8.1-01: not approved,
        "approved_by": "jonas.weber@acme-shop.eu",      # ... the approver is the author,
        "annex_iv_model_version": "1",                  # AIACT-11-01: documentation bound to version 1,
        "annex_iv_sections": "1,2,3",                   # ... sections 4-9 missing
        "threshold.f1": ">=0.85",                       # AIACT-13-15: a declared metric the run lacks
        "redteam_evaluated_at": REDTEAM_STALE,          # AIACT-15-02: red-team evaluation too old
    })
    spec["genai"] = {"day": REDTEAM_STALE,              # AIACT-15-01: GenAI evaluation too old, and its
                     "scores": {"groundedness": 0.71, "safety": 1.0}}  # groundedness below 0.85
    del tags["approval_ticket"]                         # SOC2-CC8.1-01: no ticket
    run = spec["run"]
    run["commit"] = "4f1c2e9"                           # SOC2-CC8.1-02: not a full 40-hex commit
    run["metrics"].update({"accuracy": 0.85,            # AIACT-13-15: below its threshold
                           "redteam.injection_success_rate": 0.12,  # AIACT-15-02: above 0.05
                           "bias.locale": 0.12})        # AIACT-10-02: above its threshold ...
    del run["metrics"]["bias.age_band"]                 # ... and a declared dimension without a metric
    run["datasets"][1]["digest"] = run["datasets"][0]["digest"]  # AIACT-10-01: evaluated on training data
    return spec                                         # RES-011: artifacts and datasets in us-east-1


def limited_without_lineage() -> dict[str, Any]:
    spec = compliant("limited", name="faq ranker")
    spec["run"]["datasets"] = spec["run"]["datasets"][:1]  # AIACT-10-01: no evaluation dataset
    return spec


def evaluated(spec: dict[str, Any], scores: dict[str, float] | None = None) -> dict[str, Any]:
    """A version with GenAI thresholds and an evaluation run tagged with it (cxgov's tag style)."""
    spec["tags"].update(GENAI_THRESHOLDS)
    spec.setdefault("genai", {"day": REDTEAM_RECENT, "scores": scores or {"groundedness": 0.93, "safety": 1.0}})
    return spec


def answerer(*, hallucinating: bool = False, risk_class: str = "limited", day: str | None = REDTEAM_RECENT,
             name: str = "cx-answer-llm") -> dict[str, Any]:
    """cx-answer-llm in MLflow 3's style: metrics on its logged model, a GenAI evaluation linked to it
    (as of `day`; none when None), the training (retrieval) data on the source run and the golden set
    as evaluation data."""
    spec = compliant(risk_class, name=name)
    tags = spec["tags"]
    for key in ("threshold.accuracy", "threshold.false_handoff_rate"):
        del tags[key]
    tags.update({"intended_purpose": "Answer customer-service questions from the approved help-centre passages",
                 "threshold.resolution_rate": ">=0.80", **GENAI_THRESHOLDS})
    run = spec["run"]
    run["params"] = {"retriever": "help-centre-bm25", "prompt_version": "answer-v7"}
    run["metrics"] = {}
    kb = "https://acme-cx-datasets.s3.eu-central-1.amazonaws.com/kb/help-centre-2026-10.jsonl"
    run["datasets"] = [{"name": "help-centre-articles", "digest": digest("help-centre-2026-10"), "context": "training",
                        "source": kb}]
    spec["logged_model"] = {"params": {"base_model": "azure-openai/gpt-4o-mini-2024-07-18", "temperature": "0.1"},
                            "metrics": {"resolution_rate": 0.86, "redteam.injection_success_rate": 0.012,
                                        "bias.locale": 0.018, "bias.age_band": 0.027}}
    spec["genai"] = {"day": day, "hallucinating": hallucinating} if day else None
    return spec


def unapproved(base: dict[str, Any]) -> dict[str, Any]:
    base["tags"].update({"approval_status": "pending"})
    del base["tags"]["approved_by"]
    return base


class Seeder:
    def __init__(self, tracking_uri: str):
        from mlflow import MlflowClient

        for name in ("mlflow", "mlflow.tracking._tracking_service.client"):
            logging.getLogger(name).setLevel(logging.WARNING)  # no "View run at" line per run
        self.uri = tracking_uri
        self.client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)

    def experiment(self, name: str) -> str:
        found = self.client.get_experiment_by_name(name)
        if found:
            return found.experiment_id
        # a sqlite store keeps artifacts beside its database, not in ./mlruns of whoever seeds it; a
        # tracking server decides for itself (--artifacts-destination)
        local = self.uri.startswith("sqlite:///") and self.uri[len("sqlite:///"):]
        location = (Path(local).resolve().parent / "mlruns" / name).as_uri() if local else None
        return self.client.create_experiment(name, artifact_location=location)

    def run(self, experiment_id: str, spec: dict[str, Any]) -> str:
        from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param, RunTag

        tags = {"mlflow.user": spec["author"], "mlflow.source.git.commit": spec["commit"],
                "mlflow.source.type": "JOB"}
        run = self.client.create_run(experiment_id, tags=tags)
        run_id = run.info.run_id
        now = int(time.time() * 1000)
        self.client.log_batch(run_id, metrics=[Metric(k, v, now, 0) for k, v in spec["metrics"].items()],
                              params=[Param(k, v) for k, v in spec["params"].items()],
                              tags=[RunTag("mlflow.runName", "train")])
        datasets = [DatasetInput(Dataset(d["name"], d["digest"], "http", f'{{"url": "{d["source"]}"}}',
                                         schema='{"mlflow_colspec": [{"name": "text", "type": "string"}]}',
                                         profile='{"num_rows": 48210}'),
                                 tags=[InputTag("mlflow.data.context", d["context"])]) for d in spec["datasets"]]
        if datasets:
            self.client.log_inputs(run_id, datasets=datasets)
        self.client.update_run(run_id, status="FINISHED")  # set_terminated prints a "View run" line
        return run_id

    def model(self, name: str, tags: dict[str, str] | None = None, description: str = "") -> None:
        from mlflow.exceptions import MlflowException

        try:
            self.client.create_registered_model(name, tags=tags or {}, description=description)
        except MlflowException as exc:
            if "RESOURCE_ALREADY_EXISTS" not in str(exc.error_code):
                raise

    def version(self, name: str, experiment_id: str, spec: dict[str, Any] | None, *, run_id: str | None = None) -> str:
        """Register a version (with a new source run unless run_id is given); returns its number."""
        if spec is not None and run_id is None:
            run_id = self.run(experiment_id, spec["run"])
        tags = dict(spec["tags"]) if spec else {}
        region = tags.get("artifact_region", "eu-central-1")
        mv = self.client.create_model_version(
            name, source=f"s3://acme-cx-models-{region}/{name}/{run_id or 'legacy'}/model", run_id=run_id,
            tags={k: v for k, v in tags.items() if k != "annex_iv_model_version"},
            description=spec["description"] if spec else "", await_creation_for=0)
        if spec:
            bound = tags.get("annex_iv_model_version", mv.version)  # the documentation names this version
            self.client.set_model_version_tag(name, mv.version, "annex_iv_model_version", bound)
        if spec and "genai" in spec:
            self.tagged_evaluation(experiment_id, name, mv.version, spec["genai"])
        return mv.version

    def alias(self, name: str, alias: str, version: str) -> None:
        self.client.set_registered_model_alias(name, alias, version)

    def tagged_evaluation(self, experiment_id: str, name: str, version: str, genai: dict[str, Any]) -> str:
        """A GenAI evaluation run as mlflow.genai.evaluate records it (run type, one metric per scorer
        aggregate, its evaluation dataset), tagged with the version it judged."""
        from mlflow.entities import Dataset, DatasetInput, Metric

        from genai_evaluation import GOLDEN_DATASET, millis

        start = millis(genai["day"])
        run = self.client.create_run(experiment_id, start_time=start, tags={
            "mlflow.user": "cx-quality-ci", "mlflow.runType": "genai_evaluate",
            EVALUATED_VERSION_TAG: f"models:/{name}/{version}"})
        self.client.log_batch(run.info.run_id, metrics=[Metric(f"{scorer}/mean", value, start, 0)
                                                        for scorer, value in genai["scores"].items()])
        source = "https://acme-cx-datasets.s3.eu-central-1.amazonaws.com/eval/cx-answers-golden-2026-10.jsonl"
        self.client.log_inputs(run.info.run_id, datasets=[DatasetInput(Dataset(
            GOLDEN_DATASET, digest(GOLDEN_DATASET), "http", f'{{"url": "{source}"}}'))])
        self.client.set_terminated(run.info.run_id, "FINISHED", end_time=start + 60_000)
        return run.info.run_id

    def answerer_version(self, name: str, experiment_id: str, spec: dict[str, Any]) -> str:
        """Register a version from a new logged model (external: the LLM runs elsewhere) with its metrics,
        and evaluate it with mlflow.genai.evaluate linked to that logged model."""
        import mlflow

        from genai_evaluation import evaluate, fluent_tracking, grounded_answer, hallucinating_answer

        run_id = self.run(experiment_id, spec["run"])
        tags = dict(spec["tags"])
        # fluent: a database registry resolves models:/m-... through the global tracking URI
        with fluent_tracking(self.uri):
            model = mlflow.create_external_model(name=name, source_run_id=run_id, model_type="agent",
                                                 params=spec["logged_model"]["params"], experiment_id=experiment_id)
            for key, value in spec["logged_model"]["metrics"].items():
                self.client.log_metric(run_id, key, value, model_id=model.model_id)
            mv = self.client.create_model_version(name, source=f"models:/{model.model_id}", run_id=run_id,
                                                  model_id=model.model_id, description=spec["description"],
                                                  tags={k: v for k, v in tags.items() if k != "annex_iv_model_version"},
                                                  await_creation_for=0)
        self.client.set_model_version_tag(name, mv.version, "annex_iv_model_version", mv.version)
        if spec["genai"]:
            answer = hallucinating_answer if spec["genai"]["hallucinating"] else grounded_answer
            evaluate(self.uri, experiment_id, model_id=model.model_id, day=spec["genai"]["day"], answer=answer)
        return mv.version


ACME_MODEL = "acme-cx-intent-router"
ANSWERER = "cx-answer-llm"


def promote_unapproved(s: Seeder) -> dict[str, Any]:
    """Register a version nobody approved and move `production` to it (the descriptor still deploys 14)."""
    exp = s.experiment("acme-cx-intent-router-training")
    version = s.version(ACME_MODEL, exp, unapproved(compliant("limited", name=ACME_MODEL)))
    s.alias(ACME_MODEL, "production", version)
    return {ACME_MODEL: {"versions": [version], "aliases": {"production": version}}}


def seed(tracking_uri: str, scenario: str, *, count: int = 500) -> dict[str, Any]:
    """Seed the scenario; returns what was created: {model name: {"versions": [...], "aliases": {...}}}."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; choose from {', '.join(SCENARIOS)}")
    s = Seeder(tracking_uri)
    created: dict[str, Any] = {}
    if scenario == "contract":
        exp = s.experiment("cx-intent-router-training")
        s.model("cx-intent-router", {"owner": "cx-ml", "risk_class": "high"}, "Intent routing for the CX assistant")
        v1 = s.version("cx-intent-router", exp, evaluated(compliant("high", name="cx-intent-router")))
        v2 = s.version("cx-intent-router", exp, evaluated(noncompliant()))
        s.alias("cx-intent-router", "production", v1)
        s.alias("cx-intent-router", "challenger", v2)
        s.model("cx-faq-ranker", {"owner": "cx-ml"}, "FAQ ranking")
        v3 = s.version("cx-faq-ranker", exp, limited_without_lineage())
        s.alias("cx-faq-ranker", "production", v3)
        created = {"cx-intent-router": {"versions": [v1, v2], "aliases": {"production": v1, "challenger": v2}},
                   "cx-faq-ranker": {"versions": [v3], "aliases": {"production": v3}}}
    elif scenario in ("acme-compliant", "acme-noncompliant"):
        name = ACME_MODEL
        exp = s.experiment("acme-cx-intent-router-training")
        s.model(name, {"owner": "acme-cx-ml", "system": "acme-cx"}, "Intent routing for the acme-cx assistant")
        legacy = s.run(exp, compliant("limited")["run"])
        versions = [s.version(name, exp, None, run_id=legacy) for _ in range(13)]  # retired versions 1-13
        versions.append(s.version(name, exp, compliant("limited", name=name)))  # 14: what the descriptor deploys
        s.alias(name, "production", versions[-1])
        created = {name: {"versions": versions, "aliases": {"production": versions[-1]}}}
        if scenario == "acme-noncompliant":
            created = promote_unapproved(s)
    elif scenario == "acme-promote-unapproved":
        created = promote_unapproved(s)
    elif scenario == "genai":
        name = ANSWERER
        exp = s.experiment("cx-answer-llm")
        s.model(name, {"owner": "cx-ml", "risk_class": "limited"}, "Answers customer questions from the help centre")
        v1 = s.answerer_version(name, exp, answerer())
        v2 = s.answerer_version(name, exp, answerer(hallucinating=True))
        s.alias(name, "production", v1)
        s.alias(name, "challenger", v2)
        created = {name: {"versions": [v1, v2], "aliases": {"production": v1, "challenger": v2}}}
    elif scenario == "bench":
        name = "bench-router"
        exp = s.experiment("bench-router-training")
        s.model(name, {"owner": "bench"}, "benchmark registry")
        versions = [s.version(name, exp, evaluated(compliant("high", name=name))) for _ in range(count)]
        s.alias(name, "production", versions[-1])
        created = {name: {"versions": versions, "aliases": {"production": versions[-1]}}}
    return created


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tracking-uri", required=True, help="e.g. http://127.0.0.1:5000")
    parser.add_argument("--scenario", choices=SCENARIOS, default="contract")
    parser.add_argument("--count", type=int, default=500, help="versions for the bench scenario")
    args = parser.parse_args()
    for name, info in seed(args.tracking_uri, args.scenario, count=args.count).items():
        aliases = ", ".join(f"{a} -> {v}" for a, v in info["aliases"].items())
        print(f"{name}: {len(info['versions'])} versions ({aliases})")


if __name__ == "__main__":
    main()
