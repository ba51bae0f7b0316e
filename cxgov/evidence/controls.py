"""The control matrix (controls.json): per framework, per control, was it met, and what shows it.

A control's rules are the rules whose METADATA `frameworks` name it. Its status:

- `not-assessed`: none of its rules judged a subject of a kind the rule applies to (e.g. model
  rules in a run without model versions, or a user package outside the chosen namespaces);
- `not-satisfied`: a finding of one of its rules is not covered by a waiver. A `warn` finding
  counts too: the gate decides whether a deploy is blocked, not whether the requirement is met;
- `satisfied`: its rules judged subjects and every finding (if any) is waived. Waived findings
  stay listed, with `waived` counted, so an accepted exception is never hidden.

The shape, for the JSON Schema in evidence/ (lists are in a fixed order: frameworks by id,
controls in natural order — Art.5 before Art.44 — findings by location, subject, rule, message):

    {
      "format": "cxgov-controls/1",
      "system": "acme-cx",
      "created": "2026-11-22T00:00:00Z",
      "evaluation_date": "2026-11-22",
      "summary": {"satisfied": 40, "not-satisfied": 12, "not-assessed": 3},
      "frameworks": [
        {
          "id": "gdpr", "title": "GDPR",
          "summary": {"satisfied": 9, "not-satisfied": 4, "not-assessed": 0},
          "controls": [
            {
              "id": "Art.44",
              "status": "not-satisfied",
              "counts": {"deny": 3, "warn": 1, "waived": 0},
              "rules": [{"id": "RES-001", "title": "...", "severity": "critical", "assessed": true,
                         "subjects": ["system:acme-cx"]}],
              "findings": [{"rule_id": "RES-001", "subject": "system:acme-cx", "gate": "deny",
                            "severity": "critical", "pre_enforcement": false, "waived": false,
                            "waiver": null | {"ticket", "approved_by", "expires", "reason"},
                            "message": "...", "location": {"file": "...", "line": 37},
                            "evidence": ["inputs/system.json"]}],
              "evidence": ["inputs/system.json"]
            }
          ]
        }
      ]
    }

`rules[].subjects` are the subjects the rule judged; `evidence` on a finding is the bundle files of
its subject (and of the subject whose file the finding points at); on a control, the files behind
its findings, or — when it has none — the files of every subject its rules judged.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from typing import Any

from cxgov.evidence.view import BundleView
from cxgov.model import Finding, RuleInfo, Subject

FORMAT = "cxgov-controls/1"
STATUSES = ("satisfied", "not-satisfied", "not-assessed")
FRAMEWORK_TITLES = {
    "eaa": "European Accessibility Act",
    "en301549": "EN 301 549",
    "eu-ai-act": "EU AI Act",
    "gdpr": "GDPR",
    "soc2": "SOC 2",
    "wcag22": "WCAG 2.2",
}


def framework_title(framework: str) -> str:
    return FRAMEWORK_TITLES.get(framework, framework)


@functools.lru_cache(maxsize=4096)
def natural_key(text: str) -> tuple:
    """Sort key that orders numbers by value: Art.5(1)(e) < Art.9 < Art.44; CC6.1 < CC6.10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
                 for part in re.split(r"(\d+)", text) if part)


def control_matrix(view: BundleView) -> dict[str, Any]:
    result = view.result
    judged = judged_subjects(view)
    by_control: dict[tuple[str, str], dict[str, Any]] = {}

    def entry(framework: str, control: str) -> dict[str, Any]:
        return by_control.setdefault((framework, control), {"rules": {}, "findings": []})

    for rule in result.rules.values():
        for framework, controls in rule.frameworks.items():
            for control in controls:
                entry(framework, control)["rules"][rule.id] = rule
    for finding in result.findings:
        for framework, controls in finding.controls.items():
            for control in controls:
                entry(framework, control)["findings"].append(finding)

    frameworks: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_file = subjects_by_file(view)
    for (framework, control), data in by_control.items():
        frameworks[framework].append(_control(view, control, data["rules"], data["findings"], judged, by_file))
    out = []
    for framework in sorted(frameworks):
        controls = sorted(frameworks[framework], key=lambda c: natural_key(c["id"]))
        out.append({"id": framework, "title": framework_title(framework), "summary": _summary(controls),
                    "controls": controls})
    return {
        "format": FORMAT,
        "system": view.system,
        "created": view.created,
        "evaluation_date": result.run.evaluation_date,
        "summary": _summary([c for f in out for c in f["controls"]]),
        "frameworks": out,
    }


def judged_subjects(view: BundleView) -> dict[str, set[str]]:
    """Rule id -> the subjects it judged: its package was evaluated on a subject of a kind the rule
    applies to (the engine records one Check per subject and package), or it reported a finding."""
    result = view.result
    kinds = {s.id: s.kind for s in result.subjects}
    by_package: dict[str, set[str]] = defaultdict(set)
    for check in result.checks:
        by_package[check.namespace].add(check.subject)
    judged: dict[str, set[str]] = {}
    for rule in result.rules.values():
        judged[rule.id] = {s for s in by_package.get(rule.package, ())
                           if not rule.applies_to or kinds.get(s) in rule.applies_to}
    for finding in result.findings:
        judged.setdefault(finding.rule_id, set()).add(finding.subject)
    return judged


def subjects_by_file(view: BundleView) -> dict[str, list[Subject]]:
    """Subjects by the file they came from, each file's in line order."""
    index: dict[str, list[Subject]] = defaultdict(list)
    for subject in view.subjects:
        if subject.origin.file:
            index[subject.origin.file].append(subject)
    for subjects in index.values():
        subjects.sort(key=lambda s: (s.origin.line or 0, s.id))
    return index


def finding_evidence(view: BundleView, finding: Finding, by_file: dict[str, list[Subject]] | None = None) -> list[str]:
    """The bundle files behind a finding: its subject's, and those of the subject whose file it points
    at (a RES-008 finding on the system view points at the Terraform plan it compared). Pass
    `subjects_by_file(view)` when asking for many findings."""
    files = set(view.evidence(finding.subject))
    loc = finding.location
    here = (by_file if by_file is not None else subjects_by_file(view)).get(loc.file or "", [])
    if here and finding.subject not in {s.id for s in here}:
        # the document of that file the line falls in: the last one starting at or before it
        before = [s for s in here if (s.origin.line or 0) <= (loc.line or 0)] or here[:1]
        files.update(view.evidence(before[-1].id))
    return sorted(files)


def finding_entry(view: BundleView, finding: Finding, by_file: dict[str, list[Subject]] | None = None) -> dict[str, Any]:
    w = finding.waiver
    return {
        "rule_id": finding.rule_id,
        "subject": finding.subject,
        "gate": finding.gate,
        "severity": finding.severity,
        "pre_enforcement": finding.pre_enforcement,
        "waived": w is not None,
        "waiver": {"ticket": w.ticket, "approved_by": w.approved_by, "expires": w.expires, "reason": w.reason}
        if w else None,
        "message": finding.message,
        "location": finding.location.to_dict(),
        "evidence": finding_evidence(view, finding, by_file),
    }


def _control(view: BundleView, control: str, rules: dict[str, RuleInfo], findings: list[Finding],
             judged: dict[str, set[str]], by_file: dict[str, list[Subject]]) -> dict[str, Any]:
    findings = sorted(findings, key=lambda f: (f.sort_key(), f.gate))
    assessed_rules = [r for r in rules if judged.get(r)] + [f.rule_id for f in findings]
    active = [f for f in findings if f.waiver is None]
    if active:
        status = "not-satisfied"
    elif assessed_rules:
        status = "satisfied"
    else:
        status = "not-assessed"
    entries = [finding_entry(view, f, by_file) for f in findings]
    if entries:
        evidence = sorted({file for e in entries for file in e["evidence"]})
    else:
        evidence = sorted({file for r in rules for s in judged.get(r, ()) for file in view.evidence(s)})
    rule_ids = sorted(set(rules) | {f.rule_id for f in findings}, key=natural_key)
    return {
        "id": control,
        "status": status,
        "counts": {
            "deny": sum(f.gate == "deny" for f in active),
            "warn": sum(f.gate == "warn" for f in active),
            "waived": len(findings) - len(active),
        },
        "rules": [_rule(rule_id, rules.get(rule_id), findings, judged) for rule_id in rule_ids],
        "findings": entries,
        "evidence": evidence,
    }


def _rule(rule_id: str, info: RuleInfo | None, findings: list[Finding], judged: dict[str, set[str]]) -> dict[str, Any]:
    subjects = sorted(judged.get(rule_id, ()))
    title = info.title if info else next(f.title for f in findings if f.rule_id == rule_id)
    severity = info.severity if info else next(f.severity for f in findings if f.rule_id == rule_id)
    return {"id": rule_id, "title": title, "severity": severity, "assessed": bool(subjects), "subjects": subjects}


def _summary(controls: list[dict[str, Any]]) -> dict[str, int]:
    return {status: sum(c["status"] == status for c in controls) for status in STATUSES}
