"""Focus moves into the widget when it opens (WCAG 2.2 SC 2.4.3 focus order).

Method. Before each `click` or `press` step the page script notes the tabbable elements; after the
step (and the `wait_for` steps that follow it, which give an animation time to end) it looks at what
became tabbable. New controls outside the live regions already on the page mean the step opened a
panel: the element the launcher names in `aria-controls`, or else the largest element around the
new controls that holds none of the controls that were there before. Focus must then be inside that
panel (on something other than the launcher): a keyboard or screen-reader user who opens the chat
must land in it, not stay on the launcher or fall back to the top of the page. Judged at the scan
that follows the step, for every opening the steps perform.
"""

from __future__ import annotations

from cxgov.sources.ui_checks.interface import Check, Node, Outcome, Rule, target_text


class FocusOnOpen(Check):
    name = "focus-on-open"
    rules = (Rule("cx-focus-on-open", "2.4.3", "wcag2a", "serious",
                  "Opening the chat widget must move keyboard focus into it", "focus-order"),)
    method = "after a step opens a panel, focus must be inside it (not on the launcher or the page)"

    def at_end(self, entry) -> dict[int, Outcome]:
        found: dict[int, list[Node]] = {}
        for event in entry.opens:
            if event["scan"] is None:
                continue
            nodes = found.setdefault(event["scan"], [])
            if not event["inside"]:
                where = f"stayed on {target_text(event['focus'])}" if event["focus"] else "went back to the page (body)"
                nodes.append(Node(event["launcher"], event["html"],
                                  f"{event['action']} opened {target_text(event['panel'])} but focus {where}"))
        return {scan: Outcome.of({"cx-focus-on-open": nodes}, note="panel opened by the steps")
                for scan, nodes in found.items()}


CHECK = FocusOnOpen()
