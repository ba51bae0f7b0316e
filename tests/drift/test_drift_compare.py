"""Drift comparison as pure functions: findings per identity, controls by matrix status, aliases, digests, inputs."""

from __future__ import annotations

from dataclasses import replace

from cxgov.drift.compare import compare, control_rules
from cxgov.drift.snapshot import Snapshot, from_report, stable_digest
from cxgov.model import Finding, Location, Waiver, sha256_of


def finding(rule="RES-002", subject="system:acme", gate="deny", severity="critical", message="bucket in us-east-1",
            controls=None, waiver=None, line=10):
    return Finding(rule_id=rule, title=f"title of {rule}", severity=severity, gate=gate, message=message,
                   subject=subject, location=Location("cxgov/descriptor.yaml", line),
                   controls=controls if controls is not None else {"gdpr": ["Art.44"]}, waiver=waiver).to_dict()


def waiver(expires="2026-12-01"):
    return Waiver(rule="RES-002", subject="system:*", reason="migration", approved_by="dpo@acme",
                  requested_by="dev@acme", ticket="SEC-1", expires=expires)


def snap(findings=(), *, date="2026-11-22", subjects=None, models=None, digests=None, fail_on="deny", controls=None):
    return Snapshot(source="s", system="acme", created="", evaluation_date=date, findings=tuple(findings),
                    subjects=subjects or {}, models=models or {}, digests=digests or {}, fail_on=fail_on,
                    controls=controls or {})


def model(name, version, aliases):
    return {"name": name, "version": version, "registered_model": {"name": name, "aliases": aliases}}


def test_identical_runs_do_not_drift():
    same = [finding(), finding(rule="SOC2-CC6.1-01", gate="warn", severity="medium")]
    drift = compare(snap(same), snap(list(reversed(same))))
    assert not drift.drifted and not drift.fails_gate
    assert drift.counts()["new"] == 0


def test_new_deny_finding_fails_the_gate_and_names_rule_subject_and_line():
    drift = compare(snap(), snap([finding(line=42)]))
    [change] = drift.findings
    assert (change.change, change.rule_id, change.subject, change.before, change.after) == (
        "new", "RES-002", "system:acme", "pass", "deny")
    assert change.location == "cxgov/descriptor.yaml:42" and change.fails_gate
    assert drift.fails_gate and drift.counts()["fails_gate"] == 1


def test_new_warning_drifts_without_failing_the_gate_unless_fail_on_warn():
    warn = finding(gate="warn", severity="medium")
    assert compare(snap(), snap([warn])).drifted
    assert not compare(snap(), snap([warn])).fails_gate
    assert compare(snap(), snap([warn]), fail_on="warn").fails_gate
    assert compare(snap(fail_on="warn"), snap([warn])).fails_gate  # the baseline's gate by default


def test_resolved_finding_is_drift_that_passes():
    drift = compare(snap([finding()]), snap())
    [change] = drift.findings
    assert (change.change, change.before, change.after, change.fails_gate) == ("resolved", "deny", "pass", False)
    assert change.messages == ("bucket in us-east-1",)  # what was resolved stays readable


def test_changed_message_severity_or_status_is_a_change_but_a_moved_line_is_not():
    before = [finding(message="bucket in us-east-1")]
    assert not compare(snap(before), snap([finding(line=99)])).drifted
    [change] = compare(snap(before), snap([finding(message="bucket in us-west-2")])).findings
    assert change.change == "changed" and change.messages == ("bucket in us-west-2",)
    assert not change.fails_gate  # it failed in the baseline already
    [change] = compare(snap([finding(gate="warn")]), snap([finding(gate="deny")])).findings
    assert change.change == "changed" and (change.before, change.after) == ("warn", "deny") and change.fails_gate


def test_a_second_finding_on_the_same_pair_changes_the_pair():
    two = [finding(), finding(message="backup in us-west-2")]
    [change] = compare(snap([finding()]), snap(two)).findings
    assert change.change == "changed"
    assert change.messages == ("backup in us-west-2", "bucket in us-east-1")


def test_expired_waiver_is_named_with_its_date():
    before = [finding(waiver=waiver("2026-12-01"))]
    drift = compare(snap(before, date="2026-11-22"), snap([finding()], date="2026-12-02"))
    [change] = drift.findings
    assert (change.change, change.before, change.after) == ("waiver-expired", "waived", "deny")
    assert change.waiver_expired_on == "2026-12-01" and change.fails_gate
    # a waiver removed before it expired is a plain change
    [change] = compare(snap(before), snap([finding()], date="2026-11-23")).findings
    assert change.change == "changed" and change.waiver_expired_on is None


def test_control_rules_are_those_of_unwaived_findings():
    rules = control_rules([finding(controls={"gdpr": ["Art.44"], "soc2": ["CC6.1"]}),
                           finding(rule="X", gate="warn", controls={"soc2": ["CC6.1", "CC7.2"]}),
                           finding(rule="Y", waiver=waiver(), controls={"soc2": ["CC8.1"]})])
    assert rules == {"gdpr:Art.44": ("RES-002",), "soc2:CC6.1": ("RES-002", "X"), "soc2:CC7.2": ("X",)}


def test_controls_that_change_status_are_listed_with_their_rules():
    before = snap([finding(rule="A", controls={"soc2": ["CC6.1"]})],
                  controls={"soc2:CC6.1": "not-satisfied", "gdpr:Art.44": "satisfied", "soc2:CC7.1": "satisfied"})
    after = snap([finding(rule="B", controls={"gdpr": ["Art.44"]})],
                 controls={"soc2:CC6.1": "satisfied", "gdpr:Art.44": "not-satisfied", "soc2:CC7.1": "satisfied",
                           "eu-ai-act:Art.10": "not-assessed"})
    drift = compare(before, after)
    # only moved statuses, in the matrix's three; a control the baseline's policies did not map was not
    # assessed there, so a new one still not assessed is no change
    assert [(c.control, c.before, c.after, c.rules) for c in drift.controls] == [
        ("gdpr:Art.44", "satisfied", "not-satisfied", ("B",)), ("soc2:CC6.1", "not-satisfied", "satisfied", ("A",))]
    assert compare(after, replace(after, controls={**after.controls, "eu-ai-act:Art.10": "satisfied"})).controls[0] \
        .before == "not-assessed"


def test_controls_are_not_guessed_without_a_matrix_on_both_sides():
    before = snap([finding(rule="A", controls={"soc2": ["CC6.1"]})], controls={"soc2:CC6.1": "not-satisfied"})
    assert compare(before, snap()).controls == ()  # a resolved finding shows in findings, not as a guess


def test_alias_moved_to_another_version_added_and_removed():
    before = {"models:/router/3": model("router", "3", {"production": "3", "shadow": "2"})}
    after = {"models:/router/4": model("router", "4", {"production": "4", "canary": "4"})}
    drift = compare(snap(models=before), snap(models=after))
    assert [(a.model, a.alias, a.before, a.after) for a in drift.aliases] == [
        ("router", "canary", None, "4"), ("router", "production", "3", "4"), ("router", "shadow", "2", None)]
    assert drift.drifted and not drift.fails_gate  # an alias move alone drifts; findings decide the gate


def test_aliases_of_models_seen_on_one_side_only_are_not_guessed():
    before = {"models:/router/3": model("router", "3", {"production": "3"})}
    drift = compare(snap(models=before), snap(models={"models:/other/1": model("other", "1", {"production": "1"})}))
    assert drift.aliases == ()


def test_digests_compare_only_what_both_sides_recorded():
    drift = compare(snap(digests={"policy": "a", "data": "d", "config": "c"}),
                    snap(digests={"policy": "b", "data": "d"}))
    assert [(d.name, d.before, d.after) for d in drift.digests] == [("policy", "a", "b")]


def test_inputs_added_removed_changed_and_derived_subjects_ignored():
    before = {"a": {"kind": "kubernetes", "sha256": "1"}, "b": {"kind": "kubernetes", "sha256": "2"},
              "system:acme": {"kind": "system", "sha256": "x"}}
    after = {"a": {"kind": "kubernetes", "sha256": "1b"}, "c": {"kind": "ui-scan", "sha256": "3"},
             "system:acme": {"kind": "system", "sha256": "y"}}
    drift = compare(snap(subjects=before), snap(subjects=after))
    assert [(i.subject, i.kind, i.change) for i in drift.inputs] == [
        ("a", "kubernetes", "changed"), ("b", "kubernetes", "removed"), ("c", "ui-scan", "added")]


def test_a_ui_scan_rerun_at_another_time_is_not_an_input_change_but_a_new_violation_is():
    scan = {"url": "https://acme.example/help", "state": "open", "timestamp": "2026-11-22T10:00:00Z",
            "scanned_url": "http://127.0.0.1:8000/help", "screenshot": {"file": "a.png", "sha256": "1"},
            "results": {"file": "a.json", "sha256": "2"},
            "axe": {"testEnvironment": {"userAgent": "x"}, "violations": [], "passes_count": 40}}
    later = {**scan, "timestamp": "2026-11-23T10:00:00Z", "screenshot": {"file": "a.png", "sha256": "3"},
             "results": {"file": "a.json", "sha256": "4"},
             "axe": {**scan["axe"], "testEnvironment": {"userAgent": "y"}}}
    broken = {**later, "axe": {**later["axe"], "violations": [{"id": "color-contrast"}]}}

    def side(document):
        return {"u#open": {"kind": "ui-scan", "sha256": sha256_of(document),
                           "stable": stable_digest("ui-scan", document)}}

    assert sha256_of(scan) != sha256_of(later)
    assert compare(snap(subjects=side(scan)), snap(subjects=side(later))).inputs == ()
    [change] = compare(snap(subjects=side(scan)), snap(subjects=side(broken))).inputs
    assert (change.subject, change.change) == ("u#open", "changed")


def test_fingerprint_is_stable_for_the_same_drift_and_moves_with_a_new_one():
    base = snap()
    one = compare(base, snap([finding(message="region us-east-1 (3 days)")]))
    same = compare(base, snap([finding(message="region us-east-1 (4 days)", line=7)]))
    other = compare(base, snap([finding(), finding(rule="RES-009", message="global routing")]))
    assert one.fingerprint() == same.fingerprint() != other.fingerprint()
    assert compare(base, base).fingerprint() != one.fingerprint()


def test_json_form_lists_every_section():
    drift = compare(snap([finding()], digests={"policy": "a"}), snap(digests={"policy": "b"}))
    data = drift.to_dict()
    assert data["counts"]["resolved"] == 1 and data["digests"] == [{"name": "policy", "before": "a", "after": "b"}]
    assert data["findings"][0]["messages"] == ["bucket in us-east-1"] and data["drifted"] is True


def test_report_snapshot_reads_a_cxgov_json_report():
    report = {"cxgov": {"evaluation_date": "2026-11-22", "policy_digest": "p"}, "verdict": {"fail_on": "warn"},
              "subjects": [{"kind": "system", "id": "system:acme-cx", "sha256": "s", "origin": {}}],
              "findings": [finding()]}
    s = from_report(report, "r.json")
    assert (s.system, s.digests, s.fail_on, len(s.findings)) == ("acme-cx", {"policy": "p"}, "warn", 1)


def test_the_summary_counts_in_words_with_singular_and_plural():
    from dataclasses import replace

    from cxgov.drift.compare import AliasChange, DigestChange, Drift

    one = AliasChange("cx-intent-router", "production", "1", "2")
    drift = Drift(None, None, (), (), (one,), (DigestChange("policy", "a", "b"), DigestChange("data", "c", "d")), ())
    assert drift.summary() == "1 alias changed, 2 digests changed"
    assert replace(drift, aliases=(one, one), digests=()).summary() == "2 aliases changed"
