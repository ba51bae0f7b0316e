"""Machine-readable output: the whole Result as one JSON object."""

from __future__ import annotations

import json

from cxgov.formats._common import not_judged_hint, ordered, ordered_checks, sorted_keys
from cxgov.formats.interface import Format
from cxgov.model import Result


class JsonFormat(Format):
    """Run info, verdict (with the counts every format reads), subjects, the subjects no selected rule
    judged (`not_judged`, never a pass), checks, findings and the rules behind them; keys sorted inside
    each section, lists in a fixed order."""

    name = "json"
    extension = ".json"

    def render(self, result: Result, *, color: bool = False) -> str:
        def order(s):
            return (s.origin.file or "", s.origin.line or 0, s.kind, s.id, s.sha256)

        subjects = sorted(result.subjects, key=order)
        document = {
            "cxgov": result.run.to_dict(),
            "verdict": result.verdict.to_dict(),
            "subjects": [s.to_dict() for s in subjects],
            "not_judged": [{**s.to_dict(), "reason": not_judged_hint(s.kind)}
                           for s in sorted(result.unjudged(), key=order)],
            "checks": [c.to_dict() for c in ordered_checks(result.checks)],
            "findings": [f.to_dict() for f in ordered(result.findings)],
            "rules": {rule_id: result.rules[rule_id].to_dict() for rule_id in result.rules},
        }
        if result.shard is not None:
            document["shard"] = result.shard.to_dict()
        return json.dumps({k: sorted_keys(v) for k, v in document.items()}, indent=2) + "\n"
