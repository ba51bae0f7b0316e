"""Browsers started ahead of a scan, and quit behind it.

Starting chromedriver and headless Chromium costs a third of a second of every run, and quitting
them a tenth: time in which cxgov's own process has other work. So a command that knows it will
scan starts its browsers first (`prestart`), while it reads its policies and inputs; the scan
`take`s them (or starts its own when none was started, or starting one failed: that start then
raises the error); and a browser the scan is done with quits on a thread of its own
(`close_later`) while the engine judges the results. Those threads are not daemons: the interpreter
waits for them (and for browsers still starting) before it exits, so no browser or profile outlives
the command. A prestarted browser no scan took is quit by discard_unused, or at exit.

Each browser gets the scripts every document it loads must carry (axe-core, the behavioural
checks' page library) through Page.addScriptToEvaluateOnNewDocument when it starts: V8 caches their
compiled code, where sending 500 kB over the driver for every page costs more than the page.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Sequence
from concurrent.futures import Future

from cxgov.sources.ui_browser import Browser, BrowserSettings

_LOCK = threading.Lock()
_WARM: list[tuple[BrowserSettings, tuple[str, ...], Future]] = []
_CLOSING: list[threading.Thread] = []
_close_unused_registered = False  # with atexit, by the first prestart


def ready_browser(settings: BrowserSettings, scripts: Sequence[str]) -> Browser:
    """A started browser whose every document gets `scripts` before its own."""
    browser = Browser(settings)
    try:
        for source in scripts:
            browser.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source})
    except BaseException:
        browser.close()
        raise
    return browser


def prestart(settings: BrowserSettings, scripts: Sequence[str], count: int) -> None:
    """Start `count` browsers now, each on its own thread, for the next scan with these settings."""
    global _close_unused_registered
    scripts = tuple(scripts)
    with _LOCK:
        if not _close_unused_registered:
            atexit.register(_close_unused)
            _close_unused_registered = True
        for n in range(count):
            future: Future = Future()
            _WARM.append((settings, scripts, future))
            # not a daemon: a browser half started when the command ends is waited for, then quit
            threading.Thread(target=_start, args=(future, settings, scripts), name=f"cxgov-ui-start-{n}",
                             daemon=False).start()


def _start(future: Future, settings: BrowserSettings, scripts: tuple[str, ...]) -> None:
    try:
        future.set_result(ready_browser(settings, scripts))
    except BaseException as exc:  # noqa: BLE001 - take() leaves it: the scan starts its own, which raises
        future.set_exception(exc)


def take(settings: BrowserSettings, scripts: Sequence[str]) -> Browser | None:
    """A prestarted browser with these settings and scripts (waiting for its start), or None."""
    scripts = tuple(scripts)
    with _LOCK:
        index = next((i for i, (s, sc, _) in enumerate(_WARM) if s == settings and sc == scripts), None)
        if index is None:
            return None
        future = _WARM.pop(index)[2]
    try:
        return future.result()
    except BaseException:  # noqa: BLE001 - see _start
        return None


def close_later(browser: Browser) -> None:
    """Quit `browser` on a thread the interpreter waits for at exit."""
    _closing(browser.close)


def discard_unused() -> None:
    """Quit, on threads wait_closed() waits for, every prestarted browser no scan took (once it has
    started): a command that failed before its scan, or scanned fewer pages than it prestarted for."""
    with _LOCK:
        warm, _WARM[:] = list(_WARM), []
    for _, _, future in warm:
        _closing(lambda f=future: _quit_started(f))


def wait_closed() -> None:
    """Block until every browser handed to close_later or discard_unused has quit."""
    with _LOCK:
        threads = list(_CLOSING)
    for thread in threads:
        thread.join()


def _closing(quit_browser) -> None:
    # daemon=False explicitly: a thread otherwise inherits it from the (daemon) scan thread that calls this
    thread = threading.Thread(target=quit_browser, name="cxgov-ui-close", daemon=False)
    with _LOCK:
        _CLOSING[:] = [t for t in _CLOSING if t.is_alive()]
        _CLOSING.append(thread)
    thread.start()


def _quit_started(future: Future) -> None:
    try:
        browser = future.result()
    except BaseException:  # noqa: BLE001 - a browser that never started needs no quitting
        return
    browser.close()


def _close_unused() -> None:
    discard_unused()
    wait_closed()
