"""The system view: one subject, of kind `system`, that rules spanning sources judge.

Each document stays the Rego `input` of its own evaluation (so conftest policies run unchanged).
When a run includes a descriptor, cxgov also builds this subject, whose document is

    {
      "evaluation_date": "YYYY-MM-DD",
      "descriptor": {...},                 the validated descriptor
      "descriptor_file": "path",           where it came from, for `_loc`
      "lines": {"data_stores.0": 34, ...}, the line of every descriptor field (dotted path)
      "evidence": {uri: facts},            for every evidence reference (below)
      "documents": [{"id", "kind", "file", "line", "document"}]   Kubernetes, Terraform plans, MLflow
    }                                                              model versions and UI scans

so a rule can compare them (a Terraform region the descriptor does not declare) and still be
unit-tested with `with input as {...}`. Builtin rules about the system as a whole declare
`applies_to: [system]`.

Evidence facts are computed here because they need the file system: for a reference
`{uri, sha256, approved_by, approved_at}` whose uri is a file relative to the descriptor,
`{exists, local, sha256, hash_matches, approved, age_days}`. A reference cxgov cannot read (a
URL, a missing file) is never reported as intact.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from cxgov.descriptor_todo import without_todo
from cxgov.errors import InputError
from cxgov.model import Location, Subject

# model versions and UI scans are here so the descriptor's `models:` and `ui:` can be checked against
# the registry and the scanned pages
CROSS_KINDS = ("kubernetes", "terraform-plan", "model-version", "ui-scan", "dependencies", "dotenv")


def build(subjects: list[Subject], root: Path, evaluation_date: str) -> Subject | None:
    """The system subject, or None when the run has no descriptor."""
    descriptors = [s for s in subjects if s.kind == "descriptor"]
    if len(descriptors) > 1:
        raise InputError("more than one descriptor in one run: " + ", ".join(str(s.origin) for s in descriptors),
                         hint="check one system at a time")
    if not descriptors:
        return None
    subject = descriptors[0]
    text = _source_text(subject, root)
    _validate(subject, text)
    base = (root / subject.origin.file).parent if text is not None else root
    document = {
        "evaluation_date": evaluation_date,
        "descriptor": without_todo(subject.document),  # a TODO field is missing to the rules
        "descriptor_file": subject.origin.file,
        "lines": field_lines(text, subject.origin.line) if text is not None else {},
        "evidence": {ref["uri"]: evidence_facts(ref, base, evaluation_date) for ref in _references(subject.document)},
        "documents": [
            {"id": s.id, "kind": s.kind, "file": s.origin.file, "line": s.origin.line, "document": s.document}
            for s in subjects if s.kind in CROSS_KINDS
        ],
    }
    name = (subject.document.get("metadata") or {}).get("name", "system")
    return Subject("system", f"system:{name}", Location(subject.origin.file, subject.origin.line), document)


def _source_text(subject: Subject, root: Path) -> str | None:
    """The descriptor's own document text (from its first line), when it came from a file."""
    if subject.origin.file in (None, "-"):
        return None
    file = root / subject.origin.file
    if not file.is_file():
        return None
    lines = file.read_text(encoding="utf-8").splitlines()
    return "\n".join(lines[(subject.origin.line or 1) - 1 :])


def _validate(subject: Subject, text: str | None) -> None:
    from cxgov import descriptor
    from cxgov.sources.yaml_paths import line_of

    offset = (subject.origin.line or 1) - 1

    def where(path) -> int | None:
        found = line_of(text, path) if text is not None else None
        return found + offset if found else None

    descriptor.validate(subject.document, str(subject.origin.file), where)


def field_lines(text: str, first_line: int | None) -> dict[str, int]:
    from cxgov.sources.yaml_paths import all_lines

    offset = (first_line or 1) - 1
    return {path: line + offset for path, line in all_lines(text).items()}


def _references(node: Any):
    """Every evidence reference in the descriptor: a mapping with a `uri` under a key ending `_ref`."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("_ref") and isinstance(value, dict) and isinstance(value.get("uri"), str):
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


def evidence_facts(ref: dict[str, Any], base: Path, evaluation_date: str) -> dict[str, Any]:
    uri = ref["uri"]
    local = "://" not in uri
    path = (base / uri) if local else None
    exists = bool(path and path.is_file())
    actual = hashlib.sha256(path.read_bytes()).hexdigest() if exists else None
    age = None
    if ref.get("approved_at"):
        try:
            age = (date.fromisoformat(evaluation_date) - date.fromisoformat(str(ref["approved_at"]))).days
        except ValueError:
            age = None
    return {
        "exists": exists,
        "local": local,
        "sha256": actual,
        "hash_matches": bool(actual and ref.get("sha256") == actual),
        "approved": bool(str(ref.get("approved_by") or "").strip()) and age is not None and age >= 0,
        "age_days": age,
    }
