"""The control matrix (controls.json): per framework, per control, was it met, and what shows it.

The matrix lists every control the selected policies map, for each framework they name: the
controls of each rule's METADATA `frameworks` (the catalog in Result.rules), and the WCAG success
criteria and EN 301 549 clauses the builtin A/AA scan rules name per violation from axe-core's tags
(axe_controls.json). So it has the same controls whether findings pass or fail; only a control that a
team rule names in a result's `_controls` and not in its METADATA can appear with its finding alone.
A control's rules are the rules that map it. Its status, one of three and nothing else:

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
          "counts": {"deny": 30, "warn": 3, "waived": 1},
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

A framework's `counts` are the findings that map to it, each counted once (Verdict.by_framework, as
every format shows them); a control's `counts` are the findings that name it.
`rules[].subjects` are the subjects the rule judged; `evidence` on a finding is the bundle files of
its subject (and of the subject whose file the finding points at); on a control, the files behind
its findings, or — when it has none — the files of every subject its rules judged.
"""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from cxgov.evidence.view import BundleView
from cxgov.model import Finding, Result, RuleInfo, Subject

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
    frameworks: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_file = subjects_by_file(view)
    for (framework, control), (rules, findings) in control_index(result).items():
        frameworks[framework].append(_control(view, control, rules, findings, judged, by_file))
    out = []
    zero = {"deny": 0, "warn": 0, "waived": 0}
    for framework in sorted(frameworks):
        controls = sorted(frameworks[framework], key=lambda c: natural_key(c["id"]))
        # findings that map to the framework, each counted once: the verdict's by_framework, never a sum
        # over controls (a finding naming three criteria is one finding)
        out.append({"id": framework, "title": framework_title(framework), "summary": _summary(controls),
                    "counts": dict(result.verdict.by_framework.get(framework, zero)), "controls": controls})
    return {
        "format": FORMAT,
        "system": view.system,
        "created": view.created,
        "evaluation_date": result.run.evaluation_date,
        "summary": _summary([c for f in out for c in f["controls"]]),
        "frameworks": out,
    }


@functools.lru_cache(maxsize=1)
def _axe_controls() -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    from importlib.resources import files

    data = json.loads(files("cxgov.evidence").joinpath("axe_controls.json").read_text(encoding="utf-8"))
    return frozenset(data["named_by"]), {fw: tuple(ids) for fw, ids in data["controls"].items()}


def rule_controls(rule: RuleInfo) -> dict[str, list[str]]:
    """The controls a rule maps: its METADATA frameworks and, for the builtin WCAG rules that name the
    success criteria and EN 301 549 clauses of each violation from axe-core's tags (`_controls`), every
    criterion and clause axe-core's A/AA rules carry (axe_controls.json). So a criterion is in the matrix
    whether or not a scan fails it, and the matrix has the same controls however many findings are fixed."""
    named_by, axe = _axe_controls()
    if not (rule.builtin and rule.id in named_by):
        return rule.frameworks
    merged = {fw: list(ids) for fw, ids in rule.frameworks.items()}
    for fw, ids in axe.items():
        merged[fw] = list(dict.fromkeys([*merged.get(fw, []), *ids]))
    return merged


def control_index(result: Result) -> dict[tuple[str, str], tuple[dict[str, RuleInfo], list[Finding]]]:
    """(framework, control) -> (the rules that map it, its findings), for every control the selected
    policies map (the catalog in result.rules), with findings or without; plus any control only a
    finding names (a team rule's `_controls` outside its METADATA), which cannot be known before."""
    index: dict[tuple[str, str], tuple[dict[str, RuleInfo], list[Finding]]] = {}

    def entry(framework: str, control: str) -> tuple[dict[str, RuleInfo], list[Finding]]:
        return index.setdefault((framework, control), ({}, []))

    for rule in result.rules.values():
        for framework, controls in rule_controls(rule).items():
            for control in controls:
                entry(framework, control)[0][rule.id] = rule
    for finding in result.findings:
        for framework, controls in finding.controls.items():
            for control in dict.fromkeys(controls):
                entry(framework, control)[1].append(finding)
    return index


def status_of(rules: Iterable[str], findings: list[Finding], judged: dict[str, set[str]]) -> str:
    """not-satisfied: an unwaived finding (deny or warn); satisfied: its rules judged subjects and every
    finding is waived (or there is none); not-assessed: none of its rules judged anything."""
    if any(f.waiver is None for f in findings):
        return "not-satisfied"
    if findings or any(judged.get(r) for r in rules):
        return "satisfied"
    return "not-assessed"


def control_statuses(result: Result) -> dict[str, str]:
    """`framework:control` -> satisfied / not-satisfied / not-assessed for every control of the matrix:
    what `evidence diff` and drift compare."""
    judged = rules_judged(result)
    return {f"{framework}:{control}": status_of(rules, findings, judged)
            for (framework, control), (rules, findings) in sorted(control_index(result).items())}


def judged_subjects(view: BundleView) -> dict[str, set[str]]:
    """Rule id -> the subjects it judged, in the view's run (see rules_judged)."""
    return rules_judged(view.result)


def rules_judged(result: Result) -> dict[str, set[str]]:
    """Rule id -> the subjects it judged: its package was evaluated on a subject of a kind the rule
    applies to (the engine records one Check per subject and package), or it reported a finding."""
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
    status = status_of(rules, findings, judged)
    active = [f for f in findings if f.waiver is None]
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
