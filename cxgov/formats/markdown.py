"""A Markdown summary for pull-request comments and GitHub step summaries.

Everything from the inputs is inert text here: a message cannot become HTML, a link or an image
(cell()), nor carry terminal controls (it reads the plain Result: reads_plain_result)."""

from __future__ import annotations

import re

from cxgov.formats._common import (LABELS, PRE_ENFORCEMENT, conftest_summary, not_judged, not_judged_hint, ordered,
                                   plural, waiver_kind, where)
from cxgov.formats.interface import Format
from cxgov.model import Result

_ICONS = {"deny": "❌", "warn": "⚠️"}


# URL schemes that run or carry content where a renderer makes a link of them
_ACTIVE_SCHEME = re.compile(r"\b(javascript|vbscript|data)\s*:", re.I)


def cell(text: object) -> str:
    """Text safe inside a table cell, and inert: no HTML (escaped), no link or image (brackets
    escaped; `javascript:`, `vbscript:` and `data:` read as text, never as a scheme), escaped pipes
    and backslashes, newlines as <br>."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")
    text = _ACTIVE_SCHEME.sub(lambda m: m[1] + "&#58;", text)
    return re.sub(r"\r\n|\r|\n", "<br>", text)


def code(text: object) -> str:
    """`text` as inline code when that is safe in a table cell, else as a plain cell."""
    text = str(text)
    return f"`{text}`" if re.fullmatch(r"[\w./:@+-]+", text) and not _ACTIVE_SCHEME.search(text) else cell(text)


def table(header: list[str], rows: list[list[str]], align: str = "---") -> list[str]:
    """A Markdown table's lines (cells already escaped with cell())."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


#: counts shown only when a run has them (cxgov.selection)
_EXTRA_COUNTS = (("suppressed", "suppressed next to their line"), ("baselined", "baselined (known before)"),
                 ("below_severity", "below the severity threshold (not gating)"))


def _by_whom(f) -> list[str]:
    """The ticket, approver and expiry of a waiver; for a suppression, where it was made."""
    kind = waiver_kind(f.waiver)
    if kind == "waiver":
        return [cell(f.waiver.ticket), cell(f.waiver.approved_by), cell(f.waiver.expires)]
    what = {"inline": "comment", "annotation": "annotation", "baseline": "baseline"}[kind]
    return ["—", cell(f"{what} {f.waiver.source}"), "—"]


class MarkdownFormat(Format[Result]):
    """Verdict heading, counts (findings, then conftest-style tests, labelled), active findings, waived
    findings, documents nothing judged and per-framework counts; every count read from the verdict."""

    name = "markdown"
    extension = ".md"
    reads_plain_result = True

    def render(self, result: Result, *, color: bool = False) -> str:
        v, run = result.verdict, result.run
        counts = v.counts
        icon, word = ("✅", "PASS") if v.passed else ("❌", "FAIL")
        out = [
            f"## {icon} cxgov: {word}",
            "",
            f"cxgov {cell(run.tool_version)} · engine {cell(run.engine)} {cell(run.engine_version)}"
            f" · evaluated {cell(run.evaluation_date)} · policies {code(run.policy_digest[:12])}"
            f" · fail on {cell(v.fail_on)}",
            "",
        ]
        keys = [("findings", "findings"), ("deny", "deny"), ("warn", "warn"), ("waived", "waived"),
                ("pre_enforcement", "pre-enforcement")]
        out += table([title for _, title in keys], [[str(counts.get(k, 0)) for k, _ in keys]], "--:")
        out += ["", cell(conftest_summary(counts).capitalize())]
        extra = [f"{counts[k]} {words}" for k, words in _EXTRA_COUNTS if counts.get(k)]
        if extra:
            out += ["", cell("Of these: " + ", ".join(extra) + ".")]

        findings = ordered(result.findings)
        active = [f for f in findings if f.waiver is None]
        out += ["", "### Findings", ""]
        if active:
            rows = [
                [
                    f"{_ICONS[f.gate]} {LABELS[f.gate]}" + (f" ({PRE_ENFORCEMENT})" if f.pre_enforcement else ""),
                    cell(f.severity),
                    code(f.rule_id),
                    code(where(f)),
                    cell(f.message),
                ]
                for f in active
            ]
            out += table(["status", "severity", "rule", "location", "message"], rows)
        else:
            out.append("No unwaived findings.")

        waived = [f for f in findings if f.waiver is not None]
        if waived:
            rows = [
                [
                    code(f.rule_id),
                    code(where(f)),
                    cell(f.message),
                    cell(f.waiver.reason),
                    *_by_whom(f),
                ]
                for f in waived
            ]
            out += ["", "### Waived", ""]
            out += table(["rule", "location", "message", "reason", "ticket", "approved by", "expires"], rows)

        unjudged = not_judged(result)
        if unjudged:
            rows = [[code(file), cell(kind), str(len(subjects)), cell(not_judged_hint(kind))]
                    for file, kind, subjects in unjudged]
            total = sum(len(subjects) for _, _, subjects in unjudged)
            out += ["", "### Not judged", "",
                    f"{plural(total, 'document')} no selected rule judged (never a pass):", ""]
            out += table(["file", "kind", "documents", "what to give instead"], rows)

        if v.by_framework:
            rows = [
                [cell(name), str(c.get("deny", 0)), str(c.get("warn", 0)), str(c.get("waived", 0))]
                for name, c in sorted(v.by_framework.items())
            ]
            out += ["", "### By framework", "", "Findings that map to each framework, each counted once.", ""]
            out += table(["framework", "deny", "warn", "waived"], rows)
        return "\n".join(out) + "\n"
