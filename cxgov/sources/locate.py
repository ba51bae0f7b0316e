"""The line a finding's field sits on: a rule names the path it judged (`_path`), this finds its line.

Lines are looked up only for findings, after evaluation, so reading stays as fast as parsing allows:
a file is read again into tables of field lines (cxgov/sources/yaml_lines.py; YAML and JSON alike)
only when one of its documents has a finding with a path. `.tf` files map paths of their normalised
plan shape to lines themselves.
Every lookup is recorded, so a bundle can carry the lines it used and a replay reproduces them
without the original files.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cxgov.sources.yaml_lines import DocumentLines


def parse_path(value: Any) -> str:
    """A rule's `_path` as one dotted string ("spec.containers.0.image"); "" when absent or malformed."""
    if isinstance(value, str):
        return value.strip(".")
    if isinstance(value, list) and all(isinstance(p, (str, int)) and not isinstance(p, bool) for p in value):
        return ".".join(str(p) for p in value)
    return ""


class Locator:
    """Resolves (file, line of the document, path) to the line of that field, and records each answer."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.resolved: dict[tuple[str, int, str], int] = {}
        self._docs: dict[str, list[Any] | dict[str, int] | None] = {}

    def line(self, file: str | None, doc_line: int | None, path: str) -> int | None:
        if not file or not path or file == "-" or "://" in file or file.startswith("models:"):
            return None
        key = (file, doc_line or 1, path)
        if key not in self.resolved:
            found = self._lookup(file, doc_line or 1, path)
            if found is None:
                return None
            self.resolved[key] = found
        return self.resolved[key]

    def _lookup(self, file: str, doc_line: int, path: str) -> int | None:
        parsed = self._parsed(file)
        if parsed is None:
            return None
        if isinstance(parsed, dict):  # a .tf file: its own map of normalised paths
            return _longest_prefix(parsed, path)
        found = _document_at(parsed, doc_line)
        if found is None:
            return None
        doc, start = found
        return doc.line_of(_parts(path), start)

    def _parsed(self, file: str):
        if file not in self._docs:
            full = file if os.path.isabs(file) else os.path.join(self.root, file)
            self._docs[file] = _read(full)
        return self._docs[file]


class RecordedLocator(Locator):
    """The lines a bundle recorded (inputs/index.json), for a replay that has no original files."""

    def __init__(self, table: dict[tuple[str, int, str], int]):
        super().__init__(".")
        self.resolved = dict(table)

    def _lookup(self, file: str, doc_line: int, path: str) -> int | None:
        return None


def _read(full: str):
    try:
        with open(full, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if full.endswith(".tf"):
        try:
            from cxgov.sources import terraform_hcl
        except ImportError:  # pragma: no cover - .tf support ships with this module
            return None
        try:
            return terraform_hcl.lines(full)
        except Exception:  # a file that parsed when read but not now (edited since): no line, not a crash
            return None
    import yaml

    from cxgov.sources.yaml_lines import line_index  # PyYAML only once a finding names a path

    try:
        return line_index(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return None


def _parts(path: str) -> list[str]:
    return [p for p in path.split(".") if p != ""]


def _longest_prefix(lines: dict[str, int], path: str) -> int | None:
    parts = _parts(path)
    for n in range(len(parts), 0, -1):
        found = lines.get(".".join(parts[:n]))
        if found is not None:
            return found
    return None


def _document_at(docs: Sequence[DocumentLines], doc_line: int) -> tuple[DocumentLines, str] | None:
    """The document whose content starts on `doc_line`, with the table path of the item of a
    Kubernetes List that starts there ("" for the document itself)."""
    candidate = None
    for doc in docs:
        if doc.line <= doc_line:
            candidate = doc
    if candidate is None:
        return None
    if candidate.line == doc_line:
        return candidate, ""
    return candidate, candidate.items.get(doc_line, "")
