"""`cxgov wcag`: UI -> engine -> formats. (The UI entry points a descriptor declares, which `check`
and `audit` scan, are cxgov/sources/declared_ui.py; the scan itself is cxgov/sources/ui_scan.py.)"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import click

from cxgov import pipeline
from cxgov.sources import ui_baseline
from cxgov.errors import InputError, UsageError
from cxgov.paths import display_path
from cxgov.sources.ui_scan import UIOptions, UIScan, prestart_browsers
from cxgov.commands.outputs import Outputs
from cxgov.gate import GateOptions

# the builtin packs with rules for ui-scan subjects: all `cxgov wcag` loads (tests/sources/test_ui_scan.py
# checks no other pack has one); the rules about the system's UI need a descriptor, which is `check`'s
UI_PACKS = ("wcag",)


def load_states(path: str) -> tuple[list[Any] | None, list[dict] | None]:
    """A --states file: a list of steps (for every URL given) or {entry_points: [...]} (or {states})."""
    from cxgov.sources.readers import read_one

    value = read_one(path).value
    if isinstance(value, list):
        return value, None
    if isinstance(value, dict):
        unknown = set(value) - {"states", "entry_points"}
        if unknown:
            raise InputError(f"unknown key(s) {', '.join(sorted(unknown))}", where=path,
                             hint="a states file is a list of steps, or a mapping with states or entry_points")
        if "entry_points" in value:
            return value.get("states"), value["entry_points"]
        return value.get("states"), None
    raise InputError("a states file is a list of steps, or a mapping with states or entry_points", where=path)


def run_wcag(*, urls: list[str], states_file: str | None, ui: UIOptions, data: list[str], outputs: Outputs,
             gate: GateOptions, baseline: str | None = None, write_baseline: str | None = None) -> int:
    from cxgov.engine.embedded import EmbeddedEngine
    from cxgov.engine.policyset import builtin_pack_paths, load
    from cxgov.sources.ui import page_url
    from cxgov.sources.ui_steps import ui_targets

    root = Path.cwd()
    steps, entry_points = load_states(states_file) if states_file else (None, None)
    declared = list(entry_points or [])
    for url in map(page_url, urls):
        declared.append({"name": url, "url": url, "states": steps or []})
    if not declared:
        raise UsageError("no pages to scan", hint="give one or more URLs, or --states FILE with entry_points")
    targets = ui_targets(declared, where=states_file or "command line", base_url=ui.base_url)
    from cxgov.sources import ui_pool  # the browser pool: only a command that scans loads it

    prestart_browsers(targets, ui)  # they start while the policies load
    try:
        policies = load(builtin_pack_paths(UI_PACKS), data, root=root)  # a bad -d file fails before any scan
        if baseline:
            ui_baseline.load(Path(baseline), gate.evaluation_date)  # so does a malformed baseline
        scan = UIScan(targets, ui)
        subjects = list(scan.subjects())  # scanned here, so the unused browsers are let go after it
    finally:
        ui_pool.discard_unused()
    options = pipeline.options_for(gate, root, ui_baseline=Path(baseline) if baseline else None)
    result = pipeline.run([scan], policies, EmbeddedEngine(), options)
    if baseline:
        say_baseline(result, display_path(Path(baseline), root))
    if write_baseline:
        count = ui_baseline.write(result, Path(write_baseline))
        click.echo(f"cxgov: wrote {count} known violation(s) to {write_baseline}: fill in its review fields "
                   "before it applies", err=True)
    outputs.write(result, subjects=subjects)
    return result.verdict.exit_code


def say_baseline(result, display: str) -> None:
    """A line on stderr saying what the UI baseline did: known, new and fixed violations."""
    counts = Counter("new" if isinstance(mark, dict) else mark for f in result.findings
                     if (mark := f.metadata.get("baseline")))
    click.echo(f"cxgov: baseline {display}: {counts['known']} known (baselined), {counts['new']} new, "
               f"{counts['fixed']} fixed", err=True)
