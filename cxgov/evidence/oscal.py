"""The bundle's OSCAL assessment results (oscal/assessment-results.json), built with compliance-trestle.

One result for the audit run:

- local definitions: cxgov as the assessing tool (a component) and one inventory item per
  evaluated subject (kind, id, sha256 of its document);
- observations: one per evaluated subject, made by testing (method TEST), with the subject's bundle
  files as relevant evidence and its findings in the description;
- findings: one per assessed control, targeting the control with status satisfied / not-satisfied
  as the control matrix decides (controls.py), related to the observations of the subjects its
  rules judged; waived findings are named in the remarks;
- reviewed controls: every assessed control. Controls that no rule could assess are named in the
  result's remarks rather than reported as satisfied.

The results import the bundle's assessment plan (assessment-plan.json beside them, oscal_plan.py),
which leads through the system security plan and profile to the bundle's catalog (oscal_catalog.py).
Control ids are the catalog's: OSCAL tokens, so `gdpr` `Art.5(1)(e)` becomes `gdpr-Art.5.1.e`; the
original framework and control stay in the finding's title and props. Every UUID is a version 5 UUID derived
from the content; timestamps are the bundle's `created`, and an observation's `collected` is when the
audit read that subject (the bundle's `collected`), so the same view gives the same document. compliance-trestle is heavy: it is imported here only, when a bundle is built.
"""

from __future__ import annotations

import functools
import uuid
from typing import Any

from cxgov import __version__
from cxgov.evidence.controls import control_matrix, framework_title, judged_subjects
from cxgov.evidence.oscal_catalog import NO_CONTROL, control_token
from cxgov.evidence.oscal_common import ASSESSMENT_PLAN, PROPS_NS, content_digest, derived, line, validate
from cxgov.evidence.sbom import NAMESPACE
from cxgov.evidence.view import BundleView
from cxgov.model import Finding

__all__ = ["PROPS_NS", "assessment_results", "control_token", "validate_assessment_results"]


def assessment_results(view: BundleView) -> dict[str, Any]:
    from trestle.oscal import OSCAL_VERSION
    from trestle.oscal import assessment_results as ar
    from trestle.oscal import common

    result = view.result
    created = view.created_at()
    root = uuid.uuid5(NAMESPACE, "oscal:" + content_digest(view))

    uid = functools.partial(derived, root)

    def prop(name: str, value: Any) -> Any:
        return common.Property(name=name, value=str(value), ns=PROPS_NS)

    tool_uuid = uid("tool", "cxgov")
    tool = common.SystemComponent(
        uuid=tool_uuid, type="software", title="cxgov",
        description=f"cxgov {__version__}: Rego policies over the system's inputs, evaluated with the "
                    f"{result.run.engine} engine {result.run.engine_version}",
        props=[prop("version", __version__), prop("policy-digest", result.run.policy_digest)],
        status=common.Status(state="operational"),
    )
    origin = [common.Origin(actors=[common.OriginActor(type="tool", actor_uuid=tool_uuid)])]
    by_subject: dict[str, list[Finding]] = {}
    for f in result.findings:
        by_subject.setdefault(f.subject, []).append(f)

    items, observations, observation_of = [], [], {}
    for ref in sorted(result.subjects, key=lambda s: s.id):
        item_uuid = uid("subject", ref.id)
        items.append(common.InventoryItem(
            uuid=item_uuid, description=f"{ref.kind} {ref.id}",
            props=[prop("subject-kind", ref.kind), prop("subject-id", ref.id), prop("sha256", ref.sha256)],
        ))
        findings = by_subject.get(ref.id, [])
        observation_of[ref.id] = uid("observation", ref.id)
        # OSCAL resolves an href against the document that holds it: oscal/assessment-results.json
        evidence = [common.RelevantEvidence(href="../" + file, description=_evidence_description(file))
                    for file in view.evidence(ref.id)]
        observations.append(common.Observation(
            uuid=observation_of[ref.id],
            title=line(f"{ref.kind} {ref.id}"),
            description=_observation_description(ref.id, findings),
            methods=["TEST"],
            types=["finding"] if findings else None,
            origins=origin,
            subjects=[common.SubjectReference(subject_uuid=item_uuid, type="inventory-item", title=line(ref.id))],
            relevant_evidence=evidence or None,
            collected=view.collected.get(ref.kind, created),  # when the audit read it (UI: the scan's time)
        ))

    judged = judged_subjects(view)
    matrix = control_matrix(view)
    oscal_findings, selected, not_assessed = [], [], []
    for framework in matrix["frameworks"]:
        for control in framework["controls"]:
            label = f"{framework_title(framework['id'])} {control['id']}"
            if control["status"] == "not-assessed":
                not_assessed.append(label)
                continue
            token = control_token(framework["id"], control["id"])
            selected.append(common.SelectControlById(control_id=token))
            subjects = sorted({s for r in control["rules"] for s in judged.get(r["id"], ())}
                              | {f["subject"] for f in control["findings"]})
            satisfied = control["status"] == "satisfied"
            waived = [f for f in control["findings"] if f["waived"]]
            oscal_findings.append(common.Finding(
                uuid=uid("finding", framework["id"], control["id"]),
                title=line(f"{label}: {control['status']}"),
                description=_finding_description(control),
                props=[prop("framework", framework["id"]), prop("control", control["id"]),
                       *[prop("rule", r["id"]) for r in control["rules"]]],
                origins=origin,
                target=common.FindingTarget(
                    type="objective-id", target_id=token, title=line(label),
                    status=common.ObjectiveStatus(state="satisfied" if satisfied else "not-satisfied",
                                                  reason="pass" if satisfied else "fail"),
                ),
                related_observations=[common.RelatedObservation(observation_uuid=observation_of[s])
                                      for s in subjects if s in observation_of] or None,
                remarks="\n".join(f"Waived: {f['rule_id']} on {f['subject']} (ticket {f['waiver']['ticket']}, approved "
                                  f"by {f['waiver']['approved_by']}, expires {f['waiver']['expires']})"
                                  for f in waived) or None,
            ))

    verdict = "pass" if result.verdict.passed else "fail"
    counts = result.verdict.counts
    remarks = ("Not assessed (no rule of these controls judged a subject of a kind it applies to): "
               + "; ".join(not_assessed)) if not_assessed else None
    document = ar.AssessmentResults(
        uuid=str(root),
        metadata=common.Metadata(
            title=line(f"cxgov assessment results: {view.system}"),
            published=created, last_modified=created, version=result.run.evaluation_date,
            oscal_version=OSCAL_VERSION,
            props=[prop("system", view.system), prop("evaluation-date", result.run.evaluation_date),
                   prop("verdict", verdict)],
        ),
        import_ap=ar.ImportAp(href=ASSESSMENT_PLAN),
        results=[ar.Result(
            uuid=uid("result"),
            title=line(f"Audit of {view.system} on {result.run.evaluation_date}"),
            description=(f"Verdict: {verdict}. {counts.get('deny', 0)} deny, {counts.get('warn', 0)} warn and "
                         f"{counts.get('waived', 0)} waived findings over {len(result.subjects)} subjects."),
            start=created, end=created,
            props=[prop("verdict", verdict)],
            local_definitions=ar.LocalDefinitions1(components=[tool], inventory_items=items or None),
            reviewed_controls=common.ReviewedControls(control_selections=[
                common.ControlSelections(include_controls=selected) if selected
                else common.ControlSelections(description="No control could be assessed.",
                                              include_controls=[common.SelectControlById(control_id=NO_CONTROL)])
            ]),
            observations=observations or None,
            findings=oscal_findings or None,
            remarks=remarks,
        )],
    )
    return document.oscal_dict()  # {"assessment-results": {...}}, JSON types only


def validate_assessment_results(document: dict[str, Any]) -> list[str]:
    """Errors from parsing the document with trestle's OSCAL models; empty when it is valid."""
    return validate("assessment_results", document)


def _evidence_description(file: str) -> str:
    if file.endswith(".png"):
        return "Screenshot of the scanned page state"
    if file.startswith("wcag/"):
        return "axe-core results for the scanned page state"
    if file.startswith("models/"):
        return "MLflow model-version snapshot"
    return "The evaluated input document, secrets redacted"


def _observation_description(subject: str, findings: list[Finding]) -> str:
    if not findings:
        return f"{subject}: every applicable rule passed."
    lines = [f"{subject}: {len(findings)} finding(s)."]
    for f in findings:
        status = "waived" if f.waiver else f.gate
        lines.append(f"- {f.rule_id} ({status}, {f.severity}): {f.message}")
    return "\n".join(lines)


def _finding_description(control: dict[str, Any]) -> str:
    rules = ", ".join(f"{r['id']} ({len(r['subjects'])} subject(s))" for r in control["rules"] if r["assessed"])
    lines = [f"Rules: {rules}."]
    for f in control["findings"]:
        status = "waived" if f["waived"] else f["gate"]
        lines.append(f"- {f['rule_id']} on {f['subject']} ({status}): {f['message']}")
    if len(lines) == 1:
        lines.append("No finding.")
    return "\n".join(lines)
