"""controls.json: the control matrix of real audits of acme-cx (builtin packs and a team's rules over
model versions and UI scans), checked control by control against the example's known findings."""

from __future__ import annotations

import dataclasses
import json

from cxgov.evidence.controls import control_matrix, natural_key
from evidence_support import ROUTER, STATES, TRIAGE, WIDGET, cached_view


def controls(matrix):
    return {(fw["id"], c["id"]): c for fw in matrix["frameworks"] for c in fw["controls"]}


def test_not_satisfied_exactly_where_an_unwaived_finding_names_the_control():
    view = cached_view("noncompliant")
    matrix = control_matrix(view)
    expected = {(fw, c) for f in view.result.findings if f.waiver is None for fw, cs in f.controls.items() for c in cs}
    got = {key for key, c in controls(matrix).items() if c["status"] == "not-satisfied"}
    assert got == expected
    assert matrix["summary"]["not-satisfied"] == len(expected) > 20


def test_residency_control_lists_each_residency_finding_with_its_evidence():
    matrix = control_matrix(cached_view("noncompliant"))
    art44 = controls(matrix)[("gdpr", "Art.44")]
    assert art44["status"] == "not-satisfied"
    rules = {f["rule_id"] for f in art44["findings"]}
    assert {"RES-001", "RES-002", "RES-006", "RES-008", "RES-009"} <= rules
    res_001 = next(f for f in art44["findings"] if f["rule_id"] == "RES-001")
    assert "eu-centrl-1" in res_001["message"] and res_001["gate"] == "deny" and not res_001["waived"]
    assert res_001["evidence"] == ["inputs/system-acme-cx.json"]
    # the deployed global LLM routing is judged on the Terraform plan: its file is the evidence
    res_006 = [f for f in art44["findings"] if f["rule_id"] == "RES-006"]
    assert {f["subject"] for f in res_006} == {"system:acme-cx", "terraform/plan.json"}
    assert "inputs/terraform-plan-json.json" in art44["evidence"]
    # counts are of the findings listed
    assert art44["counts"]["deny"] == sum(f["gate"] == "deny" and not f["waived"] for f in art44["findings"])


def test_a_waived_finding_keeps_its_control_satisfied_and_visible():
    cc71 = controls(control_matrix(cached_view("noncompliant")))[("soc2", "CC7.1")]
    assert cc71["status"] == "satisfied"
    assert cc71["counts"] == {"deny": 0, "warn": 0, "waived": 1}
    [finding] = cc71["findings"]
    assert finding["rule_id"] == "SOC2-CC7.1-01" and finding["waived"]
    assert finding["waiver"]["ticket"] == "SEC-2291" and finding["waiver"]["expires"] == "2027-01-31"


def test_a_warning_is_not_satisfied_too():
    art32d = controls(control_matrix(cached_view("noncompliant")))[("gdpr", "Art.32(1)(d)")]
    assert art32d["status"] == "not-satisfied"
    assert art32d["counts"] == {"deny": 0, "warn": 1, "waived": 0}
    assert [f["rule_id"] for f in art32d["findings"]] == ["GDPR-32-05"]


def test_kubernetes_finding_points_at_its_manifest():
    cc68 = controls(control_matrix(cached_view("noncompliant")))[("soc2", "CC6.8")]
    [finding] = cc68["findings"]
    assert finding["subject"] == "k8s/retrieval.yaml#Deployment/acme-cx/retrieval"
    assert finding["evidence"] == ["inputs/k8s-retrieval-yaml-deployment-acme-cx-retrieval.json"]


def test_model_and_ui_controls_are_judged_on_their_own_evidence():
    view = cached_view("noncompliant")
    by_key = controls(control_matrix(view))
    art10 = by_key[("eu-ai-act", "Art.10")]
    assert art10["status"] == "not-satisfied"
    assert [f["subject"] for f in art10["findings"]] == [TRIAGE]  # the version without training data
    assert art10["evidence"] == ["models/acme-cx-triage-3.json"]
    [rule] = art10["rules"]
    assert rule["id"] == "TEAM-MLF-01" and rule["subjects"] == [ROUTER, TRIAGE]
    contrast = by_key[("wcag22", "1.4.3")]
    # the team's contrast rule and the builtin A/AA rule (its controls come from axe's wcag143 tag)
    # both fail the open state, and nothing else
    assert sorted((f["rule_id"], f["subject"]) for f in contrast["findings"]) == [
        ("TEAM-UI-01", f"{WIDGET}#open"), ("WCAG-A-AA-01", f"{WIDGET}#open")]
    # only the failing state's files, though both states share the page URL
    assert contrast["evidence"] == ["wcag/help-centre-widget-open.json", "wcag/help-centre-widget-open.png"]
    # the compliant version passes every builtin model rule: change control fails on the team's rule only
    cc81 = by_key[("soc2", "CC8.1")]
    assert [(f["rule_id"], f["subject"]) for f in cc81["findings"]] == [("TEAM-MLF-01", TRIAGE)]
    assert {r["id"] for r in cc81["rules"] if r["assessed"]} == {
        "SOC2-CC8.1-01", "SOC2-CC8.1-02", "SOC2-CC8.1-03", "TEAM-MLF-01"}


#: the controls only rules over model versions name: an audit that read no registry judges none of them
#: (Art.13(3)(b) is not among them: AIACT-15-01 also judges the descriptor's declared GenAI levels)
MODEL_ONLY_CONTROLS = {("eu-ai-act", c) for c in (
    "Art.10", "Art.10(2)", "Art.10(2)(f)", "Art.10(2)(g)", "Art.10(3)", "Art.11", "Annex IV",
    "Art.15(1)-(3)", "Art.15(4)", "Art.15(5)")}


def test_controls_whose_rules_judged_nothing_are_not_assessed():
    matrix = control_matrix(cached_view("compliant"))
    by_key = controls(matrix)
    # the team's and the builtin model rules judge model versions; this audit read no registry
    for key in MODEL_ONLY_CONTROLS:
        assert by_key[key]["status"] == "not-assessed", key
        assert by_key[key]["evidence"] == [] and all(not r["assessed"] for r in by_key[key]["rules"]), key
    assert {key for key, c in by_key.items() if c["status"] == "not-assessed"} == MODEL_ONLY_CONTROLS
    # CC8.1 also has a rule over the system view, and it fails closed: the descriptor deploys a model
    # version nobody read from the registry, which is not-satisfied, never "not assessed" or a pass
    cc81 = by_key[("soc2", "CC8.1")]
    assert cc81["status"] == "not-satisfied"
    [finding] = cc81["findings"]
    assert finding["rule_id"] == "SOC2-CC8.1-02" and finding["subject"] == "system:acme-cx"
    assert "acme-cx-intent-router was not read from the model registry" in finding["message"]
    assert finding["evidence"] == ["inputs/system-acme-cx.json"]
    assert {r["id"]: r["assessed"] for r in cc81["rules"]} == {
        "SOC2-CC8.1-01": False, "SOC2-CC8.1-02": True, "SOC2-CC8.1-03": False, "TEAM-MLF-01": False}
    assert matrix["summary"]["not-satisfied"] == 1
    assert matrix["summary"]["not-assessed"] == len(MODEL_ONLY_CONTROLS)
    # everything else was judged on the system view and the widget's scans, and passed
    assert by_key[("gdpr", "Art.44")]["status"] == "satisfied"
    evidence = by_key[("gdpr", "Art.44")]["evidence"]  # the residency rules judge manifests and plans too
    assert {"inputs/system-acme-cx.json", "inputs/terraform-plan-json.json",
            "inputs/k8s-chat-api-yaml-deployment-acme-cx-chat-api.json"} <= set(evidence)
    scans = by_key[("wcag22", "scan validity")]  # every state the descriptor lists was scanned
    assert scans["status"] == "satisfied" and len(scans["rules"][0]["subjects"]) == 7


def test_a_rule_that_judged_a_present_subject_and_passed_satisfies_its_controls():
    by_key = controls(control_matrix(cached_view("compliant")))
    # the widget was scanned in every state and is clean: the team's contrast rule is assessed and
    # passed, and the scans it judged are the evidence
    scanned = sorted(f"{WIDGET}#{state}" for state in STATES)
    for key in [("wcag22", "1.4.3"), ("en301549", "9.1.4.3")]:
        assert by_key[key]["status"] == "satisfied", key
        assert by_key[key]["evidence"] == sorted(f"wcag/help-centre-widget-{state}.{ext}"
                                                 for state in STATES for ext in ("json", "png"))
        # the team's contrast rule, and the builtin A/AA scan rules that name 1.4.3 (EN 9.1.4.3) whenever
        # axe-core fails it: listed though they passed, so the matrix keeps its shape as findings are fixed
        assert [(r["id"], r["subjects"]) for r in by_key[key]["rules"]] == [
            ("TEAM-UI-01", scanned), ("WCAG-A-AA-01", scanned), ("WCAG-A-AA-02", scanned)]


def test_order_is_stable_and_natural():
    view = cached_view("noncompliant")
    matrix = control_matrix(view)
    shuffled = dataclasses.replace(view, subjects=list(reversed(view.subjects)),
                                   files={k: list(reversed(v)) for k, v in reversed(view.files.items())})
    assert json.dumps(control_matrix(shuffled)) == json.dumps(matrix)
    assert [fw["id"] for fw in matrix["frameworks"]] == sorted(fw["id"] for fw in matrix["frameworks"])
    gdpr = [c["id"] for fw in matrix["frameworks"] if fw["id"] == "gdpr" for c in fw["controls"]]
    assert gdpr.index("Art.5(1)(e)") < gdpr.index("Art.9(2)(a)") < gdpr.index("Art.44")
    assert sorted(["CC6.10", "CC6.1", "CC6.8"], key=natural_key) == ["CC6.1", "CC6.8", "CC6.10"]
    assert matrix["format"] == "cxgov-controls/1" and matrix["created"] == view.created
