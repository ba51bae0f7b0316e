"""The behavioural checks: a second engine beside axe-core in the UI source.

axe-core judges the DOM of one state. What fails people most in a chat widget is behaviour: a reply
that is never announced, focus that does not move into the widget or back to its launcher, Escape
that does not close it, a keyboard trap, a launcher that hides the focused element, targets too small
to hit, a widget that does not fit a 320 px screen. Each check below drives or observes the real page
in headless Chromium (the DOM, the accessibility semantics of live regions, focus, geometry) while
the declared steps run, and reports violations in axe-core's result shape, so the wcag pack judges
them as it judges axe-core's (`behaviour.violations` of a ui-scan document, beside `axe`).

One module per check, each with its method in its docstring:

| check | module | criterion | violation ids |
|---|---|---|---|
| live-announcements | live_announcements | 4.1.3 | cx-live-region, cx-live-politeness, cx-live-streaming |
| focus-on-open | focus_on_open | 2.4.3 | cx-focus-on-open |
| focus-return | focus_return | 2.4.3 | cx-focus-return |
| escape-closes | escape_closes | 2.1.2 | cx-escape-closes |
| keyboard-trap | keyboard_trap | 2.1.2 | cx-keyboard-trap |
| focus-obscured | focus_obscured | 2.4.11 | cx-focus-obscured |
| target-size | target_size | 2.5.8 | cx-target-size |
| reflow | reflow | 1.4.10 | cx-reflow |

The checks find the widget from the steps, never from names in the page: the elements the steps use,
and what a click or key press made appear (page_script.py). session.py runs them beside the steps;
keyboard.py holds the key presses the focus checks judge.
"""

from __future__ import annotations

from cxgov.sources.ui_checks import (
    escape_closes,
    focus_obscured,
    focus_on_open,
    focus_return,
    keyboard,
    keyboard_trap,
    live_announcements,
    page_script,
    reflow,
    target_size,
)
from cxgov.sources.ui_checks.interface import Check

ENGINE = {"name": "cxgov-behaviour", "version": "1.0"}

CHECKS: tuple[Check, ...] = (
    live_announcements.CHECK,
    focus_on_open.CHECK,
    focus_return.CHECK,
    escape_closes.CHECK,
    keyboard_trap.CHECK,
    focus_obscured.CHECK,
    target_size.CHECK,
    reflow.CHECK,
)


def library() -> str:
    """The page script every scanned document gets: the shared helpers and each check's functions."""
    return page_script.library([keyboard.SCRIPT, *(c.script for c in CHECKS if c.script)])
