"""Machine-readable output: the whole Result as one JSON object, described by `cxgov schema result`
(formats/json_schema.py).

It records no machine path: `cxgov.root` is "." and every file (subject origins, finding locations,
waiver sources) is relative to the directory the run was made from, so the same run gives the same
bytes on every machine. `schema_version` changes when a field changes meaning or goes away.
"""

from __future__ import annotations

import json
import os
from json.encoder import encode_basestring_ascii
from pathlib import PurePosixPath
from typing import Any

from cxgov.formats._common import not_judged_hint, ordered_checks
from cxgov.formats.interface import Format
from cxgov.model import Result, canonical_json

SCHEMA_VERSION = 2  # 1: the shape before schema_version (an absolute root)


def relative(file: Any, root: str) -> Any:
    """An absolute file path as a path relative to the run's root; URIs and relative paths as they are."""
    if not isinstance(file, str) or not file.startswith("/") or not root.startswith("/"):
        return file
    return PurePosixPath(os.path.relpath(file, root)).as_posix()


def _encoded(value: Any, indent: str, out: list[str], root: str | None) -> None:
    """`value` as json.dumps(..., indent=2, sort_keys=True) writes it at the indentation `indent`,
    appended to `out` in pieces; with `root`, every `file` of a location object (origin, location,
    source) made relative to it. The same bytes as the standard encoder, whose indented form is
    pure Python and generator-driven: on large results (40 MB for 10,000 documents) this is
    several times faster, and it needs no relocated, key-sorted copy of the result first."""
    cls = value.__class__
    if cls is str:
        out.append(encode_basestring_ascii(value))
    elif cls is dict:
        if not value:
            out.append("{}")
        elif any(key.__class__ is not str for key in value):
            out.append(_standard(value, indent, root))  # keys json converts: the standard encoder says how
        else:
            inner = indent + "  "
            sep = "{\n" + inner
            for key in sorted(value):
                out.append(sep)
                out.append(encode_basestring_ascii(key))
                out.append(": ")
                if root is not None and key == "file":
                    _encoded(relative(value[key], root), inner, out, None)
                else:
                    _encoded(value[key], inner, out, root)
                sep = ",\n" + inner
            out.append("\n" + indent + "}")
    elif cls is list or cls is tuple:
        if not value:
            out.append("[]")
            return
        inner = indent + "  "
        sep = "[\n" + inner
        for item in value:
            out.append(sep)
            _encoded(item, inner, out, root)
            sep = ",\n" + inner
        out.append("\n" + indent + "]")
    elif value is None or value is True or value is False or cls is int or cls is float:
        out.append(json.dumps(value) if cls is float else "null" if value is None else
                   "true" if value is True else "false" if value is False else int.__repr__(value))
    else:
        out.append(_standard(value, indent, root))


def _standard(value: Any, indent: str, root: str | None) -> str:
    """What the standard encoder writes for `value` at `indent` (keys it converts, subclasses)."""
    if root is not None:
        value = _relocated(value, root)
    text = json.dumps(value, indent=2, sort_keys=True)
    return text.replace("\n", "\n" + indent) if indent else text


def _relocated(node: Any, root: str) -> Any:
    """Every `file` of a location object made relative (origin, location, source)."""
    if isinstance(node, dict):
        return {k: relative(v, root) if k == "file" else _relocated(v, root) for k, v in node.items()}
    if isinstance(node, list):
        return [_relocated(v, root) for v in node]
    return node


def _rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A builtin rule's source as the packs name it (policies/<pack>/<file>), wherever cxgov is installed."""
    file = (rule.get("source") or {}).get("file")
    if rule.get("builtin") and isinstance(file, str) and file.startswith("/") and "/policies/" in file:
        rule = {**rule, "source": {**rule["source"], "file": "policies/" + file.rsplit("/policies/", 1)[1]}}
    return rule


class JsonFormat(Format[Result]):
    """Schema version, run info, verdict (with the counts every format reads), subjects, the subjects no
    selected rule judged (`not_judged`, never a pass), checks, findings and the rules behind them; keys
    sorted inside each section, lists in a fixed order."""

    name = "json"
    extension = ".json"

    def render(self, result: Result, *, color: bool = False) -> str:
        def order(s):
            return (s.origin.file or "", s.origin.line or 0, s.kind, s.id, s.sha256)

        root = result.run.root
        subjects = sorted(result.subjects, key=order)
        document = {
            "schema_version": SCHEMA_VERSION,
            "cxgov": {**result.run.to_dict(), "root": "."},
            "verdict": result.verdict.to_dict(),
            "subjects": [s.to_dict() for s in subjects],
            "not_judged": [{**s.to_dict(), "reason": not_judged_hint(s.kind)}
                           for s in sorted(result.unjudged(), key=order)],
            "checks": [c.to_dict() for c in ordered_checks(result.checks)],
            "findings": _ordered_findings(result),
            "rules": {rule_id: _rule(result.rules[rule_id].to_dict()) for rule_id in result.rules},
        }
        if result.shard is not None:
            document["shard"] = result.shard.to_dict()
        # the sections in this order; inside each, keys sorted and files relative to the root
        out = ["{"]
        for n, (key, value) in enumerate(document.items()):
            out.append(("\n  " if n == 0 else ",\n  ") + encode_basestring_ascii(key) + ": ")
            _encoded(value, "  ", out, None if key in ("schema_version", "cxgov", "verdict") else root)
        out.append("\n}\n")
        return "".join(out)


def _ordered_findings(result: Result) -> list[dict[str, Any]]:
    """The findings as dicts, in _common.ordered()'s order (by sort key, ties by their whole content),
    each converted once."""
    rows = [(f.sort_key(), f.to_dict()) for f in result.findings]
    rows.sort(key=lambda row: (row[0], canonical_json(row[1])))
    return [d for _, d in rows]
