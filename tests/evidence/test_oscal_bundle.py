"""The OSCAL documents of a real acme-cx audit bundle: catalog, component definition, profile, system
security plan, assessment plan and results all parse in compliance-trestle and validate against NIST's
schema, their imports resolve inside the bundle (trestle resolves the profile against the bundle's
catalog), and every control id the results use is a control of that catalog."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import pytest
from trestle.oscal import assessment_plan, assessment_results, catalog, component, profile, ssp

from cxgov.catalog import catalog as rule_catalog
from cxgov.evidence import oscal_plan
from cxgov.evidence.build import dumps
from cxgov.evidence.controls import rule_controls
from cxgov.evidence.oscal import assessment_results as build_results
from cxgov.evidence.oscal_catalog import NO_CONTROL, bundle_catalog, control_ids, control_token, shipped_bytes
from cxgov.evidence.oscal_common import validate
from cxgov.evidence.oscal_component import component_definition
from cxgov.model import RuleInfo
from evidence_support import cached_view
from test_evidence_oscal import nist, schema_errors  # noqa: F401  (the NIST OSCAL schema fixture)

# bundle file -> (root key, trestle's model of that document)
DOCUMENTS = {
    "oscal/catalog.json": ("catalog", catalog.Catalog),
    "oscal/profile.json": ("profile", profile.Profile),
    "oscal/component-definition.json": ("component-definition", component.ComponentDefinition),
    "oscal/system-security-plan.json": ("system-security-plan", ssp.SystemSecurityPlan),
    "oscal/assessment-plan.json": ("assessment-plan", assessment_plan.AssessmentPlan),
    "oscal/assessment-results.json": ("assessment-results", assessment_results.AssessmentResults),
}


def every_document(view) -> dict[str, dict]:
    """The bundle's OSCAL documents for a view, by trestle's module name for each."""
    return {"catalog": bundle_catalog(view), "component": component_definition(view),
            "profile": oscal_plan.profile(view), "ssp": oscal_plan.system_security_plan(view),
            "assessment_plan": oscal_plan.assessment_plan(view), "assessment_results": build_results(view)}


def read(bundle, name: str) -> dict:
    return json.loads((bundle.bundle / name).read_text())


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_each_document_validates_in_trestle_and_against_the_nist_schema(noncompliant_bundle, nist, name):  # noqa: F811
    document = read(noncompliant_bundle, name)
    key, model = DOCUMENTS[name]
    assert list(document) == [key]
    parsed = model.model_validate(document[key])
    assert str(parsed.uuid) == document[key]["uuid"]
    assert schema_errors(nist, document) == []
    manifest = json.loads((noncompliant_bundle.bundle / "manifest.json").read_text())
    assert name in {f["path"] for f in manifest["files"]}  # hashed, signed and verified like every file


def test_the_bundle_holds_the_shipped_catalog(noncompliant_bundle):
    assert (noncompliant_bundle.bundle / "oscal" / "catalog.json").read_bytes() == shipped_bytes()


def test_the_imports_resolve_offline_inside_the_bundle(noncompliant_bundle, tmp_path, monkeypatch):
    from trestle.core.profile_resolver import ProfileResolver

    oscal = noncompliant_bundle.bundle / "oscal"
    results = read(noncompliant_bundle, "oscal/assessment-results.json")["assessment-results"]
    plan = json.loads((oscal / results["import-ap"]["href"]).read_text())["assessment-plan"]
    plan_ssp = json.loads((oscal / plan["import-ssp"]["href"]).read_text())["system-security-plan"]
    baseline = json.loads((oscal / plan_ssp["import-profile"]["href"]).read_text())["profile"]
    [imported] = baseline["imports"]
    assert imported["href"] == "catalog.json"
    definition = read(noncompliant_bundle, "oscal/component-definition.json")["component-definition"]
    assert {ci["source"] for c in definition["components"] for ci in c["control-implementations"]} == {"catalog.json"}
    # the plan names the catalog by its sha256
    [catalog_link] = [r["rlinks"][0] for r in plan["back-matter"]["resources"] if r["rlinks"][0]["href"] == "catalog.json"]
    assert catalog_link["hashes"] == [{"algorithm": "SHA-256",
                                       "value": hashlib.sha256((oscal / "catalog.json").read_bytes()).hexdigest()}]
    # an OSCAL tool resolves the profile against the bundle's catalog: trestle, relative to oscal/
    (tmp_path / ".trestle").mkdir()
    monkeypatch.chdir(oscal)
    resolved = ProfileResolver.get_resolved_profile_catalog(tmp_path, "profile.json")
    ids = set()

    def walk(node) -> None:
        for group in getattr(node, "groups", None) or []:
            walk(group)
        for control in getattr(node, "controls", None) or []:
            ids.add(control.id)
            walk(control)

    walk(resolved)
    selected = set(imported["include-controls"][0]["with-ids"])
    assert selected and ids == selected


def test_every_control_id_used_resolves_in_the_bundle_catalog(noncompliant_bundle):
    ids = control_ids(read(noncompliant_bundle, "oscal/catalog.json"))
    [result] = read(noncompliant_bundle, "oscal/assessment-results.json")["assessment-results"]["results"]
    reviewed = {c["control-id"] for s in result["reviewed-controls"]["control-selections"] for c in s["include-controls"]}
    targets = {f["target"]["target-id"] for f in result["findings"]}
    assert reviewed and targets and reviewed | targets <= ids
    plan = read(noncompliant_bundle, "oscal/assessment-plan.json")["assessment-plan"]
    planned = {c["control-id"] for s in plan["reviewed-controls"]["control-selections"] for c in s["include-controls"]}
    assert reviewed <= planned <= ids
    baseline = read(noncompliant_bundle, "oscal/profile.json")["profile"]
    assert set(baseline["imports"][0]["include-controls"][0]["with-ids"]) == planned
    plan_ssp = read(noncompliant_bundle, "oscal/system-security-plan.json")["system-security-plan"]
    assert {r["control-id"] for r in plan_ssp["control-implementation"]["implemented-requirements"]} == planned
    # the controls an auditor looks for first are there, with their titles
    controls = {c["id"]: c for g in read(noncompliant_bundle, "oscal/catalog.json")["catalog"]["groups"]
                for c in g["controls"]}
    assert controls["gdpr-Art.44"]["title"] == "General principle for transfers"
    assert {"gdpr-Art.44", "soc2-CC8.1", "eu-ai-act-Art.10.2", "wcag22-1.4.3"} <= targets


def test_the_component_definition_maps_each_builtin_rule_to_its_controls(noncompliant_bundle):
    definition = read(noncompliant_bundle, "oscal/component-definition.json")["component-definition"]
    [builtin] = [c for c in definition["components"] if c["title"] == "cxgov builtin policy packs"]
    [implementation] = builtin["control-implementations"]
    requirements = implementation["implemented-requirements"]
    assert len({r["control-id"] for r in requirements}) == len(requirements)  # one per control
    rules_of = {r["control-id"]: {p["value"] for p in r["props"] if p["name"] == "rule-id"} for r in requirements}
    expected: dict[str, set[str]] = {}
    builtin_rules = [r for r in rule_catalog([], builtin=True) if r.builtin]
    for rule in builtin_rules:
        for framework, controls in rule_controls(rule).items():
            for control in controls:
                expected.setdefault(control_token(framework, control), set()).add(rule.id)
    assert rules_of == expected
    assert {p["value"] for p in builtin["props"] if p["name"] == "rule-id"} == {r.id for r in builtin_rules}
    assert rules_of["gdpr-Art.44"] >= {"RES-001", "RES-002"}
    art44 = next(r for r in requirements if r["control-id"] == "gdpr-Art.44")
    assert "RES-001 (Every processing location resolves to a country)" in art44["description"]


def test_the_documents_are_a_function_of_the_view():
    view = cached_view("noncompliant")
    for build in (bundle_catalog, component_definition, oscal_plan.profile, oscal_plan.system_security_plan,
                  oscal_plan.assessment_plan):
        first = dumps(build(view))
        assert dumps(build(view)) == first, build.__name__
    later = replace(view, created="2026-11-23T08:00:00Z")
    plan = oscal_plan.assessment_plan(later)["assessment-plan"]
    assert plan["metadata"]["last-modified"] == "2026-11-23T08:00:00Z"
    assert plan["uuid"] != oscal_plan.assessment_plan(view)["assessment-plan"]["uuid"]
    assert all(u[14] == "5" for u in (plan["uuid"], plan["tasks"][0]["uuid"]))  # version 5: derived


def test_controls_only_a_team_rule_maps_join_the_bundle_catalog():
    view = cached_view("noncompliant")
    team = RuleInfo(id="TEAM-ISO-01", title="Assets have owners", frameworks={"iso27001": ["A.5.9"], "gdpr": ["Art.44"]},
                    package="team.iso")
    narrowed = replace(view, result=replace(view.result, rules={"TEAM-ISO-01": team}, findings=[]))
    documents = every_document(narrowed)
    assert {k: validate(k, d) for k, d in documents.items()} == {k: [] for k in documents}
    ids = control_ids(documents["catalog"])
    [run_group] = [g for g in documents["catalog"]["catalog"]["groups"] if g["id"] == "cxgov-run"]
    # the team rule judged nothing, so no control was assessed: the placeholder the results review resolves too
    assert {c["id"] for c in run_group["controls"]} == {"iso27001-A.5.9", NO_CONTROL}
    [result] = documents["assessment_results"]["assessment-results"]["results"]
    assert result["reviewed-controls"]["control-selections"][0]["include-controls"] == [{"control-id": NO_CONTROL}]
    planned = documents["profile"]["profile"]["imports"][0]["include-controls"][0]["with-ids"]
    assert planned == ["gdpr-Art.44", "iso27001-A.5.9"] and set(planned) <= ids
    [team_component] = documents["component"]["component-definition"]["components"]
    assert team_component["title"] == "acme-cx team policies"


def test_a_run_that_maps_no_control_still_resolves():
    view = cached_view("compliant")
    empty = replace(view, result=replace(view.result, rules={}, findings=[]))
    documents = every_document(empty)
    assert {k: validate(k, d) for k, d in documents.items()} == {k: [] for k in documents}
    assert "components" not in documents["component"]["component-definition"]
    assert documents["profile"]["profile"]["imports"][0]["include-controls"][0]["with-ids"] == [NO_CONTROL]
    assert NO_CONTROL in control_ids(documents["catalog"])
