"""`cxgov wcag`: UI -> engine -> formats; and the UI scans `cxgov check` runs for a descriptor.

A descriptor that declares `ui.entry_points` is judged on its UI as users meet it: `check` scans
the entry points (or fails with exit 2 when it cannot), unless --no-ui says not to, in which case
the run says so and WCAG-SCAN-01 reports the states left unscanned. --ui-base-url points the scan at
another origin (a locally served copy of the UI, a staging host) while findings keep the declared
URLs, so waivers and baselines stay valid.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from cxgov import pipeline
from cxgov.sources import ui_baseline
from cxgov.errors import InputError, UsageError
from cxgov.model import Subject
from cxgov.paths import display_path
from cxgov.commands.outputs import parse_outputs, write_outputs

# the builtin packs with rules for ui-scan subjects: all `cxgov wcag` loads (tests/test_ui_scan.py
# checks no other pack has one); the rules about the system's UI need a descriptor, which is `check`'s
UI_PACKS = ("wcag",)


@dataclass(frozen=True)
class UIOptions:
    """How to scan: shared by `check` (for the descriptor's entry points) and `wcag`."""

    base_url: str | None = None
    artifacts: str | None = None  # None: screenshots and axe JSON go to a temporary directory
    axe_source: str | None = None
    axe_options: str | None = None
    tags: tuple[str, ...] = ()
    chrome: str | None = None
    chromedriver: str | None = None
    page_timeout: float = 30.0
    step_timeout: float = 10.0
    jobs: int | None = None
    screenshots: str = "all"  # or "violations": only states with a violation are photographed


def ui_source(targets, options: UIOptions, artifacts: Path, probe_selectors=(), on_scan=None):
    """The UI source for targets, as options say."""
    from cxgov.sources.ui import UISource
    from cxgov.sources.ui_browser import BrowserSettings

    settings = BrowserSettings.resolve(options.chrome, options.chromedriver, page_timeout=options.page_timeout,
                                       step_timeout=options.step_timeout)
    return UISource(targets, artifacts_dir=artifacts, axe_source=options.axe_source, settings=settings,
                    tags=options.tags, axe_options=options.axe_options, jobs=options.jobs,
                    probe_selectors=probe_selectors, on_scan=on_scan, screenshots=options.screenshots)


def prestart_browsers(targets, options: UIOptions) -> None:
    """Start the browsers scan_targets will take, while the command loads its policies. What fails
    here (no browser, no axe-core) is left for the scan to report, after the checks that come first."""
    from cxgov.errors import CxgovError

    try:
        ui_source(targets, options, Path(".")).prestart()
    except CxgovError:
        pass


def scan_targets(targets, options: UIOptions, probe_selectors=()) -> list[Subject]:
    """Run the UI source over targets; the artifacts go to options.artifacts or a temporary directory."""
    total = sum(len(t.states) for t in targets)
    done = [0]
    interactive = sys.stderr.isatty()

    def on_scan(subject: Subject) -> None:
        done[0] += 1
        if interactive:
            click.echo(f"cxgov: scanned {subject.id} ({done[0]}/{total})", err=True)

    with tempfile.TemporaryDirectory(prefix="cxgov-ui-") as scratch:
        artifacts = Path(options.artifacts) if options.artifacts else Path(scratch)
        source = ui_source(targets, options, artifacts, probe_selectors, on_scan)
        if source.axe.warning:
            click.echo(f"cxgov: warning: {source.axe.warning}", err=True)
        return list(source.subjects())


def declared_ui_subjects(subjects: list[Subject], options: UIOptions, *, no_ui: bool) -> list[Subject]:
    """ui-scan subjects for the entry points the run's descriptor declares (none without one)."""
    targets, probes = declared_ui_targets(subjects, options, no_ui=no_ui)
    return scan_targets(targets, options, probes) if targets else []


def declared_ui_targets(subjects: list[Subject], options: UIOptions, *, no_ui: bool) -> tuple[list, list[str]]:
    """(UI targets, selectors to probe) for the entry points the run's descriptor declares."""
    from cxgov.sources.ui_steps import ui_targets

    for descriptor in (s for s in subjects if s.kind == "descriptor"):
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


def run_wcag(*, urls: list[str], states_file: str | None, ui: UIOptions, data: list[str], outputs: list[str], output_file: str | None, fail_on: str, waivers: str | None,
             evaluation_date: str, color: bool, baseline: str | None = None, write_baseline: str | None = None) -> int:
    from cxgov.engine.embedded import EmbeddedEngine
    from cxgov.engine.policyset import builtin_pack_paths, load
    from cxgov.sources.ui import page_url
    from cxgov.sources.ui_steps import ui_targets

    root = Path.cwd()
    targets_out = parse_outputs(outputs, output_file)
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
            ui_baseline.load(Path(baseline), evaluation_date)  # so does a malformed baseline
        subjects = scan_targets(targets, ui)
    finally:
        ui_pool.discard_unused()
    options = pipeline.Options(evaluation_date=evaluation_date, fail_on=fail_on,
                               waivers=Path(waivers) if waivers else None, root=root)
    result = apply_baseline(pipeline.run(subjects, policies, EmbeddedEngine(), options), baseline, evaluation_date,
                            display_path(Path(baseline), root) if baseline else None)
    if write_baseline:
        count = ui_baseline.write(result, Path(write_baseline))
        click.echo(f"cxgov: wrote {count} known violation(s) to {write_baseline}: fill in its review fields "
                   "before it applies", err=True)
    write_outputs(result, targets_out, color=color, stdout=sys.stdout, subjects=subjects)
    return result.verdict.exit_code


def apply_baseline(result, baseline: str | Path | None, evaluation_date: str, display: str | None = None):
    """The result with a UI baseline applied (cxgov wcag --baseline, cxgov.yaml ui.baseline), and a
    line on stderr saying what it did: known, new and fixed violations."""
    if not baseline:
        return result
    result = ui_baseline.apply(result, Path(baseline), evaluation_date, display or str(baseline))
    counts = Counter("new" if isinstance(mark, dict) else mark for f in result.findings
                     if (mark := f.metadata.get("baseline")))
    click.echo(f"cxgov: baseline {display or baseline}: {counts['known']} known (baselined), {counts['new']} new, "
               f"{counts['fixed']} fixed", err=True)
    return result
