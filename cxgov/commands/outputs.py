"""The one writer: a gate Result, a drift run's Outcome or history, or an AI inventory in the formats
asked for, to stdout or atomically to files; all of it redacted.

`Redaction` is the one redaction step between cxgov and what it writes for a person or a tool:
every `-o` format, GitHub annotations and the step summary, drift reports, metrics and history, the
inventory (all through write_outputs), the `cxgov: error:` lines on stderr (error_line) and drift
alerts and the history file (commands/drift.py) go through it, as the evidence bundle goes through
the same Redactor (cxgov/evidence/redact.py). It redacts a Result before any format renders it (so a
format's own escaping cannot hide a secret from it) and the rendered text after (so nothing a format
adds escapes it), having first learnt the secrets the evaluated documents hold by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from cxgov import formats
from cxgov.errors import UsageError
from cxgov.evidence.redact import Redactor
from cxgov.formats._common import map_result, map_strings, plain, plain_result
from cxgov.model import Result, Subject
from cxgov.paths import write_atomically

if TYPE_CHECKING:
    from cxgov.drift.outcome import Outcome
    from cxgov.evidence.aibom import Inventory


class Redaction:
    """Redacts what cxgov writes: a Result, rendered text, JSON-like values. `documents`: the
    evaluated documents (or subjects), whose secrets by name are then cut from text quoting them."""

    def __init__(self, documents: Iterable[Any] = (), *, redactor: Redactor | None = None):
        self.redactor = redactor or Redactor()
        for document in documents:
            self.redactor.learn(document.document if isinstance(document, Subject) else document)

    def text(self, text: str) -> str:
        return self.redactor.text(text)

    def value(self, value: Any) -> Any:
        """Every string in a JSON-like value redacted (keys kept: they are the value's shape)."""
        return map_strings(value, self.text)

    def result(self, result: Result) -> Result:
        """The Result every format renders: findings (messages, metadata, waivers), subject ids and
        origins, checks and the run's root redacted; rules are policy text, kept."""
        from cxgov.formats.json_read import finding_from_dict

        return map_result(result, self.text, lambda f: finding_from_dict(self.redactor.document(f.to_dict())))


def error_line(error: BaseException | str) -> str:
    """The `cxgov: error: ...` line for stderr: redacted as every output is (a parse error quotes the
    line it failed on, a connection error its URL), and without terminal controls."""
    return "cxgov: error: " + safe_text(error)


def safe_text(error: BaseException | str) -> str:
    """An error's text as stderr may show it: redacted, without terminal controls."""
    return plain(Redaction().text(str(error)))


@dataclass(frozen=True)
class Target:
    format: str
    file: Path | None  # None: stdout


@dataclass(frozen=True)
class Outputs:
    """Where a command's outputs go (-o, --output-file, --color), parsed before any work is done, so
    a bad -o is a usage error, not a lost run."""

    targets: tuple[Target, ...]
    color: bool = False

    def write(self, result, *, subjects: Iterable[Subject] = (), redaction: Redaction | None = None) -> None:
        import sys

        write_outputs(result, self.targets, color=self.color, stdout=sys.stdout, subjects=subjects,
                      redaction=redaction)


def parse_outputs(specs: list[str], output_file: str | None, *,
                  choices: Sequence[str] = formats.FORMATS) -> list[Target]:
    """`-o sarif`, `-o sarif=out.sarif`, `-o text,json`; --output-file names the file of a single -o.
    `choices`: the format names allowed (drift reports have their own: commands/drift.py REPORTS)."""
    targets = []
    for spec in specs:
        for part in filter(None, (p.strip() for p in spec.split(","))):
            name, _, file = part.partition("=")
            if name not in choices:
                raise UsageError(f"unknown output format {name!r}", hint="choose from " + ", ".join(choices))
            targets.append(Target(name, Path(file) if file else None))
    if output_file:
        to_stdout = [t for t in targets if t.file is None]
        if len(to_stdout) != 1:
            raise UsageError("--output-file needs exactly one -o format without =FILE")
        targets = [Target(t.format, Path(output_file)) if t.file is None else t for t in targets]
    if sum(t.file is None for t in targets) > 1:
        raise UsageError("only one format can go to stdout", hint="write the others with -o FORMAT=FILE")
    return targets


def write_outputs(result: Result | Outcome | Inventory, targets: Iterable[Target], *, color: bool = False, stdout: TextIO,
                  subjects: Iterable[Subject] = (), redaction: Redaction | None = None) -> None:
    """Render and write each target, through one Redaction, in the formats of the result's kind
    (formats.registry_for): a gate Result, a drift Outcome (its error redacted when it was made; it
    holds no documents), a drift HistoryView or an Inventory. `subjects`: the evaluated subjects, so a
    secret a document holds by name (a `password:` value) is cut from a message that quotes it; or
    the `redaction` the caller made. The formats read by people get the Result made plain
    (plain_result), made once for all of them; what a format writes besides (the step summary) goes
    through the same redaction."""
    redaction = redaction or Redaction(subjects)
    registry = formats.registry_for(result)
    clean = redaction.result(result) if isinstance(result, Result) else result
    plain_view = None
    for target in targets:
        fmt = formats.get(target.format, registry)
        if fmt.reads_plain_result and plain_view is None:
            plain_view = plain_result(clean)
        read = plain_view if fmt.reads_plain_result else clean
        text = redaction.text(fmt.render(read, color=color and target.file is None))
        if target.file is None:
            stdout.write(text)
            stdout.flush()
        else:
            write_atomically(target.file, text)
        fmt.side_effects(read, redaction.text)


def show_warnings(warnings) -> None:
    """Lint warnings of the policies a run loaded, one per line on stderr; the run goes on."""
    import click

    for warning in warnings:
        click.echo(f"cxgov: {warning}", err=True)
