"""Model-version and UI-scan subjects in a bundle: models/<name>-<version>.json, wcag/<page>.json with
its screenshot and axe results, secrets redacted, and the bundle verifies and replays.

The subjects are what the MLflow and UI sources yield (kind, id, origin and document shape as they
define them), built here so this test needs neither a registry nor a browser; they go through the
real pipeline with the builtin packs, the real bundle writer and the real verify and replay.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from conftest import EVALUATION_DATE

# a team policy over the two kinds, evaluated beside the builtin model-version and WCAG rules; the
# warn echoes a run parameter, so redaction must reach the finding's message too
POLICY = """\
package main

import rego.v1

deny contains msg if {
	input.registered_model
	not input.tags.dpo_approved
	msg := concat("", ["model ", input.name, " version ", input.version, " has no dpo_approved tag"])
}

deny contains msg if {
	some v in input.axe.violations
	msg := concat("", [input.url, " (", input.state, "): ", v.id])
}

warn contains msg if {
	some k, v in input.run.params
	msg := concat("", ["run parameter ", k, " = ", v])
}
"""

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cf"
                    "c0f01f0005000201e2b4e6d90000000049454e44ae426082")


def model_document() -> dict:
    return {
        "name": "cx-router", "version": "7", "status": "READY", "source": "runs:/abc123/model", "run_id": "abc123",
        "description": "intent router", "creation_timestamp": 1763000000000,
        "tags": {"approved_by": "ml-lead@example.com", "hf_token": "hf-abcdefghijklmnop"},
        "aliases": ["production"],
        "registered_model": {"name": "cx-router", "description": "", "tags": {}, "aliases": {"production": "7"}},
        "run": {"params": {"db_url": "postgresql://ml:Tr41nPassw0rd@db.internal/ml"}, "metrics": {"f1": 0.91},
                "tags": {}, "inputs": [{"name": "eval-2026-10", "digest": "d41d8cd9", "source": "s3://eu-data/eval",
                                        "source_type": "s3", "context": "eval", "schema": None, "profile": None}]},
        "model": None, "tracking_uri": "http://127.0.0.1:5000",
    }


def ui_document(shot: dict) -> dict:
    return {
        "url": "https://www.example.eu/help", "page": "help widget", "state": "open",
        "viewport": {"width": 1280, "height": 800}, "timestamp": "2026-11-22T09:00:00Z",
        "axe": {"testEngine": {"name": "axe-core", "version": "4.10.2"}, "toolOptions": {},
                "violations": [{"id": "color-contrast", "impact": "serious", "tags": ["wcag2aa", "wcag143"],
                                "help": "Elements must meet minimum color contrast ratio thresholds",
                                "helpUrl": "https://dequeuniversity.com/rules/axe/4.10/color-contrast",
                                "nodes": [{"target": ["#send"], "html": "<button id=\"send\">Send</button>",
                                           "impact": "serious", "failureSummary": "Fix any of the following"}]}],
                "incomplete": [], "passes_count": 40},
        "screenshot": shot,
    }


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    from cxgov import pipeline
    from cxgov.audit_config import AuditConfig
    from cxgov.audit import AuditRun, write_bundle
    from cxgov.engine.embedded import EmbeddedEngine
    from cxgov.engine.policyset import load
    from cxgov.evidence.sign import generate, load_key_file
    from cxgov.model import Location, Subject
    from cxgov.sources.interface import Given

    root = tmp_path_factory.mktemp("models-ui")
    artifacts = root / "artifacts"
    artifacts.mkdir()
    (artifacts / "help-open.png").write_bytes(PNG)
    shot = {"file": "help-open.png", "sha256": hashlib.sha256(PNG).hexdigest()}
    subjects = [
        Subject("model-version", "models:/cx-router/7", Location("models:/cx-router/7", None), model_document()),
        Subject("ui-scan", "https://www.example.eu/help#open", Location("https://www.example.eu/help", None),
                ui_document(shot)),
    ]
    config_path = root / "cxgov.yaml"
    config_path.write_text("system: models-ui\n")
    options = pipeline.Options(evaluation_date=EVALUATION_DATE, root=root)
    (root / "policy").mkdir()
    (root / "policy" / "team.rego").write_text(POLICY)
    policies = load([root / "policy"], builtin=True, root=root)
    result = pipeline.run([Given(subjects)], policies, EmbeddedEngine(), options, prepared=True)
    run = AuditRun(AuditConfig(system="models-ui"), config_path, result, subjects, artifacts, policies, options)
    private, public, _ = generate(root / "k.key")
    target, archive = write_bundle(run, root / "bundle", key=load_key_file(private))
    return target, archive, public, result


def test_models_and_wcag_files_are_in_the_bundle(bundle):
    target, _, _, result = bundle
    model = json.loads((target / "models" / "cx-router-7.json").read_text())
    assert model["name"] == "cx-router" and model["registered_model"]["aliases"] == {"production": "7"}
    assert model["tags"]["hf_token"] == "[REDACTED:secret-key]"
    assert "Tr41nPassw0rd" not in (target / "models" / "cx-router-7.json").read_text()
    scan = json.loads((target / "wcag" / "www.example.eu-help-open.json").read_text())
    assert scan["axe"]["violations"][0]["id"] == "color-contrast"
    assert (target / "wcag" / "www.example.eu-help-open.png").read_bytes() == PNG
    index = json.loads((target / "inputs" / "index.json").read_text())["subjects"]
    assert [(s["kind"], s["file"]) for s in index] == [("model-version", "models/cx-router-7.json"),
                                                      ("ui-scan", "wcag/www.example.eu-help-open.json")]
    findings = json.loads((target / "findings.json").read_text())["findings"]
    team = sorted(f["message"] for f in findings if f["query"].startswith("data.main."))
    assert team == ["https://www.example.eu/help (open): color-contrast",
                    "model cx-router version 7 has no dpo_approved tag",
                    "run parameter db_url = postgresql://ml:[REDACTED:url-password]@db.internal/ml"]
    # the builtin rules judged both subjects too: the model carries none of the registry contract's
    # approval tags, and the scan's serious A/AA violation denies
    builtin = {(f["rule_id"], f["subject"]) for f in findings if not f["query"].startswith("data.main.")}
    assert ("SOC2-CC8.1-01", "models:/cx-router/7") in builtin
    assert ("WCAG-A-AA-01", "https://www.example.eu/help#open") in builtin
    assert len(result.findings) == len(findings)


def test_it_verifies_and_replays(bundle):
    from cxgov.evidence.bundle import open_bundle
    from cxgov.evidence.replay import replay
    from cxgov.evidence.sign import load_public
    from cxgov.evidence.verify import verify

    _, archive, public, _ = bundle
    opened = open_bundle(archive)
    assert verify(opened, load_public(public)).ok
    outcome = replay(opened)
    assert outcome.reproduced, outcome.differences


def test_a_screenshot_changed_after_the_scan_is_refused(bundle, tmp_path):
    from cxgov.audit import write_bundle
    from cxgov.errors import InputError
    from cxgov.model import Location, Subject

    target, _, _, result = bundle
    (tmp_path / "help-open.png").write_bytes(PNG + b"edited")
    subject = Subject("ui-scan", "u#s", Location("u", None),
                      ui_document({"file": "help-open.png", "sha256": hashlib.sha256(PNG).hexdigest()}))
    from cxgov import pipeline
    from cxgov.audit_config import AuditConfig
    from cxgov.audit import AuditRun
    from cxgov.engine.policyset import load

    run = AuditRun(AuditConfig(system="x"), target.parent / "cxgov.yaml", result, [subject], tmp_path,
                   load([], builtin=True), pipeline.Options(evaluation_date=EVALUATION_DATE))
    with pytest.raises(InputError, match="screenshot file changed after the scan"):
        write_bundle(run, tmp_path / "b")
    assert not (tmp_path / "b").exists()
