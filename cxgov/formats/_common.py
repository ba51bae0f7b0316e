"""Helpers more than one format needs: ordering, status labels, waiver notes, the summary line, the
subjects nothing judged, the render options a command sets (--quiet, --compact), and the Result with
terminal control sequences taken out of everything that came from the inputs (plain_result)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any

from cxgov.model import SEVERITIES, Check, Finding, Location, Result, SubjectRef, Waiver, canonical_json

_COLORS = {"deny": "31", "warn": "33", "waived": "36", "pass": "32", "dim": "2", "unjudged": "35"}  # ANSI SGR


def paint(text: str, what: str, color: bool) -> str:
    """`text` in the colour of a status (deny, warn, waived, pass, dim, unjudged) when `color`."""
    return f"\x1b[{_COLORS[what]}m{text}\x1b[0m" if color else text


#: what a finding counts as, the same buckets gate.verdict() counts
LABELS = {"deny": "FAIL", "warn": "WARN", "waived": "WAIVED"}
#: how a finding in the `waived` bucket got there (cxgov.suppressions), for its label
WAIVED_LABELS = {"waiver": "WAIVED", "inline": "SUPPRESSED", "annotation": "SUPPRESSED", "baseline": "BASELINED"}
PRE_ENFORCEMENT = "pre-enforcement"


@dataclass(frozen=True)
class RenderOptions:
    """How terminal formats render: `quiet` shows only the findings that fail the gate (and what
    nothing judged), `compact` one line per finding."""

    quiet: bool = False
    compact: bool = False


_OPTIONS: ContextVar[RenderOptions] = ContextVar("cxgov_render_options", default=RenderOptions())


def render_options() -> RenderOptions:
    return _OPTIONS.get()


@contextlib.contextmanager
def rendering(options: RenderOptions):
    """Render with these options inside the block (a command sets them around write_outputs)."""
    token = _OPTIONS.set(options)
    try:
        yield
    finally:
        _OPTIONS.reset(token)


def waiver_kind(waiver: Waiver | None) -> str | None:
    """"waiver", "inline", "annotation", "baseline", or None."""
    if waiver is None:
        return None
    return getattr(waiver, "kind", "waiver")


def label(finding: Finding) -> str:
    """FAIL, WARN, WAIVED, SUPPRESSED or BASELINED."""
    kind = waiver_kind(finding.waiver)
    return WAIVED_LABELS[kind] if kind else LABELS[finding.gate]


def severity_rank(severity: str) -> int:
    """0 for critical ... 4 for info; unknown severities last."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


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
    """One line saying why a finding is waived, by whom and until when (or where it was suppressed)."""
    kind = waiver_kind(waiver)
    if kind in ("inline", "annotation"):
        return f"{waiver.reason} ({'comment' if kind == 'inline' else 'annotation'} at {waiver.source})"
    if kind == "baseline":
        return waiver.reason
    return f"{waiver.reason} (ticket {waiver.ticket}; approved by {waiver.approved_by}; expires {waiver.expires})"


def where(finding: Finding) -> str:
    """Where a finding points for a reader: file:line, or the subject when no file is known."""
    return str(finding.location) if finding.location.file else finding.subject


def annotated(finding: Finding) -> str:
    """The message with what a reader must not miss: [waived: ...] or [pre-enforcement]."""
    if finding.waiver is not None:
        word = label(finding).lower()
        return f"{finding.message} [{word}: {waiver_note(finding.waiver)}]"
    return f"{finding.message} [{PRE_ENFORCEMENT}]" if finding.pre_enforcement else finding.message


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


def findings_summary(counts: dict[str, int]) -> str:
    """The findings, by what they count as: "76 findings (57 deny, 18 warn, 1 waived; 2 pre-enforcement)";
    of the waived, those suppressed or baselined, and the findings below --severity, when there are any."""
    parts = f"{counts.get('deny', 0)} deny, {counts.get('warn', 0)} warn, {counts.get('waived', 0)} waived"
    if counts.get("pre_enforcement"):
        parts += f"; {counts['pre_enforcement']} pre-enforcement"
    for key, words in (("suppressed", "suppressed"), ("baselined", "baselined"),
                       ("below_severity", "below the severity threshold, not gating")):
        if counts.get(key):
            parts += f"; {counts[key]} {words}"
    return f"{plural(counts.get('findings', 0), 'finding')} ({parts})"


def conftest_summary(counts: dict[str, int]) -> str:
    """Conftest's own tally line, labelled: "conftest-style: 1423 tests, 1347 passed, 18 warnings, 57
    failures, 0 exceptions" (a test per rule evaluation and document; its warnings and failures are the
    unwaived warn and deny findings)."""
    return "conftest-style: " + ", ".join([
        plural(counts.get("tests", 0), "test"),
        f"{counts.get('successes', 0)} passed",
        plural(counts.get("warn", 0), "warning"),
        plural(counts.get("deny", 0), "failure"),
        plural(counts.get("exceptions", 0), "exception"),
    ])


def summary_line(counts: dict[str, int]) -> str:
    """The one tally line of the terminal formats, read from Verdict.counts (never recounted):
    the findings first, then conftest's tallies labelled as conftest-style."""
    return f"{findings_summary(counts)} · {conftest_summary(counts)}"


#: what to give instead, per kind of document no selected rule judges
_NOT_JUDGED_HINTS = {
    "config": "no selected rule judges plain YAML/JSON: give your own policies for it with -p (a rule without "
              "applies_to judges every document), or give Kubernetes manifests, Terraform plans or .tf files, "
              "or a cxgov descriptor instead",
    "descriptor": "no selected rule judges the descriptor: select the builtin packs (or a package whose rules apply "
                  "to system or descriptor)",
}


def not_judged_hint(kind: str) -> str:
    """Why a document of this kind was not judged, and what to give instead."""
    return _NOT_JUDGED_HINTS.get(kind, f"no selected rule applies to {kind} documents: select the builtin packs, or "
                                       f"a package whose rules apply to {kind} (METADATA applies_to)")


def not_judged(result: Result) -> list[tuple[str, str, list[SubjectRef]]]:
    """The subjects no selected rule judged (Result.unjudged()), as (file, kind, subjects) in file order:
    never a pass, so every format lists them."""
    groups: dict[tuple[str, str], list[SubjectRef]] = {}
    for s in result.unjudged():
        groups.setdefault((s.origin.file or s.id, s.kind), []).append(s)
    return [(file, kind, sorted(groups[(file, kind)], key=lambda s: (s.origin.line or 0, s.id)))
            for file, kind in sorted(groups)]


def not_judged_text(file: str, kind: str, count: int) -> str:
    """One line for one file's documents of one kind that nothing judged, and what to give instead."""
    return f"{file}: {plural(count, f'{kind} document')} not judged; {not_judged_hint(kind)}"


# What a terminal (or a log viewer) acts on rather than shows, from ECMA-48: CSI sequences (colours,
# cursor moves, screen clears), OSC strings (window titles, OSC 8 hyperlinks, clipboard writes), DCS,
# SOS, PM and APC strings, two-character escapes, and every other C0 and C1 control but newline and
# tab (a carriage return rewrites the line it is on). In 7-bit (ESC ...) and 8-bit (C1) forms.
_TERMINAL_CONTROL = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(text: str) -> str:
    """`text` without terminal control sequences or controls (newlines and tabs kept)."""
    return _TERMINAL_CONTROL.sub("", text.replace("\r\n", "\n")) if _TERMINAL_CONTROL.search(text) else text


def map_strings(value: Any, text: Callable[[str], str]) -> Any:
    """Every string in a JSON-like value passed through `text` (keys kept: they are its shape)."""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, dict):
        return {k: map_strings(v, text) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(map_strings(v, text) for v in value)
    return value


def map_result(result: Result, text: Callable[[str], str], finding: Callable[[Finding], Finding]) -> Result:
    """The Result with every string that came from the inputs outside the findings (the run's root,
    subject ids and origins, checks' subjects) passed through `text`, and each finding through
    `finding`; rules are policy text, kept. The one list of those strings, for plain_result and the
    redaction alike."""
    def location(loc: Location) -> Location:
        return Location(text(loc.file), loc.line) if loc.file else loc

    return replace(
        result,
        run=replace(result.run, root=text(result.run.root)),
        subjects=[SubjectRef(s.kind, text(s.id), location(s.origin), s.sha256) for s in result.subjects],
        checks=[Check(text(c.subject), c.namespace, c.successes, c.exceptions) for c in result.checks],
        findings=[finding(f) for f in result.findings],
    )


#: a character every terminal control above contains: a text without one is plain already
_CONTROL_CHAR = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _has_control(value: Any) -> bool:
    if isinstance(value, str):
        return _CONTROL_CHAR.search(value) is not None
    if isinstance(value, dict):
        return any(_has_control(v) for v in value.values())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_has_control(v) for v in value)
    if is_dataclass(value):
        return any(_has_control(getattr(value, f.name)) for f in fields(value))
    return False


def _plain_finding(finding: Finding) -> Finding:
    """The finding itself when no string in it holds a control (the usual case: no copy is made)."""
    if not _has_control(finding):
        return finding
    from cxgov.formats.json_read import finding_from_dict

    return finding_from_dict(map_strings(finding.to_dict(), plain))


def plain_result(result: Result) -> Result:
    """The Result with every string that came from the inputs (messages, resources, subjects, file
    names, waivers) made plain: a policy or document cannot colour, move, retitle or hyperlink the
    terminal or the log a format is read in. Formats read by people render this."""
    return map_result(result, plain, _plain_finding)
