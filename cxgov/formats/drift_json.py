"""`drift check -o json`: a drift run as JSON (Outcome.to_dict()), keys sorted."""

from __future__ import annotations

import json

from cxgov.drift.outcome import Outcome
from cxgov.formats.interface import Format


class DriftJsonFormat(Format[Outcome]):
    name = "json"
    extension = ".json"

    def render(self, outcome: Outcome, *, color: bool = False) -> str:
        return json.dumps(outcome.to_dict(), indent=2, sort_keys=True) + "\n"
