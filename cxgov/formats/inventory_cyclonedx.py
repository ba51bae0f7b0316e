"""`cxgov inventory -o cyclonedx`: a CycloneDX 1.6 AI-BOM of the services in use, as the bundle's SBOM
lists them, stamped with the evaluation date (the same files give the same bytes)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from cxgov.evidence.aibom import Inventory, standalone_bom
from cxgov.formats.interface import Format


class InventoryCycloneDxFormat(Format[Inventory]):
    name = "cyclonedx"
    extension = ".cdx.json"

    def render(self, inventory: Inventory, *, color: bool = False) -> str:
        stamp = datetime.fromisoformat(inventory.run.evaluation_date).replace(tzinfo=timezone.utc)
        return json.dumps(standalone_bom(list(inventory.found), "cxgov-inventory", stamp), indent=2,
                          sort_keys=True) + "\n"
