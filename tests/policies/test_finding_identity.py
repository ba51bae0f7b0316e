"""A finding has an identity: rule, subject, resource and field. Drift and waivers use it, so a new
resource failing an already-failing rule is new (and fails the drift gate), and a waiver can name one
vendor or data store of a subject."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import EVALUATION_DATE, ROOT, run_cxgov

CHECK = ("check", "cxgov", "k8s", "terraform/plan.json", "--no-models", "--no-ui", "--evaluation-date",
         EVALUATION_DATE)


@pytest.fixture
def system(tmp_path):
    target = tmp_path / "acme-cx"
    shutil.copytree(ROOT / "examples" / "acme-cx" / "noncompliant", target)
    return target


def _edit(descriptor, old: str, new: str) -> None:
    text = descriptor.read_text()
    assert text.count(old) == 1, old
    descriptor.write_text(text.replace(old, new))


def test_a_service_moved_to_the_us_in_a_failing_descriptor_is_new_drift(system):
    descriptor = system / "cxgov" / "descriptor.yaml"
    baseline = run_cxgov(*CHECK, "-o", "json=baseline.json", cwd=system)
    assert baseline.code == 1, baseline.stderr
    before = json.loads((system / "baseline.json").read_text())["findings"]
    assert any(f["subject"] == "system:acme-cx" and f["gate"] == "deny" for f in before)  # already failing
    _edit(descriptor, "  - name: chat-api\n    provider: aws\n    region: eu-central-1\n",
          "  - name: chat-api\n    provider: aws\n    region: us-east-1\n")
    current = run_cxgov(*CHECK, "-o", "json=current.json", cwd=system)
    assert current.code == 1, current.stderr

    drift = run_cxgov("drift", "check", "--baseline", "baseline.json", "--allow-unsigned", "--current", "current.json",
                      "--state", "state.db", "-o", "text", "-o", "json=drift.json", cwd=system)
    assert drift.code == 1, drift.stdout + drift.stderr
    changes = json.loads((system / "drift.json").read_text())["drift"]["findings"]
    moved = [c for c in changes if c["resource"] == "service chat-api"]
    assert moved and all(c["change"] == "new" and c["fails_gate"] for c in moved), changes
    assert any("us-east-1" in m for c in moved for m in c["messages"])
    # nothing that was already failing is reported as merely "changed" because of the move
    assert not [c for c in changes if c["change"] == "changed"], changes
    assert "[service chat-api]" in drift.stdout and "FAILS GATE" in drift.stdout


def test_a_waiver_on_one_vendor_leaves_another_vendors_finding_of_the_same_rule(system):
    descriptor = system / "cxgov" / "descriptor.yaml"
    # Datadog's DPF listing becomes as stale as Mixpanel's: the same rule fails for two vendors
    _edit(descriptor, "    dpf_checked_at: 2026-11-02\n", "    dpf_checked_at: 2026-03-02\n")
    (system / "vendor-waiver.yaml").write_text(
        "waivers:\n"
        "  - rule: RES-003\n"
        "    subject: system:acme-cx\n"
        "    resource: vendor Mixpanel*\n"
        "    reason: DPF re-check booked with the vendor; analytics paused meanwhile\n"
        "    requested_by: tobias.richter@acme-shop.eu\n"
        "    approved_by: miriam.kraus@acme-shop.eu\n"
        "    ticket: PRIV-118\n"
        "    expires: 2026-12-31\n")
    run = run_cxgov(*CHECK, "--waivers", "vendor-waiver.yaml", "-o", "json=out.json", cwd=system)
    assert run.code == 1, run.stderr
    res003 = {f["resource"]: f for f in json.loads((system / "out.json").read_text())["findings"]
              if f["rule_id"] == "RES-003"}
    assert set(res003) >= {"vendor Mixpanel, Inc.", "vendor Datadog, Inc."}, sorted(res003)
    assert res003["vendor Mixpanel, Inc."]["waiver"]["resource"] == "vendor Mixpanel*"
    assert res003["vendor Datadog, Inc."]["waiver"] is None


def test_a_waiver_resource_must_be_a_glob(system):
    (system / "bad-waiver.yaml").write_text(
        "waivers:\n"
        "  - rule: RES-003\n    subject: system:acme-cx\n    resource: [a, b]\n    reason: r\n"
        "    requested_by: a@acme-shop.eu\n    approved_by: b@acme-shop.eu\n    ticket: T-1\n"
        "    expires: 2026-12-31\n")
    run = run_cxgov(*CHECK, "--waivers", "bad-waiver.yaml", "-o", "json=out.json", cwd=system)
    assert run.code == 1
    problems = [f for f in json.loads((system / "out.json").read_text())["findings"] if f["rule_id"] == "GOV-002"]
    assert any("resource must be a non-empty glob" in f["message"] for f in problems)


def test_nothing_judged_is_an_error_naming_the_files(tmp_path):
    (tmp_path / "settings.yaml").write_text("feature_flags:\n  chat: true\n")
    (tmp_path / "app.json").write_text('{"name": "router"}\n')
    run = run_cxgov("check", "settings.yaml", "app.json", cwd=tmp_path)
    assert run.code == 2
    assert "no selected rule judges any input (config): app.json, settings.yaml" in run.stderr
    assert "cxgov init" in run.stderr and "-p" in run.stderr
