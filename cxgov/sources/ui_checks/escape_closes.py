"""Escape closes the widget (WCAG 2.2 SC 2.1.2, the standard way out of a dialog).

Method. With focus in the text field of the panel the steps opened, else on its first control (the
keyboard probes, see keyboard.py), Escape is pressed; the panel must stop having visible controls within the settle
time. Judged when the panel is a modal dialog (`aria-modal=true`, a `<dialog>` opened modally), where
failing to close is serious, or floats over the page (fixed or sticky position, as chat widgets do),
where it is moderate. An inline chat that is part of the page is not judged.
"""

from __future__ import annotations

from cxgov.sources.ui_checks.interface import Check, Node, Outcome, Rule, probe_failed


class EscapeCloses(Check):
    name = "escape-closes"
    rules = (Rule("cx-escape-closes", "2.1.2", "wcag2a", "serious",
                  "Escape must close a chat widget that is a dialog or floats over the page", "no-keyboard-trap"),)
    method = "Escape pressed inside the opened panel must close it (modal or floating panels)"

    def at_end(self, entry) -> dict[int, Outcome]:
        probe, event = entry.probe, entry.probed
        if event is None or event.get("inline") or (not probe.get("error") and not probe.get("tabbables")):
            return {}
        if probe.get("error"):
            return {event["scan"]: probe_failed(self.rules[0], event, probe["error"])}
        if not (event["modal"] or event["floating"]):
            return {event["scan"]: Outcome.skipped("the panel is part of the page, not a dialog or floating")}
        nodes = []
        if not probe["escape"]["closed"]:
            nodes.append(Node(event["panel"], "", "Escape pressed inside the panel did not close it",
                              impact="serious" if event["modal"] else "moderate"))
        return {event["scan"]: Outcome.of({"cx-escape-closes": nodes}, note="modal" if event["modal"] else "floating")}


CHECK = EscapeCloses()
