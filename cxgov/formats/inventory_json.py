"""`cxgov inventory -o json`: the AI services in use, with the run that found them, keys sorted."""

from __future__ import annotations

import json

from cxgov.evidence.aibom import Inventory
from cxgov.formats.interface import Format

INVENTORY_VERSION = 1


class InventoryJsonFormat(Format[Inventory]):
    name = "json"
    extension = ".json"

    def render(self, inventory: Inventory, *, color: bool = False) -> str:
        return json.dumps({"inventory_version": INVENTORY_VERSION, "run": inventory.run.to_dict(),
                           "has_descriptor": inventory.has_descriptor,
                           "services": [u.to_dict() for u in inventory.found]}, indent=2, sort_keys=True) + "\n"
