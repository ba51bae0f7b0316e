"""Closing the widget returns focus to its launcher (WCAG 2.2 SC 2.4.3 focus order).

Method. Every way the widget was closed is judged: a step that closed it (its controls stopped
being visible after a click or key press), Escape in the keyboard probes, and the panel's close
control pressed with Enter (both in keyboard.py). Once closed (focus followed for the settle time),
focus must be on the launcher that opened it, or inside it; a launcher that is gone after the
close, or focus left on the page, fails: the keyboard user is thrown back to the top of the page.
"""

from __future__ import annotations

from cxgov.sources.ui_checks.interface import Check, Node, Outcome, Rule, probe_failed, target_text


class FocusReturn(Check):
    name = "focus-return"
    rules = (Rule("cx-focus-return", "2.4.3", "wcag2a", "serious",
                  "Closing the chat widget must return keyboard focus to the launcher", "focus-order"),)
    method = "after the widget closes (steps, Escape, its close control), focus must be on the launcher"

    def at_end(self, entry) -> dict[int, Outcome]:
        found: dict[int, list[Node]] = {}
        for event in entry.closes:
            if event["scan"] is not None:
                found.setdefault(event["scan"], []).extend(
                    _judge(event, event["launcher"] or event["panel"], event["html"], event["action"]))
        out: dict[int, Outcome] = {}
        probe, opened = entry.probe, entry.probed
        if opened is not None and not opened.get("inline"):
            if probe.get("error"):
                out[opened["scan"]] = probe_failed(self.rules[0], opened, probe["error"])
            for key, how in (("escape", "Escape"), ("close", f"Enter on {target_text(probe.get('close_control'))}")):
                result = probe.get(key)
                if result and result["closed"]:
                    found.setdefault(opened["scan"], []).extend(_judge(
                        {"returned": result["returned"], "focus": result["focus"], "shown": result["launcher_shown"]},
                        opened["launcher"], opened["html"], how))
        for scan, nodes in found.items():
            if scan not in out:
                out[scan] = Outcome.of({"cx-focus-return": nodes}, note="the widget was closed")
        return out


def _judge(event: dict, launcher, html: str, how: str) -> list[Node]:
    if event["returned"]:
        return []
    if not event["shown"]:
        return [Node(launcher, html, f"{how} closed the widget but its launcher is not shown: focus is lost")]
    where = f"is on {target_text(event['focus'])}" if event["focus"] else "went back to the page (body)"
    return [Node(launcher, html, f"{how} closed the widget but focus {where}, not on the launcher")]


CHECK = FocusReturn()
