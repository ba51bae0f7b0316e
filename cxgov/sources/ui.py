"""The UI source: agent UIs scanned in headless Chromium, one Subject per (page, state).

Each entry point is loaded, its steps run (see ui_steps), and at every `scan:` step two engines
judge the page: axe-core, and cxgov's behavioural checks (ui_checks: live announcements, focus
management, keyboard traps, focus hidden by the widget, target size, reflow), which also watch the
steps themselves and, once they are done, probe the widget with the keyboard on a replay. The
elements cxgov was asked about (the AI-disclosure notice) are probed, and a full-page PNG is
written to the artifacts directory. A small pool of browsers (one per worker thread, reused across
pages) scans many pages; the axe-core source and the behavioural checks' page script arrive with
every document. The browsers are started ahead of the scan when the command can (`prestart`,
ui_pool.py), and quit behind it, while the engine judges what they found. A page that does not load, answers with an HTTP error, or a step that fails is a
SourceError: exit 2, never a page silently left out.

Subject: kind `ui-scan`, id `<url>#<state>`, origin the URL; the document is

    {"url", "scanned_url", "page", "state", "state_index", "steps", "redirects", "viewport": {width, height},
     "timestamp", "axe": {testEngine, testEnvironment, toolOptions, violations, incomplete,
     passes_count, source: {file, fallback}}, "behaviour": {engine, checks, violations, incomplete},
     "elements": {selector: {present, visible, text, targets}}, "screenshot": {file, sha256} (None when
     only states with violations are photographed), "results": {file, sha256}}

`url` is the declared URL (stable across runs, waivers and baselines); `scanned_url` is where the
browser was, which differs when --ui-base-url points the scan at a local copy (or after a redirect).
`redirects` is the chain of documents the entry point went through before this state, each
`{from, to, by}` (`by`: `HTTP 302`, or `the page` for a meta refresh, script or clicked link); a
redirect or navigation to an origin the entry point does not allow is a SourceError instead.
`timings` (not in the documents, which must not change between runs of an unchanged page) holds the
milliseconds each state took, per engine.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from cxgov.errors import InputError, SourceError
from cxgov.model import Location, Subject
from cxgov.sources import ui_pool
from cxgov.sources.interface import Source
from cxgov.sources.ui_axe import PROBE, RUN_AXE, axe_run_options, fallback_options, target_key, trim
from cxgov.sources.ui_browser import Browser, BrowserSettings, driver_message, find_axe
from cxgov.sources.ui_page import Navigation, clear_site_data, full_page_png, load, perform, verify_load
from cxgov.sources.ui_steps import UITarget, ui_targets

__all__ = ["UISource", "ui_targets", "scan_page", "page_url", "axe_run_options"]

DEFAULT_JOBS = 2  # browsers in the pool; each is ~150 MB and one CPU while axe runs
# a full-page screenshot of every state, or only of states with a violation (one of the costliest parts
# of a scan: the compositor draws the whole page again)
SCREENSHOTS = ("all", "violations")


class UISource(Source):
    """Subjects of kind ui-scan for the given targets; screenshots and axe JSON go to artifacts_dir."""

    def __init__(self, targets: Sequence[UITarget], *, artifacts_dir: Path, axe_source: str | None = None,
                 settings: BrowserSettings | None = None, tags: Sequence[str] | None = None,
                 axe_options: str | None = None, jobs: int | None = None, probe_selectors: Sequence[str] = (),
                 on_scan: Callable[[Subject], None] | None = None, screenshots: str = "all"):
        from cxgov.sources.ui_checks import library

        self.targets = list(targets)
        self.artifacts_dir = Path(artifacts_dir)
        self.options = axe_run_options(tags, axe_options)
        self.options_json = json.dumps(self.options, sort_keys=True)
        self.axe = find_axe(axe_source)
        self.library = library()
        self.settings = settings or BrowserSettings.resolve()
        self.jobs = max(1, min(jobs or DEFAULT_JOBS, len(self.targets) or 1))
        self.probe_selectors = list(dict.fromkeys(probe_selectors))
        self.on_scan = on_scan
        if screenshots not in SCREENSHOTS:
            raise InputError(f"screenshots must be one of {', '.join(SCREENSHOTS)}, not {screenshots!r}")
        self.screenshots = screenshots
        self.timings: dict[str, dict[str, float]] = {}  # subject id -> {axe_ms, behaviour_ms, ...}
        ids = [f"{t.url}#{s}" for t in self.targets for s in t.states]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise InputError("the same page and state are scanned twice: " + ", ".join(dupes),
                             hint="give each entry point its own URL or each scan its own state name")

    @property
    def scripts(self) -> tuple[str, str]:
        """What every document the browsers load gets first: axe-core and the checks' page script."""
        return self.axe.text, self.library

    def prestart(self) -> None:
        """Start the browsers this source will use now, while the caller does other work."""
        if self.targets:
            ui_pool.prestart(self.settings, self.scripts, self.jobs)

    def subjects(self) -> Iterator[Subject]:
        if not self.targets:
            return iter(())
        self.artifacts_dir.mkdir(parents=True, exist_ok=True)
        results: list[list[Subject] | None] = [None] * len(self.targets)
        errors: dict[int, BaseException] = {}
        queue = list(range(len(self.targets)))
        lock = threading.Lock()
        stop = threading.Event()
        slugs = _slugs(self.targets)

        def worker() -> None:
            browser: Browser | None = None
            try:
                while not stop.is_set():
                    with lock:
                        if not queue:
                            return
                        index = queue.pop(0)
                    try:
                        if browser is None:
                            browser = ui_pool.take(self.settings, self.scripts) or \
                                ui_pool.ready_browser(self.settings, self.scripts)
                        results[index] = self._scan_target(browser, self.targets[index], slugs[index])
                    except BaseException as exc:  # noqa: BLE001 - reported after the pool stops
                        errors[index] = exc
                        stop.set()
            finally:
                if browser is not None:  # it quits while the engine judges what it found
                    ui_pool.close_later(browser)

        threads = [threading.Thread(target=worker, name=f"cxgov-ui-{n}", daemon=True) for n in range(self.jobs)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[min(errors)]
        return iter([s for subjects in results for s in subjects or []])

    # -- one entry point -------------------------------------------------------------------------

    def _scan_target(self, browser: Browser, target: UITarget, slug: str) -> list[Subject]:
        started = time.perf_counter()
        browser.navigation = Navigation(browser, target)
        try:
            return self._scan_steps(browser, target, slug, started)
        finally:
            browser.navigation = None

    def _scan_steps(self, browser: Browser, target: UITarget, slug: str, started: float) -> list[Subject]:
        from selenium.common.exceptions import WebDriverException

        from cxgov.sources.ui_checks.session import BehaviourSession, Page

        driver = browser.driver
        browser.set_viewport(self.settings.viewport)
        clear_site_data(driver, target.load_url, browser.visited)
        # a scan right after the load checks how the load went in its own driver call
        scan_first = bool(target.steps) and target.steps[0].action == "scan"
        load(browser, self.settings, target.load_url, target, verify=not scan_first)
        load_ms = (time.perf_counter() - started) * 1000
        session = BehaviourSession(
            Page(browser, self.library), selectors=list(dict.fromkeys(s.selector for s in target.steps if s.selector)),
            tags=self.options.get("runOnly", {}).get("values") or [], timeout=self.settings.step_timeout,
            replay=lambda upto: self._replay(browser, target, upto),
            perform=lambda n: self._perform_with_waits(browser, target, n), set_viewport=browser.set_viewport)
        subjects: list[Subject] = []
        done: list[dict] = []
        for n, step in enumerate(target.steps):
            try:
                if step.action == "scan":
                    subjects.append(self._scan(browser, target, step.state, len(subjects), done, slug, session,
                                               first_load=scan_first and n == 0))
                else:
                    session.before_step(n, step)
                    perform(browser, self.settings, target, step)
            except SourceError:
                raise
            except WebDriverException as exc:
                raise SourceError(f"{step.where}: {step.action} failed: {driver_message(exc)}", where=target.load_url,
                                  hint="check the step against the page") from None
            done.append(step.describe())
        browser.navigation.observe(browser)  # where the last steps went
        browser.navigation.recording = False  # the probes' replays load the same chain again
        try:
            session.finish(browser.viewport)
            browser.navigation.observe(browser, at=driver.current_url)
        except WebDriverException as exc:
            raise SourceError(f"the behavioural checks failed after the steps: {driver_message(exc)}",
                              where=target.load_url, hint=f"entry point {target.name!r} ({target.where})") from None
        for subject, record in zip(subjects, session.scans):
            self.timings[subject.id]["behaviour_ms"] = record.ms
        if subjects:  # what the entry point cost beyond its states: the load, the probes after the steps
            self.timings[subjects[0].id].update(load_ms=load_ms, probe_ms=session.probe_ms)
        for subject in subjects:
            if self.on_scan:
                self.on_scan(subject)
        return subjects

    def _replay(self, browser: Browser, target: UITarget, upto: int) -> None:
        """Load the entry point afresh and run its steps before step `upto` (for the keyboard probes)."""
        browser.set_viewport(self.settings.viewport)
        clear_site_data(browser.driver, target.load_url, browser.visited)
        load(browser, self.settings, target.load_url, target)
        for step in target.steps[:upto]:
            if step.action != "scan":
                perform(browser, self.settings, target, step)

    def _perform_with_waits(self, browser: Browser, target: UITarget, n: int) -> None:
        """Step `n` and the waits that follow it."""
        perform(browser, self.settings, target, target.steps[n])
        for step in target.steps[n + 1:]:
            if step.action != "wait_for":
                break
            perform(browser, self.settings, target, step)

    def _scan(self, browser: Browser, target: UITarget, state: str, index: int, done: list[dict],
              slug: str, session, *, first_load: bool = False) -> Subject:
        from selenium.common.exceptions import TimeoutException

        driver = browser.driver
        options_json = fallback_options(driver, self.options, self.options_json) if self.axe.fallback \
            else self.options_json
        started = time.perf_counter()
        try:
            reply = driver.execute_async_script(RUN_AXE, options_json)
            if isinstance(reply, dict) and reply.get("missing"):  # a document axe did not arrive with
                driver.execute_script(self.axe.text)
                reply = driver.execute_async_script(RUN_AXE, options_json)
        except TimeoutException:
            raise SourceError(f"axe-core did not finish within {self.settings.page_timeout:g} s (state {state!r})",
                              where=driver.current_url, hint="raise --page-timeout, or scan a smaller page") from None
        # a redirect or navigation to another origin first: the error page it may have led to says less
        browser.navigation.observe(browser, at=reply.get("url") if isinstance(reply, dict) else None)
        if isinstance(reply, dict) and "nav" in reply and (first_load or "results" not in reply):
            # the load this scan follows, or a page that became the browser's error page since
            verify_load(browser, reply["nav"], target.load_url if first_load else driver.current_url, target)
        if not isinstance(reply, dict) or "results" not in reply:
            error = reply.get("error") if isinstance(reply, dict) else reply
            raise SourceError(f"axe-core failed in state {state!r}: {error}", where=driver.current_url,
                              hint="check --axe-options and --tags") from None
        raw, url = reply["results"], reply["url"]
        axe_ms = (time.perf_counter() - started) * 1000
        violations = [trim(r) for r in raw.get("violations") or []]
        record = session.at_scan(index, state, browser.viewport, violations)
        targets = sorted({target_key(n) for group in ("violations", "incomplete") for r in raw.get(group) or []
                          for n in r.get("nodes") or [] if target_key(n)} | set(session.targets(record)))
        elements = driver.execute_script(PROBE, self.probe_selectors, targets) if self.probe_selectors else {}
        started = time.perf_counter()
        name = f"{slug}--{_slug(state)}"
        screenshot = None
        if self.screenshots == "all" or violations or session.targets(record):
            screenshot = self._write(f"{name}.png", full_page_png(driver, reply["size"]))
        results = self._write(f"{name}.json", json.dumps(raw, indent=2, sort_keys=True).encode())
        document = {
            "url": target.url,
            "scanned_url": url,
            "page": target.name,
            "state": state,
            "state_index": index,
            "steps": list(done),
            "redirects": list(browser.navigation.hops),
            "viewport": {"width": browser.viewport[0], "height": browser.viewport[1]},
            "timestamp": raw.get("timestamp"),
            "axe": {
                # axe-core before 3.2 reports neither: record its version and the options it ran with
                "testEngine": raw.get("testEngine") or {"name": "axe-core", "version": reply.get("version")},
                "testEnvironment": raw.get("testEnvironment"),
                "toolOptions": raw.get("toolOptions") or json.loads(options_json),
                "violations": violations,
                "incomplete": [trim(r) for r in raw.get("incomplete") or []],
                "passes_count": len(raw.get("passes") or []),
                "source": {"file": os.path.basename(self.axe.path), "fallback": self.axe.fallback},
            },
            "behaviour": record.section,  # filled in once the entry point's steps are done
            "elements": elements,
            "screenshot": screenshot,
            "results": results,
        }
        subject = Subject("ui-scan", f"{target.url}#{state}", Location(target.url, None), document)
        self.timings[subject.id] = {"axe_ms": axe_ms, "evidence_ms": (time.perf_counter() - started) * 1000}
        return subject

    def _write(self, name: str, data: bytes) -> dict[str, str]:
        path = self.artifacts_dir / name
        tmp = path.with_name(f".{name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return {"file": name, "sha256": hashlib.sha256(data).hexdigest()}


def scan_page(page: str | Path, *, artifacts_dir: Path, state: str = "load", steps: list | None = None,
              tags: Sequence[str] | None = None, probe_selectors: Sequence[str] = (), axe_source: str | None = None,
              settings: BrowserSettings | None = None) -> Subject:
    """Scan one local file or URL (e.g. a generated report) and return its ui-scan Subject.

    For other code and tests: `scan_page(out / "report.html", artifacts_dir=tmp)["axe"]["violations"]`
    is what axe-core found, with the lower WCAG levels always included in the tags.
    """
    url = page_url(page)
    target = ui_targets([{"name": Path(str(page)).name or url, "url": url,
                          "states": [*(steps or []), {"scan": state}]}], where=str(page))[0]
    source = UISource([target], artifacts_dir=artifacts_dir, tags=tags, probe_selectors=probe_selectors,
                      axe_source=axe_source, settings=settings, jobs=1)
    return next(iter(source.subjects()))


def page_url(page: str | Path) -> str:
    """A URL as given, or a local file as its file:// URL; a file that does not exist is an error."""
    if isinstance(page, str) and "://" in page:
        return page
    if not Path(page).exists():
        raise InputError("not a URL and no such file", where=str(page), hint="give http(s):// URLs or local HTML files")
    return Path(page).resolve().as_uri()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "page"


def _slugs(targets: Sequence[UITarget]) -> list[str]:
    out: list[str] = []
    for t in targets:
        base = _slug(t.name)
        slug, n = base, 2
        while slug in out:
            slug, n = f"{base}-{n}", n + 1
        out.append(slug)
    return out
