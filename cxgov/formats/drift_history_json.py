"""`drift history -o json`: the runs and the findings' episodes, keys sorted."""

from __future__ import annotations

import json

from cxgov.drift.history import HistoryView
from cxgov.formats.interface import Format


class DriftHistoryJsonFormat(Format[HistoryView]):
    name = "json"
    extension = ".json"

    def render(self, view: HistoryView, *, color: bool = False) -> str:
        return json.dumps({"runs": list(view.runs), "findings": list(view.episodes)}, indent=2, sort_keys=True) + "\n"
