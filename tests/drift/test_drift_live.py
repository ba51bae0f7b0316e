"""Drift against live sources: a real `mlflow server` on 127.0.0.1 whose production alias moves to a
version nobody approved, then the registry going down. The approved bundle is written by `cxgov audit`
over the acme-cx example, reading the models its descriptor deploys (version 14 and the `production`
alias) from this registry; every drift check re-runs that audit against the same registry.

The registry is this module's own, seeded here, so alias moves by other tests of the run cannot reach it.
The widget's drift is tested in test_drift_ui.py; here the config leaves the UI out, with its reason."""

from __future__ import annotations

import json
import shutil
import sys

import pytest

from conftest import EVALUATION_DATE, ROOT, run_cxgov
from drift_support import WebhookReceiver, skip_source

sys.path.insert(0, str(ROOT / "model_registry"))

import local_server  # noqa: E402  (model_registry/ holds scripts, not a package)
import seed_registry  # noqa: E402

MODEL = seed_registry.ACME_MODEL
TIMEOUT = 900


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    base = tmp_path_factory.mktemp("drift-live")
    server = local_server.start(base / "mlflow")
    try:
        created = seed_registry.seed(server.uri, "acme-compliant")
        system = base / "acme-cx"
        shutil.copytree(ROOT / "examples" / "acme-cx" / "compliant", system)
        skip_source(system, "ui", "the chat widget's drift is watched by its own job")
        audit = run_cxgov("audit", "--evaluation-date", EVALUATION_DATE, "--out", str(base / "approved"),
                          "--unsigned", "--tracking-uri", server.uri, cwd=system, timeout=TIMEOUT)
        assert audit.code in (0, 1), audit.stdout + audit.stderr  # approved as it is
        yield server, created, system, base / "approved.tar.gz"
    finally:
        server.stop()


def drift(system, bundle, uri, *args):
    # the approved bundle was audited --unsigned: its trust is stated, not assumed
    return run_cxgov("drift", "check", "--baseline", str(bundle), "--allow-unsigned", "--state", "state.db",
                     "--evaluation-date", EVALUATION_DATE, "--tracking-uri", uri, "-o", "text", "-o", "json=drift.json",
                     *args, cwd=system, timeout=TIMEOUT)


def move_alias(uri: str, version: str) -> None:
    from mlflow import MlflowClient

    MlflowClient(tracking_uri=uri, registry_uri=uri).set_registered_model_alias(MODEL, "production", version)


def test_production_alias_moved_to_an_unapproved_version_is_detected_then_resolved(live):
    server, created, system, bundle = live
    approved = created[MODEL]["aliases"]["production"]
    with WebhookReceiver() as hook:
        clean = drift(system, bundle, server.uri, "--webhook", hook.url)
        assert clean.code == 0 and "NO DRIFT" in clean.stdout, clean.stdout + clean.stderr
        promoted = seed_registry.seed(server.uri, "acme-promote-unapproved")[MODEL]["versions"][0]
        try:
            moved = drift(system, bundle, server.uri, "--webhook", hook.url)
        finally:
            move_alias(server.uri, approved)
        assert moved.code == 1, moved.stdout + moved.stderr
        assert f"{MODEL}@production: {approved} -> {promoted}" in moved.stdout
        report = json.loads((system / "drift.json").read_text())["drift"]
        assert report["aliases"] == [{"model": MODEL, "alias": "production", "before": approved, "after": promoted}]
        new = [c for c in report["findings"] if c["change"] == "new"]
        assert new and all(c["fails_gate"] or c["after"] == "warn" for c in new)
        added = {"subject": f"models:/{MODEL}/{promoted}", "kind": "model-version", "change": "added"}
        assert added in report["inputs"], report["inputs"]

        restored = drift(system, bundle, server.uri, "--webhook", hook.url)
        assert restored.code == 0 and "NO DRIFT" in restored.stdout, restored.stdout
        assert [b["status"] for b in hook.bodies] == ["drift", "resolved"]
        assert hook.bodies[0]["aliases"][0]["after"] == promoted


def test_registry_down_is_an_errored_run_and_the_history_stays_intact(live):
    server, _, system, bundle = live
    before = json.loads(run_cxgov("drift", "history", "--state", "state.db", "-o", "json", cwd=system).stdout)
    server.stop()
    down = drift(system, bundle, server.uri, "--metrics", "cxgov.prom")
    assert down.code == 2, down.stdout + down.stderr
    assert "127.0.0.1" in down.stderr  # the error names the registry it could not read
    after = json.loads(run_cxgov("drift", "history", "--state", "state.db", "-o", "json", cwd=system).stdout)
    assert after["runs"][0]["status"] == "errored" and after["runs"][1:] == before["runs"]
    assert after["findings"] == before["findings"]  # an outage neither opens nor closes anything
    assert 'cxgov_drift_up{system="acme-cx"} 0' in (system / "cxgov.prom").read_text()
