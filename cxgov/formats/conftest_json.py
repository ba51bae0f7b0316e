"""`-o conftest-json`: conftest's `--output json`, so a team's scripts that read it keep working.

The shape is conftest's (output/json.go): a JSON array of CheckResults, tab-indented,

    [{"filename": "k8s/app.yaml", "namespace": "main", "successes": 3,
      "warnings": [{"msg": "..."}], "failures": [{"msg": "...", "loc": {"file": "...", "line": 7},
      "metadata": {...}}], "exceptions": [...], "skipped": [...]}]

with empty lists left out and standard input named "". What each list holds: formats/_conftest.py.
"""

from __future__ import annotations

import json

from cxgov.formats._conftest import check_results
from cxgov.formats.interface import Format
from cxgov.model import Result


class ConftestJsonFormat(Format[Result]):
    name = "conftest-json"
    extension = ".json"

    def render(self, result: Result, *, color: bool = False) -> str:
        document = []
        for check in check_results(result):
            entry = check.to_dict()
            if entry["filename"] == "-":
                entry["filename"] = ""
            document.append(entry)
        return json.dumps(document, indent="\t", ensure_ascii=False) + "\n"
