"""The UI entry points a descriptor declares, scanned as users meet them.

A descriptor that declares `ui.entry_points` is judged on its UI: `check` and `audit` scan the entry
points (or fail with exit 2 when they cannot), unless --no-ui says not to, in which case the run
says so and WCAG-SCAN-01 reports the states left unscanned. --ui-base-url points the scan at another
origin (a locally served copy of the UI, a staging host) while findings keep the declared URLs, so
waivers and baselines stay valid.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import click

from cxgov.model import Subject
from cxgov.sources.interface import ReadOnce
from cxgov.sources.ui_scan import UIOptions, UIScan
from cxgov.sources.ui_steps import ui_targets


def declared_ui_targets(descriptors: Iterable[Subject], options: UIOptions, *,
                        no_ui: bool) -> tuple[list, list[str]]:
    """(UI targets, selectors to probe) for the entry points the run's descriptor (the first of
    `descriptors`, descriptor subjects, that declares any) declares."""
    for descriptor in descriptors:
        document = descriptor.document if isinstance(descriptor.document, dict) else {}
        ui = document.get("ui") if isinstance(document.get("ui"), dict) else {}
        entry_points = ui.get("entry_points") or []
        if not entry_points:
            continue
        where = f"{descriptor.origin.file}: ui.entry_points"
        if no_ui:
            click.echo(f"cxgov: note: --no-ui: {len(entry_points)} UI entry point(s) declared in "
                       f"{descriptor.origin.file} were not scanned; WCAG-SCAN-01 reports what is left unchecked",
                       err=True)
            return [], []
        targets = ui_targets(entry_points, where=where, base_url=options.base_url)
        disclosure = document.get("ai_disclosure") if isinstance(document.get("ai_disclosure"), dict) else {}
        selector = disclosure.get("element_selector")
        return targets, [selector] if isinstance(selector, str) else []
    return [], []


class DeclaredUI(ReadOnce):
    """ui-scan subjects for the entry points the descriptor among `subjects` declares (none without
    one), and for `entry_points` named elsewhere (an audit config's, `where` naming them), in one scan.
    The declarations are looked at when the source is read, in the order the sources are read."""

    def __init__(self, subjects: Iterable[Subject], options: UIOptions, *, no_ui: bool = False,
                 entry_points: Sequence[dict] = (), where: str = "entry_points"):
        self.descriptors = [s for s in subjects if s.kind == "descriptor"]
        self.options, self.no_ui, self.entry_points, self.where = options, no_ui, list(entry_points), where

    def read(self) -> list[Subject]:
        targets, probes = declared_ui_targets(self.descriptors, self.options, no_ui=self.no_ui)
        if self.entry_points:
            targets += ui_targets(self.entry_points, where=self.where, base_url=self.options.base_url)
        return UIScan(targets, self.options, probes).read()
