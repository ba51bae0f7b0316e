"""`-o tap`: Test Anything Protocol, as conftest's `--output tap` writes it, in one valid stream.

Lines read like conftest's (`not ok 3 - k8s/app.yaml - main - <message>`), with one plan for the
whole run (conftest prints one per file, which TAP parsers reject) and TAP directives where conftest
has none: a warning is `not ok ... # TODO warning` (reported, not failing; with --fail-on warn a
plain `not ok`), waived, suppressed and baselined findings, exception rules and documents nothing
judged are `ok ... # SKIP <why>`. The plan counts conftest-style tests plus documents nothing judged.
"""

from __future__ import annotations

from cxgov.formats._common import summary_line
from cxgov.formats._conftest import check_results
from cxgov.formats.interface import Format
from cxgov.model import Result


def _text(text: str) -> str:
    """One line of a TAP description: no newlines, and `#` (which starts a directive) escaped."""
    return " ".join(text.split()).replace("#", "\\#")


class TapFormat(Format[Result]):
    name = "tap"
    extension = ".tap"
    reads_plain_result = True

    def render(self, result: Result, *, color: bool = False) -> str:
        checks = check_results(result)
        warn_fails = result.verdict.fail_on == "warn"
        failures, warnings, skipped, successes = [], [], [], []
        for c in checks:
            where = " - " if c.filename == "-" else f" - {c.filename} - {c.namespace} - "
            failures += [f"{where}{_text(r['msg'])}" for r in c.failures]
            warnings += [f"{where}{_text(r['msg'])}" + ("" if warn_fails else " # TODO warning") for r in c.warnings]
            skipped += [f"{where.rstrip(' -')} # SKIP {_text(r['msg'])}" for r in c.skipped + c.exceptions]
            successes += [where.rstrip(" -")] * c.successes
        lines = [f"1..{len(failures) + len(warnings) + len(skipped) + len(successes)}"]
        n = 0
        for heading, prefix, entries in (("", "not ok", failures), ("# Warnings", "not ok", warnings),
                                         ("# Skipped", "ok", skipped), ("# Successes", "ok", successes)):
            if entries and heading:
                lines.append(heading)
            for entry in entries:
                n += 1
                lines.append(f"{prefix} {n}{entry}")
        lines.append("# " + summary_line(result.verdict.counts))
        return "\n".join(lines) + "\n"
