"""GitHub Actions annotations (workflow commands) and the job's step summary."""

from __future__ import annotations

import os

from cxgov.errors import CxgovError
from cxgov.formats._common import annotated, is_uri, not_judged, not_judged_text, ordered, status, summary_line
from cxgov.formats.interface import Format
from cxgov.formats.markdown import MarkdownFormat
from cxgov.model import Finding, Result

COMMANDS = {"deny": "error", "warn": "warning", "waived": "notice"}


def escape_data(text: str) -> str:
    """A command's message, escaped as @actions/core's escapeData does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A command property value, escaped as @actions/core's escapeProperty does."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(finding: Finding) -> str:
    """One `::error|warning|notice file=...,line=...,title=...::message` line."""
    bucket = status(finding)
    message = annotated(finding)
    properties = []
    file, line = finding.location.file, finding.location.line
    if file is not None and is_uri(file):
        message = f"{file}: {message}"  # not a repository file: GitHub could not place the annotation
    elif file is not None:
        properties.append(f"file={escape_property(file)}")
        if line:
            properties.append(f"line={line}")
    properties.append(f"title={escape_property(finding.rule_id)}")
    return f"::{COMMANDS[bucket]} {','.join(properties)}::{escape_data(message)}"


def not_judged_command(file: str, kind: str, count: int) -> str:
    """A warning annotation on a file whose documents of one kind no selected rule judged."""
    properties = [] if is_uri(file) else [f"file={escape_property(file)}"]
    properties.append(f"title={escape_property('not judged')}")
    return f"::warning {','.join(properties)}::{escape_data(not_judged_text(file, kind, count))}"


class GithubFormat(Format):
    """One annotation per finding and per file nothing judged, then the tally; appends the Markdown summary
    to GITHUB_STEP_SUMMARY."""

    name = "github"
    extension = ".txt"

    def render(self, result: Result, *, color: bool = False) -> str:
        lines = [command(f) for f in ordered(result.findings)]
        lines += [not_judged_command(file, kind, len(subjects)) for file, kind, subjects in not_judged(result)]
        lines.append(summary_line(result.verdict.counts))
        return "\n".join(lines) + "\n"

    def side_effects(self, result: Result) -> None:
        path = os.environ.get("GITHUB_STEP_SUMMARY")
        if not path:
            return
        try:
            with open(path, "a", encoding="utf-8") as summary:
                summary.write(MarkdownFormat().render(result))
        except OSError as e:
            raise CxgovError(f"cannot append the step summary: {e.strerror}", where=path) from e
