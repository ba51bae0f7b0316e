"""What the UI source does to a page: load it (and tell a page that failed from one that loaded),
watch where it goes, run one declared step, keep pages apart, and photograph the whole page.

A page that does not load, answers with an HTTP error, or a step that fails is a SourceError: exit 2,
never a page silently left out. So is a page that redirects or navigates to an origin its entry
point does not allow (Navigation): its scan would be recorded under a URL it is not.
"""

from __future__ import annotations

import base64
from urllib.parse import urlsplit, urlunsplit

from cxgov.errors import SourceError
from cxgov.sources.ui_axe import NAV_STATUS
from cxgov.sources.ui_browser import Browser, BrowserSettings
from cxgov.sources.ui_steps import KEYS, Step, UITarget, origin

# what a page can keep between visits (clearing "all" also drops the HTTP and shader caches: slower)
STORAGE_TYPES = "cookies,local_storage,indexeddb,service_workers,cache_storage,websql,file_systems"


class Navigation:
    """The documents an entry point's tab loads, each checked against the origins it may reach: the
    entry point's, its goto steps', and its `allowed_origins`. A load cxgov asked for starts a new
    chain; every other document is a hop (an HTTP redirect, or the page navigating by itself: a meta
    refresh, script, a link a step clicked). `hops` is the chain up to now, as the scan records it,
    in declared URLs (a --ui-base-url copy's origin mapped back)."""

    def __init__(self, browser: Browser, target: UITarget):
        self.target = target
        self.allowed = {origin(target.load_url), *(origin(s.url) for s in target.steps if s.action == "goto"),
                        *target.allowed_origins}
        self.hops: list[dict] = []
        self.recording = True  # off for the replays the behavioural checks make
        self.current = target.load_url
        self.expected: str | None = None
        browser.navigations()  # what earlier pages left in the log

    def expect(self, url: str) -> None:
        self.expected = url

    def observe(self, browser: Browser, at: str | None = None) -> None:
        """Take the documents loaded since the last look; `at` is where the page says it is now."""
        for url, status in browser.navigations():
            if status is None and self.expected is not None and _same_document(url, self.expected):
                self.current, self.expected = url, None
                continue
            self._hop(self.current, url, f"HTTP {status}" if status else "the page")
            self.current = url
        self.expected = None
        if at is not None and origin(at) not in self.allowed:  # a navigation the log did not show
            self._hop(self.current, at, "the page")

    def _hop(self, source: str, url: str, by: str) -> None:
        if urlsplit(url).scheme == "about":  # a blank document, no page of any origin
            return
        if origin(url) not in self.allowed:
            t = self.target
            what = f"redirected to another origin ({by})" if by.startswith("HTTP") else \
                "the page navigated to another origin"
            raise SourceError(f"{what}: {source} -> {url}", where=t.load_url,
                              hint=f"entry point {t.name!r} ({t.where}): the scan would not be of the page declared; "
                                   f"if {origin(url)} is meant to be reached, list it in the entry point's "
                                   "allowed_origins")
        if self.recording:
            self.hops.append({"from": self._declared(source), "to": self._declared(url), "by": by})

    def _declared(self, url: str) -> str:
        """`url` with the --ui-base-url copy's origin (and path prefix) mapped back to the declared one."""
        t = self.target
        if t.load_url == t.url or origin(url) != origin(t.load_url):
            return url
        load, declared, parts = urlsplit(t.load_url), urlsplit(t.url), urlsplit(url)
        tail = declared.path or "/"
        prefix = load.path[: len(load.path) - len(tail)] if load.path.endswith(tail) else ""
        path = parts.path[len(prefix):] if prefix and parts.path.startswith(prefix) else parts.path
        return urlunsplit((declared.scheme, declared.netloc, path, parts.query, parts.fragment))


def _same_document(url: str, asked: str) -> bool:
    """Whether the browser's request for `url` is the load of `asked` (the fragment is never sent)."""
    a, b = urlsplit(url), urlsplit(asked)
    return (a.scheme.lower(), a.netloc.lower(), a.path or "/", a.query) == \
        (b.scheme.lower(), b.netloc.lower(), b.path or "/", b.query)


def load(browser: Browser, settings: BrowserSettings, url: str, target: UITarget, *, verify: bool = True) -> None:
    """Navigate to `url`; a load that times out, fails or answers 4xx/5xx is a SourceError."""
    from selenium.common.exceptions import TimeoutException, WebDriverException

    from cxgov.sources.ui_browser import driver_message

    parts = urlsplit(url)
    browser.visited.add(f"{parts.scheme}://{parts.netloc}")
    if browser.navigation is not None:
        browser.navigation.expect(url)
    try:
        browser.driver.get(url)
    except TimeoutException:
        raise SourceError(f"page did not load within {settings.page_timeout:g} s", where=url,
                          hint=f"entry point {target.name!r} ({target.where}); raise --page-timeout if it is "
                               "just slow") from None
    except WebDriverException as exc:
        raise SourceError(f"page failed to load: {driver_message(exc)}", where=url,
                          hint=f"entry point {target.name!r} ({target.where}); is the server running and the "
                               "URL right?") from None
    if browser.navigation is not None:
        browser.navigation.observe(browser)
    if verify:
        verify_load(browser, browser.driver.execute_script(NAV_STATUS), url, target)


def verify_load(browser: Browser, nav: list, url: str, target: UITarget) -> None:
    status, error = nav
    if error:
        if not error.startswith("net::"):  # the headless shell's error page is empty: ask again
            error = net_error(browser.driver, url) or error
        raise SourceError(f"page failed to load: {error}", where=url,
                          hint=f"entry point {target.name!r} ({target.where}); is the server running and the "
                               "URL right?")
    if isinstance(status, int) and status >= 400:
        raise SourceError(f"page answered HTTP {status}", where=url,
                          hint=f"entry point {target.name!r} ({target.where})")


def perform(browser: Browser, settings: BrowserSettings, target: UITarget, step: Step) -> None:
    """Run one step that is not a scan; an element or text that never appears is a SourceError."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser.driver
    timeout = step.timeout or settings.step_timeout

    def wait(condition, what: str):
        try:
            return WebDriverWait(driver, timeout, poll_frequency=0.05).until(condition)
        except TimeoutException:
            raise SourceError(f"{step.where}: {step.action}: {what} within {timeout:g} s",
                              where=driver.current_url,
                              hint=f"entry point {target.name!r}; check the selector, or give the step a "
                                   "longer timeout") from None

    if step.action == "goto":
        load(browser, settings, step.url, target)
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
            name = KEYS.get(step.key.lower())
            element.send_keys(getattr(Keys, name) if name else step.key)


def clear_site_data(driver, url: str, visited: set[str]) -> None:
    """Pages scanned in one browser must not see each other's cookies or stored widget state
    (only an origin this browser has loaded before can have any)."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    if parts.scheme in ("http", "https") and origin in visited:
        driver.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": STORAGE_TYPES})
        # sessionStorage lives with the tab: clear the page being left (the last target's)
        driver.execute_script("try { window.sessionStorage.clear(); } catch (e) {}")


def net_error(driver, url: str) -> str | None:
    """Why the browser could not show `url` (net::ERR_...): navigating there again through the
    DevTools protocol reports it, where the error page the headless shell shows is blank."""
    try:
        return driver.execute_cdp_cmd("Page.navigate", {"url": url}).get("errorText") or None
    except Exception:  # noqa: BLE001 - the first error stands
        return None


def full_page_png(driver, size: list[int]) -> bytes:
    """The whole page at its CSS size (the scrolling element's scroll size, which is what
    Page.getLayoutMetrics reports as cssContentSize), not only the viewport."""
    clip = {"x": 0, "y": 0, "width": max(1, size[0]), "height": max(1, size[1]), "scale": 1}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                             "clip": clip, "optimizeForSpeed": True})
    return base64.b64decode(shot["data"])
