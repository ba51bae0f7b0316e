"""A Result as conftest's CheckResults (output/result.go), which its json, tap and table outputs print:
one per file and namespace, with `successes` (a count) and lists of results `{msg, loc, metadata}`
for `skipped`, `warnings`, `failures` and `exceptions`.

What goes where: unwaived deny findings are failures, unwaived warn findings warnings, an exception
rule that turned a rule off an exception (its message conftest's `data.<ns>.exception[_][_] ==
"<rule>"`), and what conftest has no word for is skipped: waived, suppressed and baselined findings
(message annotated with why) and documents no selected rule judged. The file is the evaluated
document's file (a model version's or page's URI; standard input `-`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from cxgov.formats._common import annotated, not_judged_hint, ordered, ordered_checks
from cxgov.formats.junit import namespace_of
from cxgov.model import Finding, Result


@dataclass
class CheckResult:
    filename: str
    namespace: str
    successes: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    exceptions: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """conftest's JSON: empty lists left out (`omitempty`), keys in its order."""
        out: dict[str, Any] = {"filename": self.filename, "namespace": self.namespace, "successes": self.successes}
        for key in ("skipped", "warnings", "failures", "exceptions"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out


def _strip_prefix(rule: str) -> str:
    """conftest's removeFailurePrefix: deny_x -> x, violation_x -> x."""
    for prefix in ("deny_", "violation_"):
        if rule.startswith(prefix):
            return rule[len(prefix):]
    return rule


def result_of(finding: Finding, message: str | None = None) -> dict[str, Any]:
    """One conftest Result: msg, loc when known, metadata (the rule result's other keys)."""
    out: dict[str, Any] = {"msg": message if message is not None else finding.message}
    if finding.location.file is not None:
        loc: dict[str, Any] = {"file": finding.location.file}
        if finding.location.line:
            loc["line"] = finding.location.line
        out["loc"] = loc
    metadata = dict(finding.metadata)
    if finding.resource:
        metadata.setdefault("resource", finding.resource)
    if metadata:
        out["metadata"] = metadata
    return out


def check_results(result: Result) -> list[CheckResult]:
    """The CheckResults of a Result, by file then namespace."""
    origin = {s.id: s.origin.file or s.id for s in result.subjects}
    groups: dict[tuple[str, str], CheckResult] = {}

    def group(subject: str, namespace: str) -> CheckResult:
        file = origin.get(subject, subject)
        return groups.setdefault((file, namespace), CheckResult(file, namespace))

    for c in ordered_checks(result.checks):
        g = group(c.subject, c.namespace)
        g.successes += c.successes
        g.exceptions += [{"msg": f"data.{c.namespace}.exception[_][_] == \"{_strip_prefix(rule)}\""}
                         for rule in sorted(c.exceptions)]
    for f in ordered(result.findings):
        g = group(f.subject, namespace_of(f))
        if f.waiver is not None:
            g.skipped.append(result_of(f, annotated(f)))
        elif f.gate == "deny":
            g.failures.append(result_of(f))
        else:
            g.warnings.append(result_of(f))
    unjudged: dict[str, list] = defaultdict(list)
    for s in result.unjudged():
        unjudged[s.origin.file or s.id].append(s)
    for file, subjects in unjudged.items():
        g = groups.setdefault((file, "not judged"), CheckResult(file, "not judged"))
        g.skipped += [{"msg": f"{s.id}: not judged: {not_judged_hint(s.kind)}"} for s in subjects]
    return [groups[k] for k in sorted(groups)]
