"""Helpers more than one format needs: ordering, status labels, waiver notes, the summary line."""

from __future__ import annotations

from typing import Any

from cxgov.model import Check, Finding, Waiver, canonical_json

#: what a finding counts as, the same buckets gate.verdict() counts
LABELS = {"deny": "FAIL", "warn": "WARN", "waived": "WAIVED"}
PRE_ENFORCEMENT = "pre-enforcement"


def ordered(findings: list[Finding]) -> list[Finding]:
    """Findings by Finding.sort_key(), ties broken by their whole content so input order never shows."""
    return sorted(findings, key=lambda f: (f.sort_key(), canonical_json(f.to_dict())))


def ordered_checks(checks: list[Check]) -> list[Check]:
    """Checks by subject and namespace."""
    return sorted(checks, key=lambda c: (c.subject, c.namespace, c.successes, sorted(c.exceptions)))


def status(finding: Finding) -> str:
    """The bucket a finding counts in: "waived", "deny" or "warn"."""
    return "waived" if finding.waiver is not None else finding.gate


def waiver_note(waiver: Waiver) -> str:
    """One line saying why a finding is waived, by whom and until when."""
    return f"{waiver.reason} (ticket {waiver.ticket}; approved by {waiver.approved_by}; expires {waiver.expires})"


def where(finding: Finding) -> str:
    """Where a finding points for a reader: file:line, or the subject when no file is known."""
    return str(finding.location) if finding.location.file else finding.subject


def annotated(finding: Finding) -> str:
    """The message with what a reader must not miss: [waived: ...] or [pre-enforcement]."""
    if finding.waiver is not None:
        return f"{finding.message} [waived: {waiver_note(finding.waiver)}]"
    return f"{finding.message} [{PRE_ENFORCEMENT}]" if finding.pre_enforcement else finding.message


def is_uri(file: str) -> bool:
    """True when a location names a URI (https://..., models:/...) rather than a repository file."""
    return "://" in file or file.startswith("models:/")


def control_tags(controls: dict[str, list[str]]) -> list[str]:
    """Framework controls as sorted "framework/control" tags, e.g. soc2/CC6.1."""
    return sorted({f"{framework}/{control}" for framework, ids in controls.items() for control in ids})


def sorted_keys(value: Any) -> Any:
    """`value` with every dict's keys sorted (lists keep their order), for output that never depends on
    how a dict was built."""
    if isinstance(value, dict):
        return {k: sorted_keys(value[k]) for k in sorted(value)}
    if isinstance(value, (list, tuple)):
        return [sorted_keys(v) for v in value]
    return value


def plural(n: int, word: str) -> str:
    """Count and noun: "1 test", "2 tests"."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(counts: dict[str, int]) -> str:
    """Conftest's tally line, plus waived findings when there are any."""
    line = ", ".join(
        [
            plural(counts.get("tests", 0), "test"),
            f"{counts.get('successes', 0)} passed",
            plural(counts.get("warn", 0), "warning"),
            plural(counts.get("deny", 0), "failure"),
            plural(counts.get("exceptions", 0), "exception"),
        ]
    )
    if counts.get("waived"):
        line += f", {counts['waived']} waived"
    return line
