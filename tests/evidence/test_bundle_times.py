"""Coherent time: a bundle records when it was written (`created`), the evaluation date, and when each
source was collected; UI scans keep their own timestamps; SOURCE_DATE_EPOCH pins every clock reading."""

from __future__ import annotations

import json
import tarfile
import time

import pytest

from conftest import EVALUATION_DATE, run_cxgov
from test_audit import files_only_copy
from test_bundle_models_ui import PNG, model_document, ui_document

REGISTRY_READ = 1795400000  # 2026-11-23T02:13:20Z: when the run below says it read the registry
SCANNED = "2026-11-22T09:00:00Z"  # the scan's own timestamp (ui_document)


def written_bundle(root, monkeypatch, captured: list):
    """A model version and a UI scan through the real pipeline and bundle writer, the controls renderer
    wrapped to capture the BundleView every renderer is given."""
    import hashlib

    from cxgov import pipeline
    from cxgov.audit_config import AuditConfig
    from cxgov.audit import AuditRun, write_bundle
    from cxgov.engine.embedded import EmbeddedEngine
    from cxgov.engine.policyset import load
    from cxgov.evidence import controls
    from cxgov.model import Location, Subject
    from cxgov.sources.interface import Given

    (root / "artifacts").mkdir()
    (root / "artifacts" / "help-open.png").write_bytes(PNG)
    shot = {"file": "help-open.png", "sha256": hashlib.sha256(PNG).hexdigest()}
    subjects = [
        Subject("model-version", "models:/cx-router/7", Location("models:/cx-router/7", None), model_document()),
        Subject("ui-scan", "https://www.example.eu/help#open", Location("https://www.example.eu/help", None),
                ui_document(shot)),
    ]
    (root / "cxgov.yaml").write_text("system: times\n")
    options = pipeline.Options(evaluation_date=EVALUATION_DATE, root=root)
    policies = load([], builtin=True, root=root)
    result = pipeline.run([Given(subjects)], policies, EmbeddedEngine(), options, prepared=True)
    run = AuditRun(AuditConfig(system="times"), root / "cxgov.yaml", result, subjects, root / "artifacts", policies,
                   options, read_at={"models": REGISTRY_READ, "ui": REGISTRY_READ + 60})
    original = controls.control_matrix

    def capture(view):
        captured.append(view)
        return original(view)

    monkeypatch.setattr(controls, "control_matrix", capture)
    return write_bundle(run, root / "bundle")


def test_created_is_when_the_bundle_was_written_and_each_source_keeps_its_time(tmp_path, monkeypatch):
    from cxgov.evidence.bundle import open_bundle
    from cxgov.evidence.replay import replay
    from cxgov.evidence.verify import verify

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    views: list = []
    before = int(time.time())
    target, archive = written_bundle(tmp_path, monkeypatch, views)
    after = int(time.time())
    manifest = json.loads((target / "manifest.json").read_text())
    created = manifest["created"]
    assert before <= _epoch(created) <= after
    assert manifest["evaluation"]["evaluation_date"] == EVALUATION_DATE
    # the registry when the run read it, the UI scan at its own timestamp (not the stage's end)
    assert manifest["collected"] == {"model-version": "2026-11-23T02:13:20Z", "ui-scan": SCANNED}
    assert views and {(v.created, json.dumps(v.collected, sort_keys=True)) for v in views} == {
        (created, json.dumps(manifest["collected"], sort_keys=True))}
    sbom = json.loads((target / "sbom.cdx.json").read_text())
    assert sbom["metadata"]["timestamp"] == created.replace("Z", "+00:00")
    with tarfile.open(archive) as tar:
        assert {m.mtime for m in tar.getmembers()} == {_epoch(created)}
    # none of it is an input of the findings: the bundle still verifies (unsigned, accepted) and replays
    opened = open_bundle(archive)
    assert verify(opened).ok
    assert replay(opened).reproduced


def test_source_date_epoch_pins_created_but_not_the_scans_own_time(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    target, _ = written_bundle(tmp_path, monkeypatch, [])
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["created"] == "2025-11-24T16:00:00Z"
    assert manifest["collected"]["ui-scan"] == SCANNED


def test_an_audit_records_when_it_read_its_files(tmp_path, monkeypatch):
    variant = files_only_copy(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = int(time.time())
    run = run_cxgov("audit", "--evaluation-date", EVALUATION_DATE, "--unsigned", "--out", str(tmp_path / "b"),
                    "-o", "json=/dev/null", cwd=variant, timeout=900)
    after = int(time.time())
    assert run.code == 1, run.stderr
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    read = manifest["collected"]
    assert set(read) == {"descriptor", "kubernetes", "terraform-plan"}  # the system view is derived, not read
    assert len(set(read.values())) == 1  # one reading of the files
    assert before <= _epoch(read["kubernetes"]) <= _epoch(manifest["created"]) <= after
    shown = run_cxgov("evidence", "show", str(tmp_path / "b"), "--allow-unsigned")
    assert f"created     {manifest['created']} (evaluation date {EVALUATION_DATE})" in shown.stdout, shown.stdout


def test_source_date_epoch_stands_for_every_clock_reading_of_an_audit(tmp_path, monkeypatch):
    from cxgov.audit_config import load_config
    from cxgov.audit import run_audit, write_bundle

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    variant = files_only_copy(tmp_path)
    run = run_audit(load_config(variant / "cxgov.yaml"), config_path=variant / "cxgov.yaml",
                    evaluation_date=EVALUATION_DATE)
    assert run.read_at == {"files": 1764000000}
    target, _ = write_bundle(run, tmp_path / "b")
    manifest = json.loads((target / "manifest.json").read_text())
    assert set(manifest["collected"].values()) == {"2025-11-24T16:00:00Z"} == {manifest["created"]}


def test_a_malformed_source_date_epoch_is_a_usage_error(monkeypatch):
    from cxgov.errors import UsageError
    from cxgov.evidence.times import clock

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH='yesterday' is not a whole number of seconds"):
        clock()


def _epoch(stamp: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())


def test_the_acme_bundle_keeps_each_scans_own_time(noncompliant_bundle):
    """The live audit: the registry read at SOURCE_DATE_EPOCH (pinned for the tests), the UI at the
    newest of its scans' own timestamps, whatever SOURCE_DATE_EPOCH says."""
    bundle = noncompliant_bundle.bundle
    manifest = json.loads((bundle / "manifest.json").read_text())
    scans = [json.loads(p.read_text()) for p in sorted((bundle / "wcag").glob("*.json")) if ".axe." not in p.name]
    newest = max(_epoch(s["timestamp"]) for s in scans)
    from cxgov.evidence.times import rfc3339

    assert manifest["collected"]["ui-scan"] == rfc3339(newest)
    assert manifest["collected"]["model-version"] == manifest["created"] == "2026-11-22T00:00:00Z"
    assert {"descriptor", "kubernetes", "terraform-plan"} <= set(manifest["collected"])
