"""What the UI source does to a page: load it (and tell a page that failed from one that loaded),
run one declared step, keep pages apart, and photograph the whole page.

A page that does not load, answers with an HTTP error, or a step that fails is a SourceError: exit 2,
never a page silently left out.
"""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

from cxgov.errors import SourceError
from cxgov.sources.ui_axe import NAV_STATUS
from cxgov.sources.ui_browser import Browser, BrowserSettings
from cxgov.sources.ui_steps import KEYS, Step, UITarget

# what a page can keep between visits (clearing "all" also drops the HTTP and shader caches: slower)
STORAGE_TYPES = "cookies,local_storage,indexeddb,service_workers,cache_storage,websql,file_systems"


def load(browser: Browser, settings: BrowserSettings, url: str, target: UITarget, *, verify: bool = True) -> None:
    """Navigate to `url`; a load that times out, fails or answers 4xx/5xx is a SourceError."""
    from selenium.common.exceptions import TimeoutException, WebDriverException

    from cxgov.sources.ui_browser import driver_message

    parts = urlsplit(url)
    browser.visited.add(f"{parts.scheme}://{parts.netloc}")
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
