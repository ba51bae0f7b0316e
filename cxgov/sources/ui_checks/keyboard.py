"""The keyboard probes: real key presses (through the DevTools protocol, as chromedriver sends them)
in a panel the steps opened, recorded as facts the focus checks judge.

The probes run on a fresh load of the entry point, replayed up to the step that opened the panel,
so they never disturb the states the steps declare. In order: Tab from the panel's first control and
Shift+Tab from its last, one press more than it has controls plus one (at most MAX_PRESSES), noting
where focus is after each; then Escape from its text field (else its first control); then, when the
panel has a control named like a close button (close, minimise, hide, dismiss, end chat, x), that
control pressed with Enter after reopening the panel. After Escape and after the close control,
focus is followed for up to SETTLE_S seconds, so an animated close is not judged before it ends.
A widget the steps never opened (one always on the page) is only walked with Tab and Shift+Tab,
where the steps left it, within the elements they used.
"""

from __future__ import annotations

import time

SETTLE_S = 0.6
# name, code, key code, text (Enter must type a carriage return to activate a button)
KEYS = {"Tab": ("Tab", 9, None), "Escape": ("Escape", 27, None), "Enter": ("Enter", 13, "\r")}

SCRIPT = r"""
  var CLOSE_NAME = /\b(close|minimi[sz]e|hide|dismiss|end (the )?(chat|conversation)|schlie(ß|ss)en|fermer|cerrar|chiudi|sluiten)\b/i;
  cx.count = function (index) { var p = cx.panels[index]; return p ? cx.tabbables(p.panel).length : 0; };
  cx.edge = function (index, first, field) {  // focus the panel's first (or last) control, or its text field
    var tabs = cx.panels[index] ? cx.tabbables(cx.panels[index].panel) : [];
    var el = (field && tabs.filter(function (e) { return e.matches(FIELD); })[0]) || (first ? tabs[0] : tabs[tabs.length - 1]);
    if (!el) { return null; }
    el.focus();
    return cx.target(el);
  };
  cx.name = function (el) {
    var label = el.getAttribute('aria-label') || '';
    var by = el.getAttribute('aria-labelledby');
    if (!label && by) { label = by.split(/\s+/).map(function (id) { var n = document.getElementById(id); return n ? n.textContent : ''; }).join(' '); }
    return (label || el.textContent || el.getAttribute('title') || el.value || '').trim();
  };
  cx.closeControl = function (index, focus) {
    var p = cx.panels[index];
    var el = p && cx.tabbables(p.panel).filter(function (e) {
      var n = cx.name(e);
      return e.matches('button,[role="button"],a[href],input[type="button"],input[type="submit"]') &&
        (CLOSE_NAME.test(n) || /^[×✕✖╳xX]$/.test(n));
    })[0];
    if (el && focus) { el.focus(); }
    return el ? cx.target(el) : null;
  };
  cx.launcherOf = function (index) { var p = cx.panels[index]; return p ? p.launcher : null; };
  cx.adopt = function (selectors) {  // a widget always on the page (no launcher): where the steps worked
    var scope = cx.scope(selectors);
    if (!scope) { return null; }
    cx.panels.push({panel: scope, launcher: null});
    return {index: cx.panels.length - 1, panel: cx.target(scope), html: cx.html(scope)};
  };
"""


class Keyboard:
    """Key presses and focus readings on one page."""

    def __init__(self, page):
        self.page = page

    def press(self, key: str, shift: bool = False) -> None:
        name, code, text = KEYS[key]
        base = {"key": name, "code": name, "windowsVirtualKeyCode": code, "modifiers": 8 if shift else 0}
        down = {"type": "keyDown", "text": text, **base} if text else {"type": "rawKeyDown", **base}
        self.page.cdp("Input.dispatchKeyEvent", down)
        self.page.cdp("Input.dispatchKeyEvent", {"type": "keyUp", **base})

    def walk(self, index: int, presses: int, shift: bool) -> dict:
        """Tab (or Shift+Tab) `presses` times from the panel's first (last) control."""
        start = self.page.call("edge", index, not shift)
        seq = []
        for _ in range(presses):
            self.press("Tab", shift)
            where = self.page.call("where", index)
            seq.append([where["target"], where["inPanel"]])
        return {"start": start, "seq": seq}

    def settle(self, index: int) -> dict:
        """Where focus is once the panel closed and focus reached the launcher, or SETTLE_S passed."""
        deadline = time.monotonic() + SETTLE_S
        while True:
            where = self.page.call("where", index)
            done = not where["open"] and (where["onLauncher"] or not where["launcher"])
            if done or time.monotonic() > deadline:
                return {"closed": not where["open"], "returned": where["onLauncher"], "focus": where["target"],
                        "launcher_shown": where["launcher"]}
            time.sleep(0.05)

    def reopen(self, index: int, selector: str | None, timeout: float) -> int | None:
        """Open the panel again with its launcher; the index of the panel as the page now knows it."""
        launcher = self.page.call("launcherOf", index)
        if launcher is None:
            return None
        self.page.call("before")
        self.page.click(launcher)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            event = self.page.call("after", selector, True)
            if event.get("event") == "open":
                return event["index"]
            time.sleep(0.05)
        return None


MAX_PRESSES = 40  # a widget with more controls is walked this far in each direction


def probe(page, event: dict, selector: str | None, timeout: float, *, inline: bool = False) -> dict:
    """The facts about a panel the focus checks judge (see the module docstring). `inline`: a widget
    always on the page, walked with Tab and Shift+Tab only (there is nothing to close)."""
    keyboard, index = Keyboard(page), event["index"]
    facts: dict = {"tabbables": page.call("count", index)}
    if not facts["tabbables"]:
        return facts
    presses = min(facts["tabbables"] + 2, MAX_PRESSES)
    facts["tab"] = keyboard.walk(index, presses, shift=False)
    facts["shift_tab"] = keyboard.walk(index, presses, shift=True)
    if inline:
        return facts
    facts["close_control"] = page.call("closeControl", index, False)
    page.call("edge", index, True, True)  # where the user types, else the first control
    keyboard.press("Escape")
    facts["escape"] = keyboard.settle(index)
    if facts["close_control"]:
        if facts["escape"]["closed"]:
            index = keyboard.reopen(index, selector, timeout)
        if index is not None and page.call("closeControl", index, True):
            keyboard.press("Enter")
            facts["close"] = keyboard.settle(index)
    return facts
