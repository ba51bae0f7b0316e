"""controls.json: the control matrix of real audits of acme-cx (builtin packs and a team's rules over
model versions and UI scans), checked control by control against the example's known findings."""

from __future__ import annotations

import dataclasses
import json

from cxgov.evidence.controls import control_matrix, natural_key
from evidence_support import ROUTER, TRIAGE, WIDGET, cached_view


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
    assert [f["subject"] for f in contrast["findings"]] == [f"{WIDGET}#open"]
    # only the failing state's files, though both states share the page URL
    assert contrast["evidence"] == ["wcag/help-centre-widget-open.json", "wcag/help-centre-widget-open.png"]


def test_controls_whose_rules_judged_nothing_are_not_assessed():
    matrix = control_matrix(cached_view("compliant"))
    by_key = controls(matrix)
    # the team's model rule judges model versions; this audit read no registry
    for key in [("eu-ai-act", "Art.10"), ("soc2", "CC8.1")]:
        assert by_key[key]["status"] == "not-assessed", key
        assert by_key[key]["evidence"] == [] and all(not r["assessed"] for r in by_key[key]["rules"])
    assert matrix["summary"]["not-satisfied"] == 0
    assert matrix["summary"]["not-assessed"] == 2
    # everything else was judged on the system view and passed
    assert by_key[("gdpr", "Art.44")]["status"] == "satisfied"
    evidence = by_key[("gdpr", "Art.44")]["evidence"]  # the residency rules judge manifests and plans too
    assert {"inputs/system-acme-cx.json", "inputs/terraform-plan-json.json",
            "inputs/k8s-chat-api-yaml-deployment-acme-cx-chat-api.json"} <= set(evidence)


def test_a_rule_that_judged_a_present_subject_and_passed_satisfies_its_controls():
    by_key = controls(control_matrix(cached_view("compliant")))
    # the widget was scanned and is clean: the team's contrast rule is assessed and passed
    for key in [("wcag22", "1.4.3"), ("en301549", "9.1.4.3")]:
        assert by_key[key]["status"] == "satisfied", key
        assert by_key[key]["evidence"] == ["wcag/help-centre-widget-open.json", "wcag/help-centre-widget-open.png"]
        assert by_key[key]["rules"][0]["subjects"] == [f"{WIDGET}#open"]


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
