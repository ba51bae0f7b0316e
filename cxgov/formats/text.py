"""Terminal output: findings grouped by file, the documents nothing judged, the tally line (findings,
then conftest-style tests) and the verdict.

With --compact, one line per finding (no grouping, a message's first line); with --quiet, only the
findings that fail the gate, what nothing judged, the tally and the verdict."""

from __future__ import annotations

from itertools import groupby

from cxgov.formats._common import (annotated, label, not_judged, not_judged_text, ordered, paint, plural,
                                   render_options, status, summary_line, where)
from cxgov.formats.interface import Format
from cxgov.model import Finding, Result


def _group(findings: list[Finding], color: bool) -> list[str]:
    """The lines for one file's findings, in aligned columns."""
    loc_width = max(len(where(f)) for f in findings)
    rule_width = max(len(f.rule_id) for f in findings)
    width = max(6, *(len(label(f)) for f in findings))  # FAIL, WARN, WAIVED; SUPPRESSED and BASELINED widen it
    lines = []
    for f in findings:
        tag = paint(f"{label(f):<{width}}", status(f), color)
        head = f"  {tag}  {where(f):<{loc_width}}  {f.rule_id:<{rule_width}}  "
        indent = " " * (2 + width + 2 + loc_width + 2 + rule_width + 2)
        message = annotated(f).splitlines() or [""]
        lines.append(head + message[0])
        lines.extend(indent + part for part in message[1:])
    return lines


class TextFormat(Format[Result]):
    """Human-readable report for a terminal; ANSI colour only when asked."""

    name = "text"
    extension = ".txt"
    reads_plain_result = True

    def render(self, result: Result, *, color: bool = False) -> str:
        options = render_options()
        findings = ordered(result.findings)
        if options.quiet:
            failing = ("deny", "warn") if result.verdict.fail_on == "warn" else ("deny",)
            findings = [f for f in findings if f.waiver is None and f.gate in failing]
        lines: list[str] = []
        if options.compact:
            lines += [f"{paint(label(f), status(f), color)} {where(f)} {f.rule_id} "
                      f"{(annotated(f).splitlines() or [''])[0]}" for f in findings]
        else:
            for file, group in groupby(findings, key=lambda f: f.location.file or ""):
                lines.append(file or paint("(no file)", "dim", color))
                lines.extend(_group(list(group), color))
                lines.append("")
        unjudged = not_judged(result)
        if unjudged:  # never a pass: each file and kind nothing judged, and what to give instead
            lines.extend(f"{paint('NOT JUDGED', 'unjudged', color)}  {not_judged_text(file, kind, len(subjects))}"
                         for file, kind, subjects in unjudged)
            if not options.compact:
                lines.append("")
        v = result.verdict
        lines.append(summary_line(v.counts))
        with_findings = len({f.subject for f in result.findings})
        verdict = paint("PASS", "pass", color) if v.passed else paint("FAIL", "deny", color)
        subjects = plural(len(result.subjects), "subject")
        skipped = sum(len(s) for _, _, s in unjudged)
        lines.append(f"{verdict} (fail-on {v.fail_on}; {subjects}, {with_findings} with findings"
                     + (f", {skipped} not judged)" if skipped else ")"))
        if result.shard is not None:
            s = result.shard
            lines.append(f"shard {s.index}/{s.count}: {s.files} of {s.inputs} files; `cxgov merge` all {s.count} "
                         "results for the verdict of the whole run")
        return "\n".join(lines) + "\n"
