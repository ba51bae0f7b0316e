"""Inline suppressions and baselines: findings a team has looked at, kept visible but not gating.

**Inline.** A comment on the offending line, or on comment lines right above it, names the rules it
suppresses and says why; the reason is mandatory:

    image: registry.acme.eu/chat@sha256:...   # cxgov:ignore K8S-TAG pinned by digest in the deploy job
    # cxgov:ignore RES-002,RES-003 -- the DPF-certified US region, see DPA-17
    region = "us-east-1"

`#` comments work in YAML, HCL (`.tf`) and TOML, `//` in HCL. JSON has no comments; Kubernetes
manifests (YAML or JSON) can carry the same as an annotation, `cxgov.io/ignore.<RULE>: <reason>`,
which suppresses the rule for that object. A finding about a model version or a UI page is
suppressed by a comment next to the descriptor line that declares it (cxgov.anchors). Rules are ids
or globs. A suppression without a reason does not apply and is itself a GOV-005 finding, so a
careless comment can never pass a gate silently.

**Baseline.** `cxgov check --baseline FILE` reads a JSON result (`cxgov check -o json`): a finding
whose identity (Finding.key: rule, subject, resource, field) the baseline holds is reported as
baselined; new findings gate as usual.

Both mark a finding with a Suppression, a kind of Waiver, so every output shows it beside the waived
ones (counted in `waived`, labelled SUPPRESSED or BASELINED, a SARIF suppression).
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cxgov.anchors import Anchors, is_repository_file
from cxgov.errors import InputError
from cxgov.model import Finding, Location, Result, RuleInfo, Subject, Waiver, finding_key

KINDS = ("inline", "annotation", "baseline")
ANNOTATION_PREFIX = "cxgov.io/ignore."
_COMMENT = re.compile(r"(?:#|//)\s*cxgov:ignore\b(?P<rest>.*)$")
_RULES = re.compile(r"\s*(?P<rules>[^\s,:]+(?:\s*,\s*[^\s,:]+)*)(?P<reason>.*)$")

GOV_005 = RuleInfo(
    id="GOV-005",
    title="Inline suppressions name a rule and give a reason",
    description="A `cxgov:ignore` comment or `cxgov.io/ignore.<RULE>` annotation must name the rules it suppresses "
                "and say why; one that does not is not applied.",
    severity="high",
    gate="deny",
    frameworks={"soc2": ["CC8.1"]},
    remediation="Write `# cxgov:ignore RULE-ID the reason` next to the line, or remove the comment.",
    package="cxgov.suppressions",
    rule="deny",
    builtin=True,
)


@dataclass(frozen=True, slots=True)
class Suppression(Waiver):
    """A finding a team suppressed next to its line (`inline`, `annotation`) or knew of (`baseline`)."""

    kind: str = "inline"

    def to_dict(self) -> dict[str, Any]:
        return {**Waiver.to_dict(self), "kind": self.kind}


def kind_of(waiver: Waiver | None) -> str | None:
    """"waiver", "inline", "annotation" or "baseline"; None for an unwaived finding."""
    if waiver is None:
        return None
    return waiver.kind if isinstance(waiver, Suppression) else "waiver"


@dataclass(frozen=True)
class Comment:
    rules: tuple[str, ...]
    reason: str
    where: Location
    problem: str | None = None


def parse_comment(text: str, where: Location) -> Comment | None:
    """The `cxgov:ignore` comment in one line of text, or None."""
    m = _COMMENT.search(text)
    if not m:
        return None
    parts = _RULES.match(m.group("rest"))
    if not parts:
        return Comment((), "", where, "it names no rule: write `cxgov:ignore RULE-ID reason`")
    rules = tuple(r.strip() for r in parts.group("rules").split(",") if r.strip())
    reason = parts.group("reason").strip().lstrip(":-–— ").strip()
    if not reason:
        return Comment(rules, "", where, "it gives no reason: write `cxgov:ignore " + ",".join(rules) + " <why>`")
    return Comment(rules, reason, where)


@dataclass
class Inline:
    """Finds the suppressions next to findings, reading each file once."""

    root: Path
    anchors: Anchors
    annotations: dict[str, list[Comment]] = field(default_factory=dict)  # subject id -> its annotations
    problems: dict[tuple[str, int | None], Comment] = field(default_factory=dict)
    _lines: dict[str, list[str]] = field(default_factory=dict)

    def lines(self, file: str) -> list[str]:
        if file not in self._lines:
            try:
                self._lines[file] = (self.root / file).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[file] = []
        return self._lines[file]

    def comments(self, file: str, line: int | None) -> list[Comment]:
        """The comment on `line` and those on the comment-only lines right above it."""
        lines = self.lines(file)
        if not line or line > len(lines):
            return []
        found = []
        same = parse_comment(lines[line - 1], Location(file, line))
        if same:
            found.append(same)
        n = line - 1
        while n >= 1 and lines[n - 1].lstrip().startswith(("#", "//")):
            above = parse_comment(lines[n - 1], Location(file, n))
            if above:
                found.append(above)
            n -= 1
        return found

    def suppress(self, finding: Finding) -> Finding:
        if finding.waiver is not None:
            return finding
        anchor = self.anchors.of(finding)
        candidates = []
        if anchor.declared and is_repository_file(anchor.file):
            candidates += self.comments(anchor.file, anchor.line)
        candidates += self.annotations.get(finding.subject, [])
        for c in candidates:
            if not any(fnmatch.fnmatchcase(finding.rule_id, r) for r in c.rules):
                continue
            if c.problem:
                self.problems.setdefault((c.where.file, c.where.line), c)
                continue
            kind = "annotation" if c in self.annotations.get(finding.subject, []) else "inline"
            return replace(finding, waiver=Suppression(
                rule=",".join(c.rules), subject=finding.subject, reason=c.reason, approved_by="", requested_by="",
                ticket="", expires="", source=c.where, resource=finding.resource, kind=kind))
        # a malformed comment naming no rule, or giving none at all, is reported wherever it sits
        for c in candidates:
            if c.problem and not c.rules:
                self.problems.setdefault((c.where.file, c.where.line), c)
        return finding

    def problem_findings(self) -> list[Finding]:
        out = []
        for (file, line), c in sorted(self.problems.items(), key=lambda kv: (kv[0][0] or "", kv[0][1] or 0)):
            where = f"{file}:{line}" if line else str(file)
            out.append(Finding(
                rule_id=GOV_005.id, title=GOV_005.title, severity=GOV_005.severity, gate="deny",
                message=f"suppression at {where} does not apply: {c.problem}", subject=where,
                location=Location(file, line), controls=GOV_005.frameworks, remediation=GOV_005.remediation,
                query="cxgov.suppressions"))
        return out


def annotation_comments(subjects: Iterable[Subject]) -> dict[str, list[Comment]]:
    """`cxgov.io/ignore.<RULE>: <reason>` annotations of Kubernetes objects, by subject id."""
    out: dict[str, list[Comment]] = {}
    for s in subjects:
        if s.kind != "kubernetes" or not isinstance(s.document, dict):
            continue
        metadata = s.document.get("metadata")
        annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
        if not isinstance(annotations, dict):
            continue
        for key in sorted(k for k in annotations if isinstance(k, str) and k.startswith(ANNOTATION_PREFIX)):
            rule = key[len(ANNOTATION_PREFIX):]
            reason = annotations[key].strip() if isinstance(annotations[key], str) else ""
            problem = None if reason else f"annotation {key} gives no reason"
            out.setdefault(s.id, []).append(Comment((rule,), reason, s.origin, problem))
    return out


def apply_inline(result: Result, subjects: Sequence[Subject], root: Path) -> tuple[list[Finding], list[Finding]]:
    """(findings with inline and annotation suppressions applied, GOV-005 findings for broken ones)."""
    inline = Inline(root, Anchors(result, root), annotation_comments(subjects))
    findings = [inline.suppress(f) for f in result.findings]
    return findings, inline.problem_findings()


# -- baselines ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Baseline:
    """The findings of an earlier run, by identity: what `--baseline` accepts as known."""

    display: str
    keys: Counter
    exact: Counter  # (key, message): matched first, so a rule with plain string messages matches its own

    def apply(self, findings: list[Finding]) -> tuple[list[Finding], int]:
        """(findings with the known ones baselined, how many baseline entries no longer occur)."""
        keys, exact = Counter(self.keys), Counter(self.exact)
        known: set[int] = set()
        for i, f in enumerate(findings):  # exact first, then by identity alone
            if exact[(f.key(), f.message)] > 0:
                exact[(f.key(), f.message)] -= 1
                keys[f.key()] -= 1
                known.add(i)
        for i, f in enumerate(findings):
            if i not in known and keys[f.key()] > 0:
                keys[f.key()] -= 1
                known.add(i)
        out = []
        for i, f in enumerate(findings):
            if i in known and f.waiver is None:
                f = replace(f, waiver=Suppression(
                    rule=f.rule_id, subject=f.subject, reason=f"known finding, in the baseline {self.display}",
                    approved_by="", requested_by="", ticket="", expires="", source=Location(self.display, None),
                    resource=f.resource, kind="baseline"))
            out.append(f)
        return out, sum(n for n in keys.values() if n > 0)


def load_baseline(path: Path, display: str | None = None) -> Baseline:
    """A baseline from a JSON result file; InputError naming the file for anything else (a missing
    baseline is an error, never "every finding is new")."""
    display = display or path.as_posix()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"cannot read the baseline: {exc}", where=display,
                         hint="write one with `cxgov check ... -o json=baseline.json`") from None
    findings = document.get("findings") if isinstance(document, dict) else None
    if not isinstance(findings, list) or not all(isinstance(f, dict) and "rule_id" in f and "subject" in f
                                                 for f in findings):
        raise InputError("not a cxgov JSON result (no findings list)", where=display,
                         hint="write one with `cxgov check ... -o json=baseline.json`")
    keys = Counter(finding_key(f) for f in findings)
    exact = Counter((finding_key(f), f.get("message", "")) for f in findings)
    return Baseline(display, keys, exact)
