"""Writing a Result in the formats asked for: to stdout, or atomically to files."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from cxgov import formats
from cxgov.errors import UsageError
from cxgov.model import Result


@dataclass(frozen=True)
class Target:
    format: str
    file: Path | None  # None: stdout


def parse_outputs(specs: list[str], output_file: str | None, *,
                  choices: Sequence[str] = formats.FORMATS) -> list[Target]:
    """`-o sarif`, `-o sarif=out.sarif`, `-o text,json`; --output-file names the file of a single -o.
    `choices`: the format names allowed (drift reports have their own)."""
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


def write_outputs(result: Result, targets: list[Target], *, color: bool, stdout: TextIO) -> None:
    for target in targets:
        fmt = formats.get(target.format)
        text = fmt.render(result, color=color and target.file is None)
        if target.file is None:
            stdout.write(text)
            stdout.flush()
        else:
            write_atomically(target.file, text)
        fmt.side_effects(result)


def write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a failure never leaves a half-written output.

    A symlink, device or pipe (`-o json=/dev/stdout`) is written through, not replaced; a new
    file gets the usual permissions (umask), not the temporary file's private ones.
    """
    if path.is_symlink() or (path.exists() and not path.is_file()):
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def show_warnings(warnings) -> None:
    """Lint warnings of the policies a run loaded, one per line on stderr; the run goes on."""
    import click

    for warning in warnings:
        click.echo(f"cxgov: {warning}", err=True)
