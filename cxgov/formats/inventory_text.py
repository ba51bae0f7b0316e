"""`cxgov inventory` (text): each AI service in use, its file:line, declared or not."""

from __future__ import annotations

from cxgov.evidence.aibom import Inventory, declared_text
from cxgov.formats._common import paint
from cxgov.formats.interface import Format


class InventoryTextFormat(Format[Inventory]):
    name = "text"

    def render(self, inventory: Inventory, *, color: bool = False) -> str:
        found = inventory.found
        undeclared = sum(u.declared is not True for u in found)
        head = f"AI services in use: {len(found)}, {undeclared} not declared"
        if not inventory.has_descriptor:
            head += " (no descriptor: nothing declares which AI services are approved)"
        lines = [head]
        for u in found:
            status = declared_text(u) if u.declared is True else paint(declared_text(u), "warn", color)
            who = f"{u.provider} ({u.vendor or 'self-hosted or framework'})"
            where = " ".join(x for x in (u.host, u.region) if x)
            lines.append(f"  {u.where}  {status}  {who}  {u.evidence} ({u.usage})" + (f"  [{where}]" if where else ""))
        if not found:
            lines.append("  none found")
        return "\n".join(lines) + "\n"
