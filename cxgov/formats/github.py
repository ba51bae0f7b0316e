"""GitHub Actions annotations (workflow commands) and the job's step summary.

GitHub shows at most 10 error and 10 warning annotations of a step (and 10 notices), in the order
they are printed, so the annotations are the 10 most severe findings of each level, most severe
first; the rest are in the step summary (the Markdown report, which lists every finding), and one
notice says how many. An annotation is placed on a repository file: a finding about a model version
or a UI state on the descriptor line declaring it (cxgov.anchors), the URI leading its message.
"""

from __future__ import annotations

import os

from cxgov.anchors import Anchor, Anchors
from cxgov.errors import CxgovError
from cxgov.formats._common import annotated, not_judged, not_judged_text, ordered, severity_rank, status, summary_line
from cxgov.formats.interface import Format
from cxgov.formats.markdown import MarkdownFormat
from cxgov.model import Finding, Result

COMMANDS = {"deny": "error", "warn": "warning", "waived": "notice"}
#: annotations GitHub shows per level and step
PER_LEVEL = 10


def escape_data(text: str) -> str:
    """A command's message, escaped as @actions/core's escapeData does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A command property value, escaped as @actions/core's escapeProperty does."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _properties(anchor: Anchor | None, title: str) -> str:
    properties = []
    if anchor is not None:
        properties.append(f"file={escape_property(anchor.file)}")
        if anchor.line:
            properties.append(f"line={anchor.line}")
    properties.append(f"title={escape_property(title)}")
    return ",".join(properties)


def command(finding: Finding, anchor: Anchor | None = None) -> str:
    """One `::error|warning|notice file=...,line=...,title=...::message` line."""
    message = annotated(finding)
    if anchor is not None and anchor.uri is not None and anchor.uri not in message:  # a live source: say which
        message = f"{anchor.uri}: {message}"
    return f"::{COMMANDS[status(finding)]} {_properties(anchor, finding.rule_id)}::{escape_data(message)}"


def not_judged_command(file: str, kind: str, count: int, anchor: Anchor | None = None) -> str:
    """A warning annotation on a file whose documents of one kind no selected rule judged."""
    return f"::warning {_properties(anchor, 'not judged')}::{escape_data(not_judged_text(file, kind, count))}"


def _priority(finding: Finding) -> tuple[int, int]:
    """Most severe first; of equal severity, rules in force before those not yet enforced."""
    return severity_rank(finding.severity), int(finding.pre_enforcement)


class GithubFormat(Format[Result]):
    """The 10 most severe annotations per level, a notice for the rest, then the tally; appends the
    Markdown summary (every finding) to GITHUB_STEP_SUMMARY."""

    name = "github"
    extension = ".txt"
    reads_plain_result = True

    def render(self, result: Result, *, color: bool = False) -> str:
        anchors = Anchors(result)
        levels: dict[str, list[tuple[tuple, str]]] = {level: [] for level in COMMANDS.values()}
        for i, f in enumerate(ordered(result.findings)):
            levels[COMMANDS[status(f)]].append(((*_priority(f), 0, i), command(f, anchors.of(f))))
        for i, (file, kind, subjects) in enumerate(not_judged(result)):  # never a pass: ranked as high
            line = not_judged_command(file, kind, len(subjects), anchors.of_subject(subjects[0]))
            levels["warning"].append(((severity_rank("high"), 0, -1, i), line))
        lines, left = [], {}
        for level in ("error", "warning", "notice"):
            ranked = sorted(levels[level], key=lambda pair: pair[0])
            lines += [text for _, text in ranked[:PER_LEVEL]]
            if len(ranked) > PER_LEVEL:
                left[level] = len(ranked) - PER_LEVEL
        if left:
            more = ", ".join(f"{n} more {level}{'s' if n != 1 else ''}" for level, n in left.items())
            lines.append(f"::notice title=cxgov::GitHub shows {PER_LEVEL} annotations per level: {more} are in the "
                         "job summary")
        lines.append(summary_line(result.verdict.counts))
        return "\n".join(lines) + "\n"

    def side_effects(self, result: Result, redact=str) -> None:
        path = os.environ.get("GITHUB_STEP_SUMMARY")
        if not path:
            return
        try:
            with open(path, "a", encoding="utf-8") as summary:
                summary.write(redact(MarkdownFormat().render(result)))
        except OSError as e:
            raise CxgovError(f"cannot append the step summary: {e.strerror}", where=path) from e
