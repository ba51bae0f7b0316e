"""A UI scan as a source: the options shared by `cxgov wcag`, `check` and `audit`, and the scan of
UI targets (cxgov/sources/ui_steps.py) in headless browsers. Selenium is imported only when a scan
starts."""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click

from cxgov.model import Subject
from cxgov.sources.interface import ReadOnce


@dataclass(frozen=True)
class UIOptions:
    """How to scan: shared by `check` (for the descriptor's entry points), `audit` and `wcag`."""

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
    """Start the browsers a scan will take, while the command loads its policies. What fails here
    (no browser, no axe-core) is left for the scan to report, after the checks that come first."""
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


class UIScan(ReadOnce):
    """ui-scan subjects for targets, one per page state, scanned once; no targets, no browser."""

    def __init__(self, targets, options: UIOptions, probe_selectors=()):
        self.targets, self.options, self.probe_selectors = list(targets), options, list(probe_selectors)

    def read(self) -> list[Subject]:
        return scan_targets(self.targets, self.options, self.probe_selectors) if self.targets else []
