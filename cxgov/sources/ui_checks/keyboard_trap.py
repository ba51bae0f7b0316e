"""No keyboard trap in the widget (WCAG 2.2 SC 2.1.2).

Method. On the panel the steps opened (the keyboard probes, see keyboard.py), Tab is pressed from
its first control and Shift+Tab from its last, one press more than the panel has controls plus
one. It is a trap when:

- a press leaves focus where it was (a control, often the transcript, swallows Tab), or
- focus never leaves the panel and there is no way out a keyboard user knows: Escape does not close
  the panel and no close control is among the places Tab reaches (a modal dialog that keeps focus
  inside it is fine when Escape or its close button gets the user out).

A widget the steps never opened (always on the page) is walked where the steps left it, within the
elements they used, for the first kind of trap. When the probes could not run, the check is
incomplete (a person must try it) and says why.
"""

from __future__ import annotations

from cxgov.sources.ui_checks.interface import Check, Node, Outcome, Rule, probe_failed, target_text


class KeyboardTrap(Check):
    name = "keyboard-trap"
    rules = (Rule("cx-keyboard-trap", "2.1.2", "wcag2a", "critical",
                  "Keyboard focus must be able to leave every part of the chat widget with Tab, Shift+Tab or Escape",
                  "no-keyboard-trap"),)
    method = "Tab and Shift+Tab through the opened panel must move focus each time and reach a way out"

    def at_end(self, entry) -> dict[int, Outcome]:
        probe, event = entry.probe, entry.probed
        if event is None:
            return {}
        if probe.get("error"):
            return {event["scan"]: probe_failed(self.rules[0], event, probe["error"])}
        if not probe.get("tabbables"):
            return {event["scan"]: Outcome.skipped("the opened panel has no control")}
        nodes: list[Node] = []
        for walk, keys in ((probe["tab"], "Tab"), (probe["shift_tab"], "Shift+Tab")):
            stuck = _stuck(walk)
            if stuck is not None:
                nodes.append(Node(stuck, "", f"{keys} does not move focus away from {target_text(stuck)}"))
        targets = {target_text(t) for t, _ in probe["tab"]["seq"] if t is not None}
        contained = all(inside for _, inside in probe["tab"]["seq"])
        closable = (probe.get("escape") or {}).get("closed") or (
            probe.get("close_control") is not None and target_text(probe["close_control"]) in targets)
        if not nodes and contained and not closable and not event.get("inline"):
            nodes.append(Node(event["panel"], "", (
                f"Tab keeps cycling inside {target_text(event['panel'])}: Escape does not close it and Tab reaches "
                "no close control")))
        return {event["scan"]: Outcome.of({"cx-keyboard-trap": nodes},
                                          note=f"{probe['tabbables']} control(s) in the panel")}


def _stuck(walk: dict):
    """The control a press left focus on, if any."""
    previous = walk["start"]
    for target, _ in walk["seq"]:
        if target is not None and target == previous:
            return target
        previous = target
    return None


CHECK = KeyboardTrap()
