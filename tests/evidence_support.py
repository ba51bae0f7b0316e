"""Realistic BundleViews for the renderer tests: the real pipeline over examples/acme-cx, plus model
versions and UI scans shaped as the MLflow and UI sources produce them.

The example is copied first (evidence hashes are computed relative to the descriptor). The team
policies under tests/data/evidence/policy judge the model-version and ui-scan subjects, beside the
builtin model-version and WCAG rules, so their controls are assessed exactly when such subjects are
present. The model version meets the model-registry contract and the compliant audit's scans cover
every state the descriptor lists, so each failure below is one the test put there on purpose.
"""

from __future__ import annotations

import atexit
import functools
import re
import shutil
import tempfile
from pathlib import Path

from cxgov import pipeline
from cxgov.engine.embedded import EmbeddedEngine
from cxgov.engine.policyset import load
from cxgov.evidence.view import BundleView
from cxgov.model import Location, Subject
from cxgov.sources.files import FileSource
from cxgov.sources.interface import Given

from conftest import DATA, EVALUATION_DATE, ROOT

EXAMPLE = ROOT / "examples" / "acme-cx"
TEAM_POLICY = DATA / "evidence" / "policy"
CREATED = f"{EVALUATION_DATE}T09:30:00Z"
ROUTER = "models:/acme-cx-intent-router/14"
TRIAGE = "models:/acme-cx-triage/3"
WIDGET = "https://www.acme-shop.eu/help"


def model_version(name: str, version: str, *, training: bool = True) -> Subject:
    """A model-version subject as the MLflow source produces it (the documented contract), meeting
    every rule of model_registry/README.md; `training=False` leaves out its training dataset."""
    bucket = "https://acme-ml-datasets.s3.eu-central-1.amazonaws.com/intents"
    inputs = [{
        "name": "cx-intents-eval-2026-10", "digest": "9f2c1e7a5b3d8c10", "source": f"{bucket}/eval-2026-10.parquet",
        "source_type": "s3", "context": "evaluation", "schema": {"mlflow_colspec": [{"name": "utterance", "type": "string"}]},
        "profile": {"num_rows": 4200},
    }]
    if training:
        inputs.insert(0, {
            "name": "cx-intents-train-2026-10", "digest": "41d8cd98f00b204e", "source": f"{bucket}/train-2026-10.parquet",
            "source_type": "s3", "context": "training", "schema": {"mlflow_colspec": [{"name": "utterance", "type": "string"}]},
            "profile": {"num_rows": 61000},
        })
    ref = f"models:/{name}/{version}"
    document = {
        "name": name, "version": version, "status": "READY", "status_message": None,
        "source": f"s3://acme-ml/artifacts/{name}/{version}", "run_id": "8d3f0c5e9b1a4f7c9e2d6b0a1c3e5f70",
        "model_id": None, "user_id": "tobias.richter@acme-shop.eu",
        "description": f"{name}: routes customer messages to intents",
        "creation_timestamp": 1762387200000, "last_updated_timestamp": 1762473600000,
        "tags": {"approval_status": "approved", "approved_by": "miriam.kraus@acme-shop.eu", "approval_ticket": "ML-482",
                 "risk_class": "high", "intended_purpose": "Route customer-service messages to an intent",
                 "threshold.accuracy": ">=0.90", "threshold.macro_f1": ">=0.88",
                 "annex_iv_ref": "evidence/annex-iv.md", "annex_iv_sha256": "5d2c" * 16,
                 "annex_iv_model_version": version, "annex_iv_sections": "1,2,3,4,5,6,7,8,9",
                 "redteam_evaluated_at": "2026-10-20", "bias_dimensions": "locale",
                 "bias_threshold.locale": "0.05", "artifact_region": "eu-central-1",
                 "threshold.groundedness": ">=0.85", "threshold.safety": ">=0.99"},
        "aliases": ["production"],
        "registered_model": {"name": name, "description": "Intent router for the help-centre assistant",
                             "tags": {"owner": "cx-ml@acme-shop.eu"}, "aliases": {"production": version, "staging": version}},
        "run": {
            "run_id": "8d3f0c5e9b1a4f7c9e2d6b0a1c3e5f70", "experiment_id": "3", "status": "FINISHED",
            "lifecycle_stage": "active",
            "params": {"learning_rate": "3e-05", "epochs": "4", "base_model": "xlm-roberta-base"},
            "metrics": {"accuracy": 0.947, "macro_f1": 0.912, "bias.locale": 0.017,
                        "redteam.injection_success_rate": 0.011},
            "tags": {"mlflow.user": "tobias.richter@acme-shop.eu",
                     "mlflow.source.git.commit": "3b1f0e9c8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c"},
            "inputs": inputs,
        },
        "model": {"flavors": {"python_function": {"loader_module": "mlflow.transformers"}, "transformers": {}},
                  "signature": {"inputs": '[{"type": "string", "name": "utterance"}]',
                                "outputs": '[{"type": "string", "name": "intent"}]'},
                  "artifact_path": "model", "model_uuid": "0c5e9b1a4f7c49e2a6b0a1c3e5f708d3"},
        # the newest mlflow.genai.evaluate run tagged with this version (AIACT-15-01), as the source reads it
        "genai_evaluation": {
            "run_id": "5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b", "run_name": f"genai-eval-{name}-{version}",
            "experiment_id": "4", "status": "FINISHED", "start_time": 1793836800000, "end_time": 1793837400000,
            "date": "2026-11-05", "linked_by": ["tag"], "evaluated_model": ref,
            "scorers": {"groundedness": {"mean": 0.93}, "safety": {"mean": 1.0}},
            "metrics": {"groundedness/mean": 0.93, "safety/mean": 1.0},
            "dataset": inputs[-1] | {"context": "evaluation"}, "datasets": [inputs[-1]], "evaluations_found": 1,
        },
        "tracking_uri": "https://mlflow.internal.acme-shop.eu",
    }
    return Subject("model-version", ref, Location(ref, None), document)


#: the AI-disclosure element the acme-cx descriptor names (ai_disclosure.element_selector)
DISCLOSURE = "#acme-chat-ai-notice"
STATES = ("closed", "open", "streaming", "handoff", "error", "viewport-320")


def ui_scan(state: str, violations: list[dict]) -> Subject:
    """A ui-scan subject as the UI source produces it (the documented contract), with the disclosure
    element probed as `cxgov audit` asks for it."""
    slug = slugify(f"help-centre-widget-{state}")
    targets = sorted({n["target"][0] for v in violations for n in v["nodes"]})
    document = {
        "url": WIDGET, "scanned_url": WIDGET, "page": "help-centre widget", "state": state,
        "state_index": STATES.index(state), "steps": [],
        "viewport": {"width": 320, "height": 640} if state == "viewport-320" else {"width": 1280, "height": 800},
        "timestamp": f"{EVALUATION_DATE}T09:12:00Z",
        "axe": {
            "testEngine": {"name": "axe-core", "version": "4.14.1"},
            "testEnvironment": {"userAgent": "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/142.0.0.0"},
            "toolOptions": {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}},
            "violations": violations, "incomplete": [], "passes_count": 41,
            "source": {"file": "axe.min.js", "fallback": False},
        },
        "elements": {DISCLOSURE: {"present": True, "visible": True,
                                  "text": "You are chatting with an AI assistant. Ask for a person at any time.",
                                  "targets": [t for t in targets if t == DISCLOSURE]}},
        "screenshot": {"file": f"{slug}.png", "sha256": "0" * 64},
    }
    return Subject("ui-scan", f"{WIDGET}#{state}", Location(WIDGET, None), document)


CONTRAST_VIOLATION = {
    "id": "color-contrast", "impact": "serious", "tags": ["wcag2aa", "wcag143"],
    "help": "Elements must meet minimum color contrast ratio thresholds",
    "nodes": [{"target": ["#acme-chat-ai-notice"], "html": "<p id=\"acme-chat-ai-notice\">You are chatting with an AI</p>"}],
}


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def bundle_files(subjects: list[Subject]) -> dict[str, list[str]]:
    """Where a bundle writer puts each subject's evidence (inputs/, models/, wcag/)."""
    files = {}
    for s in subjects:
        if s.kind == "model-version":
            files[s.id] = [f"models/{s.document['name']}-{s.document['version']}.json"]
        elif s.kind == "ui-scan":
            slug = slugify(f"{s.document['page']}-{s.document['state']}")
            files[s.id] = [f"wcag/{slug}.json", f"wcag/{slug}.png"]
        else:
            files[s.id] = [f"inputs/{slugify(s.id)}.json"]
    return files


def copy_variant(target: Path, name: str) -> Path:
    shutil.copytree(EXAMPLE / name, target / name)
    return target / name


def audit_view(variant: Path, extra: list[Subject] = (), *, waivers: bool = True, jobs: int = 2) -> BundleView:
    """Run the real pipeline (builtin packs plus the team policies) over a copied acme-cx variant."""
    policies = load([str(TEAM_POLICY)], [], builtin=True, root=variant)
    source = FileSource([str(variant / p) for p in ("cxgov", "k8s", "terraform/plan.json")], root=variant)
    subjects = list(source.subjects()) + list(extra)
    waiver_file = variant / "waivers.yaml"
    options = pipeline.Options(evaluation_date=EVALUATION_DATE, namespaces=("evidence_team.*",), root=variant,
                               waivers=waiver_file if waivers and waiver_file.exists() else None)
    result = pipeline.run([Given(subjects)], policies, EmbeddedEngine(jobs), options)
    # the system view subject is built inside the pipeline; rebuild the full list the bundle records
    from cxgov import system_view
    system = system_view.build(subjects, variant, EVALUATION_DATE)
    every = subjects + ([system] if system else [])
    assert {s.id for s in every} == {s.id for s in result.subjects}
    return BundleView(result=result, system="acme-cx", created=CREATED, subjects=every, files=bundle_files(every))


#: the extra subjects of the non-compliant audit: one model version without training data, one
#: widget state with a contrast violation
NONCOMPLIANT_EXTRA = (
    lambda: model_version("acme-cx-intent-router", "14"),
    lambda: model_version("acme-cx-triage", "3", training=False),
    lambda: ui_scan("open", [CONTRAST_VIOLATION]),
    lambda: ui_scan("closed", []),
)
#: the compliant audit scans every widget state the descriptor lists (all clean) but reads no model
#: registry, so the model rules judge nothing
COMPLIANT_EXTRA = tuple((lambda state=state: ui_scan(state, [])) for state in STATES)


@functools.lru_cache(maxsize=None)
def cached_view(variant: str) -> BundleView:
    """One pipeline run per variant for the whole test run (a run of the packs takes seconds)."""
    work = Path(tempfile.mkdtemp(prefix=f"cxgov-evidence-{variant}-"))
    atexit.register(shutil.rmtree, work, True)
    extra = NONCOMPLIANT_EXTRA if variant == "noncompliant" else COMPLIANT_EXTRA
    return audit_view(copy_variant(work, variant), [make() for make in extra])
