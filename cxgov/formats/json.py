"""Machine-readable output: the whole Result as one JSON object, described by `cxgov schema result`
(formats/json_schema.py).

It records no machine path: `cxgov.root` is "." and every file (subject origins, finding locations,
waiver sources) is relative to the directory the run was made from, so the same run gives the same
bytes on every machine. `schema_version` changes when a field changes meaning or goes away.
"""

from __future__ import annotations

import json
import os
from pathlib import PurePosixPath
from typing import Any

from cxgov.formats._common import not_judged_hint, ordered, ordered_checks, sorted_keys
from cxgov.formats.interface import Format
from cxgov.model import Result

SCHEMA_VERSION = 2  # 1: the shape before schema_version (an absolute root)


def relative(file: Any, root: str) -> Any:
    """An absolute file path as a path relative to the run's root; URIs and relative paths as they are."""
    if not isinstance(file, str) or not file.startswith("/") or not root.startswith("/"):
        return file
    return PurePosixPath(os.path.relpath(file, root)).as_posix()


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


class JsonFormat(Format):
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
            "findings": [f.to_dict() for f in ordered(result.findings)],
            "rules": {rule_id: _rule(result.rules[rule_id].to_dict()) for rule_id in result.rules},
        }
        if result.shard is not None:
            document["shard"] = result.shard.to_dict()
        document = {k: v if k in ("schema_version", "cxgov", "verdict") else _relocated(v, root)
                    for k, v in document.items()}
        return json.dumps({k: sorted_keys(v) for k, v in document.items()}, indent=2) + "\n"
