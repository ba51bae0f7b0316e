"""Baselines for UI scans: the violations a team knows about and has accepted for now.

Like the IBM Equal Access checker's baselines, a baseline lists known violations by (rule, state,
target): the violation's id (an axe-core rule such as `color-contrast`, or a behavioural check's
`cx-...`), the scanned state, and the failing element's selector, optionally for one page (`url`, a
glob; default every page). A scan then reports

- known violations as **baselined**: the finding stays in every output, marked BASELINED and
  counted as waived, as `cxgov check --baseline` marks the findings it knows;
- **new** ones as they are (they fail the gate), and a finding that is only partly known names its
  new elements;
- **fixed** ones, entries whose page and state were scanned and no longer fail there, as a
  WCAG-BASE-01 finding (warn, info) asking for the entry to be removed, so the baseline only shrinks.

A baseline is reviewed like a waiver: every entry needs a reason, a requester, an approver other
than the requester, a ticket and an expiry at most 90 days ahead (set once at the top for every
entry, or per entry). An entry that is incomplete, self-approved or expired does not apply, and is
itself a GOV-002 finding (deny): an expired baseline never hides a violation.

    reason: Legacy theme, replaced in the redesign     # defaults for every entry
    requested_by: web-team@acme-shop.eu
    approved_by: a11y-lead@acme-shop.eu
    ticket: ACME-812
    expires: 2027-01-31
    violations:
      - {rule: color-contrast, state: closed, target: "#acme-chat-ai-notice"}
      - {rule: cx-focus-obscured, state: open, target: "footer > a", url: "https://www.acme-shop.eu/*",
         expires: 2026-12-20}

`cxgov wcag --baseline FILE` applies one; `--write-baseline FILE` writes the scan's violations as a
baseline whose review fields a person must fill in before it applies.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from cxgov import gate, waivers
from cxgov.errors import InputError
from cxgov.model import Finding, Location, Result, RuleInfo, Waiver

REVIEW = ("reason", "requested_by", "approved_by", "ticket", "expires")
KEYS = {"rule", "state", "target", "url", *REVIEW}

BASE_01 = RuleInfo(
    id="WCAG-BASE-01",
    title="Baselined UI violations that are fixed leave the baseline",
    description="A baseline entry whose page and state were scanned and no longer fail there: remove it, so a "
                "regression of the same element is reported as new.",
    severity="info",
    gate="warn",
    frameworks={"wcag22": ["baseline"]},
    remediation="Delete the entry from the baseline file (cxgov wcag --write-baseline writes the current one).",
    package="cxgov.ui_baseline",
    rule="warn",
    builtin=True,
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One known violation, with the waiver its review makes of it."""

    number: int  # 1-based, as the findings name it
    rule: str
    state: str
    target: str
    url: str
    waiver: Waiver

    def matches(self, url: str, state: str, rule: str, target: str) -> bool:
        return (self.rule, self.state, self.target) == (rule, state, target) and fnmatch.fnmatchcase(url, self.url)

    def describe(self) -> str:
        return f"{self.rule} on {self.target} in state {self.state}" + ("" if self.url == "*" else f" of {self.url}")


def load(path: Path, evaluation_date: str, display: str | None = None) -> tuple[list[Entry], list[Finding]]:
    """The entries that apply, and a GOV-002 finding for each that does not."""
    from cxgov.sources.readers import read_one

    display = display or path.as_posix()
    if not path.is_file():
        raise InputError("baseline file not found", where=display, hint="write one with --write-baseline FILE")
    document = read_one(path, display)
    doc = document.value
    if not isinstance(doc, dict) or not isinstance(doc.get("violations", []), list):
        raise InputError("a baseline is a mapping with `violations:` (a list of {rule, state, target})", where=display)
    unknown = set(doc) - {"violations", *REVIEW}
    if unknown:
        raise InputError(f"unknown baseline key(s): {', '.join(sorted(unknown))}", where=display,
                         hint="a baseline has violations and the review fields " + ", ".join(REVIEW))
    lines = _entry_lines(path, doc.get("violations") or [])
    today = date.fromisoformat(evaluation_date)
    entries, problems = [], []
    for n, raw in enumerate(doc.get("violations") or [], start=1):
        where = Location(display, lines[n - 1])
        if not isinstance(raw, dict) or set(raw) - KEYS or not all(isinstance(raw.get(k), str) and raw[k].strip()
                                                                   for k in ("rule", "state", "target")):
            raise InputError(f"baseline entry #{n} must be a mapping with rule, state and target (strings)"
                             + (f"; unknown key(s) {', '.join(sorted(set(raw) - KEYS))}" if isinstance(raw, dict)
                                and set(raw) - KEYS else ""), where=f"{display}:{where.line or '?'}")
        url = str(raw.get("url") or "*")
        review = {k: raw.get(k, doc.get(k)) for k in REVIEW}
        review = {k: v.isoformat() if isinstance(v, date) else v for k, v in review.items()}
        waiver, problem = waivers._check({"rule": "*", "subject": f"{url}#{raw['state']}", **review}, today, where)
        entry = Entry(n, raw["rule"], raw["state"], raw["target"], url, waiver) if waiver else None
        if problem:
            described = Entry(n, raw["rule"], raw["state"], raw["target"], url, None).describe()  # type: ignore[arg-type]
            problems.append(Finding(
                rule_id=waivers.GOV_002.id, title=waivers.GOV_002.title, severity=waivers.GOV_002.severity,
                gate="deny", message=f"baseline entry #{n} ({described}) does not apply: {problem}",
                subject=f"{display}#{n}", location=where, controls=waivers.GOV_002.frameworks,
                remediation=waivers.GOV_002.remediation, query="cxgov.ui_baseline"))
        else:
            entries.append(entry)
    return entries, problems


def apply(result: Result, path: Path, evaluation_date: str, display: str | None = None) -> Result:
    """The result with the baseline applied: known violations waived, new ones marked, fixed ones and
    entries that do not apply reported; the verdict recomputed."""
    from cxgov.suppressions import Suppression

    display = display or path.as_posix()
    entries, problems = load(path, evaluation_date, display)
    used: set[int] = set()
    findings = []
    for finding in result.findings:
        key = _violation(finding)
        if key is None:
            findings.append(finding)
            continue
        url, state, rule, targets = key
        known = {t: [e for e in entries if e.matches(url, state, rule, t)] for t in targets}
        used |= {e.number for matched in known.values() for e in matched}
        new = [t for t in targets if not known[t]]
        if not new:
            entry = min((e for matched in known.values() for e in matched), key=lambda e: (e.waiver.expires, e.number))
            w = entry.waiver
            # marked as every baselined finding is (cxgov.suppressions): BASELINED in every output, counted as waived
            waiver = Suppression(rule=finding.rule_id, subject=finding.subject, resource=finding.resource,
                                 reason=f"{display} entry #{entry.number}: {w.reason}",
                                 approved_by=w.approved_by, requested_by=w.requested_by, ticket=w.ticket,
                                 expires=w.expires, source=w.source, kind="baseline")
            findings.append(replace(finding, waiver=waiver, metadata={**finding.metadata, "baseline": "known"}))
        elif len(new) < len(targets):
            findings.append(replace(
                finding, message=f"{finding.message} (new since the baseline: {', '.join(new)})",
                metadata={**finding.metadata, "baseline": {"new": new, "known": [t for t in targets if known[t]]}}))
        else:
            findings.append(replace(finding, metadata={**finding.metadata, "baseline": "new"}))
    scanned = {s.id for s in result.subjects if s.kind == "ui-scan"}
    fixed = []
    for entry in entries:
        if entry.number in used:
            continue
        for subject in sorted(s for s in scanned if s.rsplit("#", 1)[1] == entry.state
                              and fnmatch.fnmatchcase(s.rsplit("#", 1)[0], entry.url)):
            fixed.append(Finding(
                rule_id=BASE_01.id, title=BASE_01.title, severity=BASE_01.severity, gate=BASE_01.gate,
                message=f"fixed since the baseline: {entry.rule} no longer fails on {entry.target} in state "
                        f"{entry.state}; remove baseline entry #{entry.number}",
                subject=subject, location=entry.waiver.source, controls=BASE_01.frameworks,
                remediation=BASE_01.remediation, query="cxgov.ui_baseline", resource=entry.rule,
                metadata={"baseline": "fixed", "state": entry.state, "targets": [entry.target]}))
    findings = sorted([*findings, *fixed, *problems], key=Finding.sort_key)
    rules = dict(result.rules)
    if fixed:
        rules[BASE_01.id] = BASE_01
    if problems:
        rules[waivers.GOV_002.id] = waivers.GOV_002
    return replace(result, findings=findings, rules={k: rules[k] for k in sorted(rules)},
                   verdict=gate.verdict(findings, result.checks, result.verdict.fail_on))


def write(result: Result, path: Path) -> int:
    """Write the result's unwaived scan violations as a baseline to review; returns how many."""
    import yaml

    seen: dict[tuple[str, str, str, str], None] = {}
    for finding in result.findings:
        key = _violation(finding)
        if key is not None and finding.waiver is None:
            url, state, rule, targets = key
            seen.update({(rule, state, t, url): None for t in targets})
    doc: dict[str, Any] = {k: "" for k in REVIEW}
    doc["violations"] = [{"rule": r, "state": s, "target": t, "url": u} for r, s, t, u in sorted(seen)]
    header = ("# Known UI violations (cxgov wcag --baseline). Fill in the review fields (reason, requested_by,\n"
              "# approved_by: someone else, ticket, expires: at most 90 days ahead) before it applies.\n")
    path.write_text(header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return len(seen)


def _violation(finding: Finding) -> tuple[str, str, str, list[str]] | None:
    """(url, state, violation id, failing elements) of a finding about a scan's violation."""
    state, targets = finding.metadata.get("state"), finding.metadata.get("targets")
    if not (finding.resource and isinstance(state, str) and isinstance(targets, list) and "#" in finding.subject):
        return None
    if finding.metadata.get("baseline") == "fixed":
        return None
    return finding.subject.rsplit("#", 1)[0], state, finding.resource, [str(t) for t in targets]


def _entry_lines(path: Path, items: list) -> list[int | None]:
    """The line each entry of `violations:` starts on (YAML, or JSON, which YAML reads too)."""
    from cxgov.sources.yaml_paths import line_of

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return [None] * len(items)
    return [line_of(text, ("violations", n)) for n in range(len(items))]
