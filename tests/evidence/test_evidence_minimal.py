"""The renderers on an audit with nothing but a team's own conftest policies over Kubernetes files:
no descriptor, no model, no scan, and rules that name no control. Every output is still valid and
says what it lacks instead of inventing it."""

from __future__ import annotations

import pytest

from cxgov import pipeline
from cxgov.engine.embedded import EmbeddedEngine
from cxgov.engine.policyset import load
from cxgov.evidence.controls import control_matrix
from cxgov.evidence.oscal import assessment_results, validate_assessment_results
from cxgov.evidence.report import render_report
from cxgov.evidence.sbom import build_sbom, validate_sbom
from cxgov.evidence.view import BundleView
from cxgov.sources.files import FileSource
from cxgov.sources.interface import Given
from conftest import DATA, EVALUATION_DATE

CASE = DATA / "conftest"
PLAIN_POLICY = """\
package main

import rego.v1

deny contains msg if {
	input.kind == "Deployment"
	not input.spec.template.spec.securityContext.runAsNonRoot
	msg := concat("", ["Deployment ", input.metadata.name, " must set runAsNonRoot"])
}
"""


@pytest.fixture(scope="module")
def view(tmp_path_factory):
    policy = tmp_path_factory.mktemp("policy") / "main.rego"
    policy.write_text(PLAIN_POLICY)
    policies = load([str(policy)], [], builtin=False, root=CASE)
    subjects = list(FileSource([str(CASE / "files")], root=CASE).subjects())
    result = pipeline.run([Given(subjects)], policies, EmbeddedEngine(1), pipeline.Options(EVALUATION_DATE, root=CASE))
    assert result.findings and not any(f.controls for f in result.findings)
    return BundleView(result, "team-app", f"{EVALUATION_DATE}T00:00:00Z", subjects,
                      {s.id: [f"inputs/{i}.json"] for i, s in enumerate(subjects)})


def test_no_control_named_gives_an_empty_matrix(view):
    matrix = control_matrix(view)
    assert matrix["frameworks"] == []
    assert matrix["summary"] == {"satisfied": 0, "not-satisfied": 0, "not-assessed": 0}


def test_sbom_without_descriptor_is_the_bare_system_and_valid(view):
    sbom = build_sbom(view)
    assert validate_sbom(sbom) == []
    assert sbom["metadata"]["component"]["name"] == "team-app"
    assert "services" not in sbom and "components" not in sbom


def test_oscal_has_observations_and_no_control_finding(view):
    document = assessment_results(view)
    assert validate_assessment_results(document) == []
    result = document["assessment-results"]["results"][0]
    assert "findings" not in result
    assert len(result["observations"]) == len(view.result.subjects)
    [selection] = result["reviewed-controls"]["control-selections"]
    assert selection["description"] == "No control could be assessed."


def test_report_says_what_is_missing(view):
    html = render_report(view, {})
    assert "No rule in this audit names a control." in html
    assert "This audit evaluated no MLflow model version." in html
    assert "This audit scanned no user interface." in html
    # one collapsible group, anchored, per rule with findings
    assert html.count('<details class="rule" id="rule-') == len({f.rule_id for f in view.result.findings})
