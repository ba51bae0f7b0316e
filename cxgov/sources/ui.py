"""The UI source: agent UIs scanned with axe-core in headless Chromium, one Subject per (page, state).

Each entry point is loaded, its steps run (see ui_steps), and at every `scan:` step axe-core runs
in the page, the elements cxgov was asked about (the AI-disclosure notice) are probed, and a
full-page PNG is written to the artifacts directory. A small pool of browsers (one per worker
thread, reused across pages) scans many pages; the axe source is read once. A page that does not
load, answers with an HTTP error, or a step that fails is a SourceError: exit 2, never a page
silently left out.

Subject: kind `ui-scan`, id `<url>#<state>`, origin the URL; the document is

    {"url", "scanned_url", "page", "state", "state_index", "steps", "viewport": {width, height},
     "timestamp", "axe": {testEngine, testEnvironment, toolOptions, violations, incomplete,
     passes_count, source: {file, fallback}}, "elements": {selector: {present, visible, text,
     targets}}, "screenshot": {file, sha256}, "results": {file, sha256}}

`url` is the declared URL (stable across runs, waivers and baselines); `scanned_url` is where the
browser was, which differs when --ui-base-url points the scan at a local copy.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from urllib.parse import urlsplit
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from cxgov.errors import InputError, SourceError
from cxgov.model import Location, Subject
from cxgov.sources.interface import Source
from cxgov.sources.ui_browser import Browser, BrowserSettings, driver_message, expand_tags, find_axe
from cxgov.sources.ui_steps import Step, UITarget, ui_targets

__all__ = ["UISource", "ui_targets", "scan_page", "page_url", "axe_run_options"]

# what a page can keep between visits (clearing "all" also drops the HTTP and shader caches: slower)
STORAGE_TYPES = "cookies,local_storage,indexeddb,service_workers,cache_storage,websql,file_systems"
DEFAULT_JOBS = 2  # browsers in the pool; each is ~150 MB and one CPU while axe runs

# for each selector: is the element there, can a person see it, and which axe nodes lie inside it
_PROBE = """
var selectors = arguments[0], targets = arguments[1], out = {};
selectors.forEach(function (sel) {
  var el = null;
  try { el = document.querySelector(sel); } catch (e) { out[sel] = {present: false, visible: false, text: "",
    targets: [], error: String(e)}; return; }
  if (!el) { out[sel] = {present: false, visible: false, text: "", targets: []}; return; }
  var r = el.getBoundingClientRect();
  var visible = r.width > 0 && r.height > 0 && (!el.checkVisibility ||
    el.checkVisibility({opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true}));
  if (visible && el.closest('[aria-hidden="true"]')) { visible = false; }
  var inside = targets.filter(function (t) {
    try { var n = document.querySelector(t); return n !== null && el.contains(n); } catch (e) { return false; }
  });
  out[sel] = {present: true, visible: visible, text: (el.innerText || "").trim().slice(0, 500), targets: inside};
});
return out;
"""

# [HTTP status, load error] of the document's navigation: a navigation Chromium refused or could not
# complete (an unsafe port such as 9, a missing file) raises nothing in chromedriver but leaves its
# own error page, whose text names the net error (the headless shell's is blank: see _net_error)
_NAV_STATUS_FN = """
function () {
  var e = performance.getEntriesByType('navigation')[0];
  var status = e && typeof e.responseStatus === 'number' ? e.responseStatus : 0;
  if (document.URL.indexOf('chrome-error:') !== 0) { return [status, null]; }
  var code = (document.body ? document.body.innerText : '').match(/\\bERR_[A-Z0-9_]+/);
  return [status, code ? 'net::' + code[0] : 'the browser showed its error page'];
}
"""
_NAV_STATUS = f"return ({_NAV_STATUS_FN})();"

# also returns the navigation status (so a scan straight after a load needs no call of its own to
# check it), where the page is and its full size, which the screenshot needs
_RUN_AXE = f"""
var done = arguments[arguments.length - 1];
var nav = ({_NAV_STATUS_FN})();
if (nav[1]) {{ done({{nav: nav}}); return; }}
if (typeof window.axe !== 'object' || typeof window.axe.run !== 'function') {{ done({{missing: true, nav: nav}}); return; }}
axe.run(document, JSON.parse(arguments[0])).then(
  function (r) {{
    var page = document.scrollingElement || document.documentElement;
    done({{results: r, version: axe.version, nav: nav, url: location.href,
           size: [page.scrollWidth, page.scrollHeight]}});
  }},
  function (e) {{ done({{error: String((e && e.message) || e), nav: nav}}); }});
"""


def axe_run_options(tags: Sequence[str] | None = None, options_json: str | None = None) -> dict[str, Any]:
    """axe.run options: the user's JSON text, with runOnly tags (lower levels always included) and,
    unless given, only violations and incomplete items reported in full (passes are counted)."""
    options: dict[str, Any] = {}
    if options_json:
        try:
            options = json.loads(options_json)
        except json.JSONDecodeError as exc:
            raise InputError(f"axe options are not valid JSON: {exc}") from None
        if not isinstance(options, dict):
            raise InputError("axe options must be a JSON object, e.g. {\"rules\": {\"region\": {\"enabled\": true}}}")
    run_only = options.get("runOnly")
    if tags or run_only is None:
        options["runOnly"] = {"type": "tag", "values": expand_tags(list(tags or []))}
    elif isinstance(run_only, dict) and run_only.get("type") == "tag":
        options["runOnly"] = {"type": "tag", "values": expand_tags(list(run_only.get("values") or []))}
    options.setdefault("resultTypes", ["violations", "incomplete"])
    return options


class UISource(Source):
    """Subjects of kind ui-scan for the given targets; screenshots and axe JSON go to artifacts_dir."""

    def __init__(self, targets: Sequence[UITarget], *, artifacts_dir: Path, axe_source: str | None = None, settings: BrowserSettings | None = None,
                 tags: Sequence[str] | None = None, axe_options: str | None = None, jobs: int | None = None,
                 probe_selectors: Sequence[str] = (), on_scan: Callable[[Subject], None] | None = None):
        self.targets = list(targets)
        self.artifacts_dir = Path(artifacts_dir)
        self.options = axe_run_options(tags, axe_options)
        self.options_json = json.dumps(self.options, sort_keys=True)
        self.axe = find_axe(axe_source)
        self.settings = settings or BrowserSettings.resolve()
        self.jobs = max(1, min(jobs or DEFAULT_JOBS, len(self.targets) or 1))
        self.probe_selectors = list(dict.fromkeys(probe_selectors))
        self.on_scan = on_scan
        ids = [f"{t.url}#{s}" for t in self.targets for s in t.states]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise InputError("the same page and state are scanned twice: " + ", ".join(dupes),
                             hint="give each entry point its own URL or each scan its own state name")

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
                            browser = Browser(self.settings)
                            # axe-core arrives with every document the browser loads (V8 caches its
                            # compiled code), instead of 500 kB sent over the driver per page
                            browser.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                                           {"source": self.axe.text})
                        results[index] = self._scan_target(browser, self.targets[index], slugs[index])
                    except BaseException as exc:  # noqa: BLE001 - reported after the pool stops
                        errors[index] = exc
                        stop.set()
            finally:
                if browser is not None:
                    browser.close()

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
        from selenium.common.exceptions import WebDriverException

        driver = browser.driver
        browser.set_viewport(self.settings.viewport)
        _clear_site_data(driver, target.load_url, browser.visited)
        # a scan right after the load checks how the load went in its own driver call
        scan_first = bool(target.steps) and target.steps[0].action == "scan"
        self._load(browser, target.load_url, target, verify=not scan_first)
        subjects: list[Subject] = []
        done: list[dict] = []
        for n, step in enumerate(target.steps):
            try:
                if step.action == "scan":
                    subjects.append(self._scan(browser, target, step.state, len(subjects), done, slug,
                                               verify_load=scan_first and n == 0))
                    if self.on_scan:
                        self.on_scan(subjects[-1])
                else:
                    self._perform(browser, target, step)
            except SourceError:
                raise
            except WebDriverException as exc:
                raise SourceError(f"{step.where}: {step.action} failed: {driver_message(exc)}", where=target.load_url,
                                  hint="check the step against the page") from None
            done.append(step.describe())
        return subjects

    def _load(self, browser: Browser, url: str, target: UITarget, *, verify: bool = True) -> None:
        from selenium.common.exceptions import TimeoutException, WebDriverException

        parts = urlsplit(url)
        browser.visited.add(f"{parts.scheme}://{parts.netloc}")
        try:
            browser.driver.get(url)
        except TimeoutException:
            raise SourceError(f"page did not load within {self.settings.page_timeout:g} s", where=url,
                              hint=f"entry point {target.name!r} ({target.where}); raise --page-timeout if it is "
                                   "just slow") from None
        except WebDriverException as exc:
            raise SourceError(f"page failed to load: {driver_message(exc)}", where=url,
                              hint=f"entry point {target.name!r} ({target.where}); is the server running and the "
                                   "URL right?") from None
        if verify:
            self._verify_load(browser, browser.driver.execute_script(_NAV_STATUS), url, target)

    def _verify_load(self, browser: Browser, nav: list, url: str, target: UITarget) -> None:
        status, error = nav
        if error:
            if not error.startswith("net::"):  # the headless shell's error page is empty: ask again
                error = _net_error(browser.driver, url) or error
            raise SourceError(f"page failed to load: {error}", where=url,
                              hint=f"entry point {target.name!r} ({target.where}); is the server running and the "
                                   "URL right?")
        if isinstance(status, int) and status >= 400:
            raise SourceError(f"page answered HTTP {status}", where=url,
                              hint=f"entry point {target.name!r} ({target.where})")

    def _perform(self, browser: Browser, target: UITarget, step: Step) -> None:
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait

        driver = browser.driver
        timeout = step.timeout or self.settings.step_timeout

        def wait(condition, what: str):
            try:
                return WebDriverWait(driver, timeout, poll_frequency=0.05).until(condition)
            except TimeoutException:
                raise SourceError(f"{step.where}: {step.action}: {what} within {timeout:g} s",
                                  where=driver.current_url,
                                  hint=f"entry point {target.name!r}; check the selector, or give the step a "
                                       "longer timeout") from None

        if step.action == "goto":
            self._load(browser, step.url, target)
        elif step.action == "viewport":
            browser.set_viewport(step.size)
        elif step.action == "click":
            wait(ec.element_to_be_clickable((By.CSS_SELECTOR, step.selector)),
                 f"no clickable element matches {step.selector!r}").click()
        elif step.action == "wait_for" and step.selector:
            wait(ec.visibility_of_element_located((By.CSS_SELECTOR, step.selector)),
                 f"no visible element matches {step.selector!r}")
        elif step.action == "wait_for":
            wait(lambda d: step.text in d.execute_script("return document.body ? document.body.innerText : ''"),
                 f"the text {step.text!r} did not appear")
        elif step.action in ("type", "press"):
            if step.selector:
                element = wait(ec.visibility_of_element_located((By.CSS_SELECTOR, step.selector)),
                               f"no visible element matches {step.selector!r}")
            else:
                element = driver.switch_to.active_element
            if step.action == "type":
                element.send_keys(step.text)
            else:
                from cxgov.sources.ui_steps import KEYS

                name = KEYS.get(step.key.lower())
                element.send_keys(getattr(Keys, name) if name else step.key)

    def _scan(self, browser: Browser, target: UITarget, state: str, index: int, done: list[dict],
              slug: str, *, verify_load: bool = False) -> Subject:
        from selenium.common.exceptions import TimeoutException

        driver = browser.driver
        options_json = self._fallback_options(driver) if self.axe.fallback else self.options_json
        try:
            reply = driver.execute_async_script(_RUN_AXE, options_json)
            if isinstance(reply, dict) and reply.get("missing"):  # a document axe did not arrive with
                driver.execute_script(self.axe.text)
                reply = driver.execute_async_script(_RUN_AXE, options_json)
        except TimeoutException:
            raise SourceError(f"axe-core did not finish within {self.settings.page_timeout:g} s (state {state!r})",
                              where=driver.current_url, hint="raise --page-timeout, or scan a smaller page") from None
        if isinstance(reply, dict) and "nav" in reply and (verify_load or "results" not in reply):
            # the load this scan follows, or a page that became the browser's error page since
            self._verify_load(browser, reply["nav"], target.load_url if verify_load else driver.current_url, target)
        if not isinstance(reply, dict) or "results" not in reply:
            error = reply.get("error") if isinstance(reply, dict) else reply
            raise SourceError(f"axe-core failed in state {state!r}: {error}", where=driver.current_url,
                              hint="check --axe-options and --tags") from None
        raw, url = reply["results"], reply["url"]
        targets = sorted({_target_key(n) for group in ("violations", "incomplete") for r in raw.get(group) or []
                          for n in r.get("nodes") or [] if _target_key(n)})
        elements = driver.execute_script(_PROBE, self.probe_selectors, targets) if self.probe_selectors else {}
        name = f"{slug}--{_slug(state)}"
        png = _full_page_png(driver, reply["size"])
        screenshot = self._write(f"{name}.png", png)
        results = self._write(f"{name}.json", json.dumps(raw, indent=2, sort_keys=True).encode())
        document = {
            "url": target.url,
            "scanned_url": url,
            "page": target.name,
            "state": state,
            "state_index": index,
            "steps": list(done),
            "viewport": {"width": browser.viewport[0], "height": browser.viewport[1]},
            "timestamp": raw.get("timestamp"),
            "axe": {
                # axe-core before 3.2 reports neither: record its version and the options it ran with
                "testEngine": raw.get("testEngine") or {"name": "axe-core", "version": reply.get("version")},
                "testEnvironment": raw.get("testEnvironment"),
                "toolOptions": raw.get("toolOptions") or json.loads(options_json),
                "violations": [_trim(r) for r in raw.get("violations") or []],
                "incomplete": [_trim(r) for r in raw.get("incomplete") or []],
                "passes_count": len(raw.get("passes") or []),
                "source": {"file": os.path.basename(self.axe.path), "fallback": self.axe.fallback},
            },
            "elements": elements,
            "screenshot": screenshot,
            "results": results,
        }
        return Subject("ui-scan", f"{target.url}#{state}", Location(target.url, None), document)

    def _fallback_options(self, driver) -> str:
        """The old bundled axe-core rejects tags it predates (wcag21a, wcag22aa): ask only for those it
        knows. The recorded toolOptions show what ran, and WCAG-SCAN-01 fails such a scan."""
        run_only = self.options.get("runOnly") or {}
        if run_only.get("type") != "tag":
            return self.options_json
        known = set(driver.execute_script(
            "return [].concat.apply([], axe.getRules().map(function (r) { return r.tags; }));"))
        values = [t for t in run_only.get("values", []) if t in known]
        return json.dumps({**self.options, "runOnly": {"type": "tag", "values": values}}, sort_keys=True)

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


def _clear_site_data(driver, url: str, visited: set[str]) -> None:
    """Pages scanned in one browser must not see each other's cookies or stored widget state
    (only an origin this browser has loaded before can have any)."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    if parts.scheme in ("http", "https") and origin in visited:
        driver.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": STORAGE_TYPES})
        # sessionStorage lives with the tab: clear the page being left (the last target's)
        driver.execute_script("try { window.sessionStorage.clear(); } catch (e) {}")


def _net_error(driver, url: str) -> str | None:
    """Why the browser could not show `url` (net::ERR_...): navigating there again through the
    DevTools protocol reports it, where the error page the headless shell shows is blank."""
    try:
        return driver.execute_cdp_cmd("Page.navigate", {"url": url}).get("errorText") or None
    except Exception:  # noqa: BLE001 - the first error stands
        return None


def _full_page_png(driver, size: list[int]) -> bytes:
    """The whole page at its CSS size (the scrolling element's scroll size, which is what
    Page.getLayoutMetrics reports as cssContentSize), not only the viewport."""
    import base64

    clip = {"x": 0, "y": 0, "width": max(1, size[0]), "height": max(1, size[1]), "scale": 1}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                             "clip": clip, "optimizeForSpeed": True})
    return base64.b64decode(shot["data"])


def _target_key(node: dict) -> str | None:
    target = node.get("target") or []
    return target[0] if len(target) == 1 and isinstance(target[0], str) else None


def _trim(rule: dict) -> dict:
    """An axe result as rules need it: the check details (any/all/none) stay in the results file."""
    return {
        "id": rule.get("id"),
        "impact": rule.get("impact"),
        "tags": rule.get("tags") or [],
        "help": rule.get("help"),
        "helpUrl": rule.get("helpUrl"),
        "nodes": [{"target": n.get("target"), "html": n.get("html"), "impact": n.get("impact"),
                   "failureSummary": n.get("failureSummary")} for n in rule.get("nodes") or []],
    }


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
