"""`evidence replay` reproduces findings.json byte for byte from the bundle alone; `evidence diff` of
the non-compliant and compliant acme-cx bundles lists exactly the resolved findings."""

from __future__ import annotations

import json
import shutil

from conftest import run_cxgov
from test_evidence_tamper import unsign


def test_replay_reproduces_the_findings_from_the_archive_alone(noncompliant_bundle, tmp_path):
    # away from the example: the replay reads nothing but the archive
    archive = tmp_path / noncompliant_bundle.archive.name
    shutil.copy(noncompliant_bundle.archive, archive)
    run = run_cxgov("evidence", "replay", str(archive), "--public-key", str(noncompliant_bundle.public_key),
                    cwd=tmp_path, timeout=600)
    assert run.code == 0, run.stdout + run.stderr
    findings = json.loads((noncompliant_bundle.bundle / "findings.json").read_text())["findings"]
    assert len(findings) == 79  # the model versions' and the UI scans' findings among them
    assert {f["subject"] for f in findings} >= {"models:/acme-cx-intent-router/15", "https://www.acme-shop.eu/help#open"}
    assert f"REPRODUCED: {len(findings)} findings, byte for byte" in run.stdout


def test_replay_uses_the_bundled_policies(noncompliant_bundle, tmp_path):
    """Replay evaluates the policies in the bundle, not the installed ones: a bundled rule changed to
    find nothing (and its bytes re-listed) loses its findings on replay, and replay says so."""
    copy = tmp_path / "bundle"
    shutil.copytree(noncompliant_bundle.bundle, copy)
    rule = copy / "policies" / "builtin" / "soc2" / "soc2_cc6_8_01_authorised_software.rego"
    text = rule.read_text()
    rule.write_text(text.replace("deny contains", "ignored contains"))
    unsign(copy)  # re-hashed and unsigned, so it is read (the signature would no longer match)
    run = run_cxgov("evidence", "replay", str(copy), "--allow-unsigned", timeout=600)
    assert run.code == 1, run.stdout + run.stderr
    assert "not reproduced: SOC2-CC6.8-01 on k8s/retrieval.yaml#Deployment/acme-cx/retrieval" in run.stdout
    assert "policy digest" in run.stdout


def test_replay_catches_edited_findings(noncompliant_bundle, tmp_path):
    copy = tmp_path / "bundle"
    shutil.copytree(noncompliant_bundle.bundle, copy)
    path = copy / "findings.json"
    doc = json.loads(path.read_text())
    dropped = doc["findings"].pop(0)
    path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    unsign(copy)  # re-hashed and unsigned, so it is read: replay, not the hashes, must catch the edit
    run = run_cxgov("evidence", "replay", str(copy), "--allow-unsigned", timeout=600)
    assert run.code == 1
    assert f"new on replay: {dropped['rule_id']} on {dropped['subject']}" in run.stdout


def test_diff_of_noncompliant_and_compliant_lists_exactly_the_resolved_findings(noncompliant_bundle,
                                                                               compliant_bundle):
    run = run_cxgov("evidence", "diff", str(noncompliant_bundle.archive), str(compliant_bundle.bundle), "--json",
                    "--public-key", str(noncompliant_bundle.public_key), "--allow-unsigned")
    assert run.code == 1, run.stderr
    d = json.loads(run.stdout)
    before = json.loads((noncompliant_bundle.bundle / "findings.json").read_text())["findings"]
    assert {(f["rule_id"], f["subject"]) for f in before} == {(r["rule_id"], r["subject"])
                                                             for r in d["findings"]["resolved"]}
    resolved = sum(len(r["before"]) for r in d["findings"]["resolved"])
    assert resolved == len(before) == 79
    assert d["findings"]["new"] == [] and d["findings"]["changed"] == []
    # control by control (both bundles have a control matrix, with the same controls): only a status
    # that moved, between the three the matrix defines; every control a finding kept not satisfied is
    # satisfied now, and one whose only finding was waived (CC7.1) stays satisfied, so it is no change
    before, after = ({f"{fw['id']}:{c['id']}": c["status"] for fw in matrix["frameworks"] for c in fw["controls"]}
                     for matrix in (json.loads((v.bundle / "controls.json").read_text())
                                    for v in (noncompliant_bundle, compliant_bundle)))
    assert set(before) == set(after)
    assert d["controls"] and all(c["before"] != c["after"] for c in d["controls"])
    defined = ("satisfied", "not-satisfied", "not-assessed")
    assert {(c["before"], c["after"]) for c in d["controls"]} <= {(a, b) for a in defined for b in defined}
    assert {c["control"] for c in d["controls"]} == {k for k in before if before[k] != after[k]}
    assert all(c["counts_after"] is None for c in d["controls"])
    assert {(c["before"], c["after"]) for c in d["controls"] if c["control"] in ("soc2:CC8.1", "wcag22:1.4.3")} == {
        ("not-satisfied", "satisfied")}
    assert "soc2:CC7.1" not in {c["control"] for c in d["controls"]} and before["soc2:CC7.1"] == "satisfied"
    assert "k8s/retrieval.yaml#Deployment/acme-cx/retrieval" in d["inputs"]["changed"]
    assert d["a"]["passed"] is False and d["b"]["passed"] is True


def test_diff_text_and_the_reverse_direction(noncompliant_bundle, compliant_bundle):
    run = run_cxgov("evidence", "diff", str(compliant_bundle.archive), str(noncompliant_bundle.archive),
                    "--public-key", str(noncompliant_bundle.public_key), "--allow-unsigned")
    assert run.code == 1
    # one per distinct finding identity (rule, subject, resource, field) of the failing bundle
    from cxgov.model import finding_key

    findings = json.loads((noncompliant_bundle.bundle / "findings.json").read_text())["findings"]
    keys = {finding_key(f) for f in findings}
    assert len({(f["rule_id"], f["subject"]) for f in findings}) == 49 < len(keys)
    assert f"findings: {len(keys)} new, 0 resolved, 0 changed" in run.stdout
    assert "  NEW      RES-001 system:acme-cx: " in run.stdout
    assert "  NEW      SOC2-CC8.1-01 models:/acme-cx-intent-router/15: " in run.stdout
    assert "  NEW      WCAG-A-AA-01 https://www.acme-shop.eu/help#handoff: " in run.stdout
    assert "soc2:CC6.1: satisfied -> not-satisfied" in run.stdout
    assert "soc2:CC8.1: satisfied -> not-satisfied" in run.stdout  # the unapproved model version


def test_diff_of_a_bundle_with_itself_is_empty(noncompliant_bundle):
    run = run_cxgov("evidence", "diff", str(noncompliant_bundle.bundle), str(noncompliant_bundle.archive),
                    "--public-key", str(noncompliant_bundle.public_key))
    assert run.code == 0, run.stdout
    assert "findings: 0 new, 0 resolved, 0 changed" in run.stdout


def test_diff_compares_control_statuses_when_both_bundles_have_a_matrix(noncompliant_bundle):
    """With controls.json in both bundles (the documented cxgov-controls/1 shape), a control is
    compared by its status, so one that goes from not-satisfied to satisfied is listed as such."""
    from cxgov.evidence.bundle import Bundle, open_bundle
    from cxgov.evidence.diff import diff

    base = open_bundle(noncompliant_bundle.bundle)

    def with_matrix(statuses: dict[str, str]) -> Bundle:
        matrix = {"format": "cxgov-controls/1", "frameworks": [
            {"id": "soc2", "title": "SOC 2", "summary": {},
             "controls": [{"id": c, "status": s} for c, s in statuses.items()]}]}
        return Bundle("b", {**base.files, "controls.json": json.dumps(matrix).encode()})

    before = with_matrix({"CC6.1": "not-satisfied", "CC8.1": "satisfied", "CC7.2": "not-assessed"})
    after = with_matrix({"CC6.1": "satisfied", "CC8.1": "satisfied", "CC7.2": "not-assessed"})
    d = diff(before, after)
    assert [(c["control"], c["before"], c["after"]) for c in d["controls"]] == [
        ("soc2:CC6.1", "not-satisfied", "satisfied")]
