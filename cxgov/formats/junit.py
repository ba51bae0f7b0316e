"""JUnit XML for CI test reports: a testsuite per file and namespace, a testcase per check.

Counts match the verdict's (gate.verdict): every conftest-style test (success, exception, finding) is one
testcase. Deny findings are failures, warnings pass with the warning in system-out, waived findings and
exception rules are skipped. A document no selected rule judged is one more skipped testcase, in a
"not judged" suite of its file, whose message says what to give instead: never a pass.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field

from cxgov.formats._common import LABELS, annotated, control_tags, not_judged_hint, ordered, ordered_checks, where
from cxgov.formats.interface import Format
from cxgov.model import Finding, Result, SubjectRef

NOT_JUDGED = "not judged"  # the namespace of the suites listing documents nothing judged
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: object) -> str:
    """Text without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("\ufffd", str(text))


def namespace_of(finding: Finding) -> str:
    """The Rego package a finding came from: data.cxgov.residency.deny -> cxgov.residency."""
    package = finding.query.removeprefix("data.").rpartition(".")[0]
    return package or "main"


def _case(suite: ET.Element, classname: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", {"classname": _xml(classname), "name": _xml(name)})


def _finding_case(suite: ET.Element, f: Finding, namespace: str) -> None:
    case = _case(suite, namespace, f"{f.rule_id}: {f.subject}")
    if f.waiver is not None:
        ET.SubElement(case, "skipped", {"message": _xml(annotated(f))})
    elif f.gate == "deny":
        failure = ET.SubElement(case, "failure", {"message": _xml(f.message), "type": _xml(f.rule_id)})
        rule = f"{f.rule_id} {f.title}".strip()
        details = [f.message, "", f"rule: {rule} ({f.severity})", f"location: {where(f)}"]
        if f.controls:
            details.append("controls: " + ", ".join(control_tags(f.controls)))
        if f.remediation:
            details.append(f"remediation: {f.remediation}")
        failure.text = _xml("\n".join(details))
    else:
        out = ET.SubElement(case, "system-out")
        out.text = _xml(f"{LABELS['warn']} {where(f)} {f.rule_id} {annotated(f)}")


@dataclass
class _Suite:
    """What one testsuite holds before it is written."""

    findings: list[Finding] = field(default_factory=list)
    exceptions: list[tuple[str, str]] = field(default_factory=list)  # (subject, rule)
    successes: list[tuple[str, int, int]] = field(default_factory=list)  # (subject, i, of n)
    unjudged: list[SubjectRef] = field(default_factory=list)  # documents no selected rule judged


class JunitFormat(Format):
    """JUnit XML whose counts agree with the verdict's: failures = deny; skipped = waived + exceptions +
    documents not judged; tests = conftest-style tests + documents not judged."""

    name = "junit"
    extension = ".xml"

    def render(self, result: Result, *, color: bool = False) -> str:
        origin = {s.id: s.origin.file for s in result.subjects}
        suites: dict[tuple[str, str], _Suite] = defaultdict(_Suite)  # by (file, namespace)
        for f in ordered(result.findings):
            suites[(f.location.file or origin.get(f.subject) or f.subject, namespace_of(f))].findings.append(f)
        for c in ordered_checks(result.checks):
            bucket = suites[(origin.get(c.subject) or c.subject, c.namespace)]
            bucket.exceptions += [(c.subject, rule) for rule in sorted(c.exceptions)]
            bucket.successes += [(c.subject, i, c.successes) for i in range(1, c.successes + 1)]
        for s in sorted(result.unjudged(), key=lambda s: (s.origin.line or 0, s.id)):
            suites[(s.origin.file or s.id, NOT_JUDGED)].unjudged.append(s)

        root = ET.Element("testsuites", {"name": "cxgov"})
        totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
        for (file, namespace), content in sorted(suites.items()):
            suite = ET.SubElement(root, "testsuite", {"name": _xml(f"{file} - {namespace}")})
            for f in content.findings:
                _finding_case(suite, f, namespace)
            for subject, rule in content.exceptions:
                case = _case(suite, namespace, f"{rule}: {subject}")
                ET.SubElement(case, "skipped", {"message": _xml(f"exception: {rule} turned off")})
            for subject, i, n in content.successes:
                _case(suite, namespace, f"{subject}: passed {i} of {n}")
            for s in content.unjudged:
                case = _case(suite, namespace, f"{s.kind}: {s.id}")
                ET.SubElement(case, "skipped", {"message": _xml(f"not judged: {not_judged_hint(s.kind)}")})
            counts = {
                "tests": len(suite),
                "failures": len(suite.findall("testcase/failure")),
                "errors": 0,
                "skipped": len(suite.findall("testcase/skipped")),
            }
            for key, value in counts.items():
                suite.set(key, str(value))
                totals[key] += value
        for key, value in totals.items():
            root.set(key, str(value))
        ET.indent(root)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
