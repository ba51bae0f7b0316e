"""JUnit XML for test reporters: one test case per (rule, subject), in a suite per file.

- A case for every rule evaluated on a subject: the rule and subject of a finding, and each rule of
  a package the run evaluated on a subject (Result.checks) that found nothing there, which passed.
  Names (`RULE: subject`) are unique.
- Its status follows the gate. A case with a finding that fails the gate (an unwaived deny; with
  --fail-on warn, a warning too) is a `<failure>` listing all of the case's findings; one whose
  findings are warnings is `<skipped type="warning">`; waived, suppressed and baselined findings are
  `<skipped type="waived|suppressed|baselined">`; a rule an `exception` turned off is
  `<skipped type="exception">`. A document no selected rule judged is one more case,
  `<skipped type="not-judged">`, saying what to give instead: never a pass.
- Every case has `time` (0: rules are not timed one by one), and `file` and `line`: a repository
  file (a model version or UI state points at the descriptor line declaring it, cxgov.anchors), so
  annotating reporters can place it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from cxgov.anchors import Anchors
from cxgov.formats._common import annotated, control_tags, label, not_judged_hint, ordered, waiver_kind, where
from cxgov.formats.interface import Format
from cxgov.model import Finding, Result, RuleInfo

NOT_JUDGED = "not judged"  # the classname of the cases listing documents nothing judged
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SKIP_TYPES = {"waiver": "waived", "inline": "suppressed", "annotation": "suppressed", "baseline": "baselined"}


def _xml(text: object) -> str:
    """Text without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("\ufffd", str(text))


def namespace_of(finding: Finding) -> str:
    """The Rego package a finding came from: data.cxgov.residency.deny -> cxgov.residency."""
    package = finding.query.removeprefix("data.").rpartition(".")[0]
    return package or "main"


def fails_gate(finding: Finding, fail_on: str) -> bool:
    """An unwaived finding the gate counts as failing (--severity aside: the threshold is the verdict's)."""
    if finding.waiver is not None:
        return False
    return finding.gate == "deny" and fail_on != "never" or finding.gate == "warn" and fail_on == "warn"


def _details(findings: list[Finding]) -> str:
    out = []
    for f in findings:
        rule = f"{f.rule_id} {f.title}".strip()
        out += [f"{label(f)} {where(f)}: {annotated(f)}", f"  rule: {rule} ({f.severity})"]
        if f.controls:
            out.append("  controls: " + ", ".join(control_tags(f.controls)))
        if f.remediation and f.waiver is None:
            out.append(f"  remediation: {f.remediation}")
    return "\n".join(out)


def _summary(findings: list[Finding]) -> str:
    first = findings[0].message.splitlines()[0] if findings[0].message else findings[0].rule_id
    return first + (f" (and {len(findings) - 1} more)" if len(findings) > 1 else "")


class JunitFormat(Format[Result]):
    """JUnit XML: failures are the (rule, subject) cases that fail the gate; skipped the warnings,
    waived, suppressed, baselined and exception cases and the documents nothing judged."""

    name = "junit"
    extension = ".xml"

    def render(self, result: Result, *, color: bool = False) -> str:
        anchors = Anchors(result)
        subjects = {s.id: s for s in result.subjects}
        by_package: dict[str, list[RuleInfo]] = defaultdict(list)
        for info in result.rules.values():
            by_package[info.package].append(info)

        # (suite, subject, rule) -> the case's findings, classname, and exception
        cases: dict[tuple[str, str, str], dict] = {}

        def case(subject: str, rule_id: str, classname: str) -> dict:
            ref = subjects.get(subject)
            suite = (ref.origin.file if ref is not None and ref.origin.file else None) or subject
            return cases.setdefault((suite, subject, rule_id), {"findings": [], "classname": classname,
                                                                "exception": False})

        for f in ordered(result.findings):
            case(f.subject, f.rule_id, namespace_of(f))["findings"].append(f)
        for c in result.checks:
            ref = subjects.get(c.subject)
            kind = ref.kind if ref is not None else None
            for info in by_package.get(c.namespace, []):
                if info.applies_to and kind not in info.applies_to:
                    continue
                entry = case(c.subject, info.id, c.namespace)
                if info.rule in c.exceptions:
                    entry["exception"] = True
            for rule in c.exceptions:
                if not any(i.rule == rule for i in by_package.get(c.namespace, [])):
                    case(c.subject, f"{c.namespace}.{rule}", c.namespace)["exception"] = True

        root = ET.Element("testsuites", {"name": "cxgov"})
        suites: dict[str, ET.Element] = {}
        fail_on = result.verdict.fail_on
        for (suite_name, subject, rule_id), content in sorted(cases.items()):
            suite = suites.get(suite_name)
            if suite is None:
                suite = suites[suite_name] = ET.SubElement(root, "testsuite", {"name": _xml(suite_name)})
            findings = content["findings"]
            anchor = anchors.of(findings[0]) if findings else (
                anchors.of_subject(subjects[subject]) if subject in subjects else None)
            attrs = {"classname": _xml(content["classname"]), "name": _xml(f"{rule_id}: {subject}"), "time": "0"}
            if anchor is not None:
                attrs["file"] = _xml(anchor.file)
                if anchor.line:
                    attrs["line"] = str(anchor.line)
            element = ET.SubElement(suite, "testcase", attrs)
            failing = [f for f in findings if fails_gate(f, fail_on)]
            active = [f for f in findings if f.waiver is None]
            if failing:
                failure = ET.SubElement(element, "failure", {"message": _xml(_summary(failing)), "type": _xml(rule_id)})
                failure.text = _xml(_details(findings))
            elif active:
                skipped = ET.SubElement(element, "skipped", {"message": _xml("warning: " + _summary(active)),
                                                             "type": "warning"})
                skipped.text = _xml(_details(findings))
            elif findings:
                kind = _SKIP_TYPES.get(waiver_kind(findings[0].waiver), "waived")
                skipped = ET.SubElement(element, "skipped", {"message": _xml(annotated(findings[0])), "type": kind})
                skipped.text = _xml(_details(findings))
            elif content["exception"]:
                ET.SubElement(element, "skipped", {"message": _xml(f"exception: {rule_id} turned off for {subject}"),
                                                   "type": "exception"})
        for s in sorted(result.unjudged(), key=lambda s: (s.origin.file or s.id, s.origin.line or 0, s.id)):
            suite_name = s.origin.file or s.id
            suite = suites.get(suite_name)
            if suite is None:
                suite = suites[suite_name] = ET.SubElement(root, "testsuite", {"name": _xml(suite_name)})
            anchor = anchors.of_subject(s)
            attrs = {"classname": NOT_JUDGED, "name": _xml(f"{s.kind}: {s.id}"), "time": "0",
                     "file": _xml(anchor.file)}
            if anchor.line:
                attrs["line"] = str(anchor.line)
            case_element = ET.SubElement(suite, "testcase", attrs)
            ET.SubElement(case_element, "skipped", {"message": _xml(f"not judged: {not_judged_hint(s.kind)}"),
                                                    "type": "not-judged"})
        root[:] = [suites[name] for name in sorted(suites)]
        totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
        for suite in root:
            counts = {"tests": len(suite), "failures": len(suite.findall("testcase/failure")), "errors": 0,
                      "skipped": len(suite.findall("testcase/skipped"))}
            for key, value in counts.items():
                suite.set(key, str(value))
                totals[key] += value
            suite.set("time", "0")
        for key, value in totals.items():
            root.set(key, str(value))
        root.set("time", "0")
        ET.indent(root)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
