"""What a UI scan runs on: headless Chromium through Selenium, and the axe-core script.

Paths come from an explicit option (or cxgov.toml), then an environment variable, then the Debian
defaults, so the same command works on GitHub's runners (which ship Chrome) and on other systems.
Selenium Manager is never asked to download a driver: the chromedriver path is always given.

The Debian default is the headless shell (package chromium-headless-shell, built from the same
Chromium source as `chromium` and driven by the same chromedriver) when it is installed: it has no
browser UI layer, so it starts in about a tenth of the time and spends less CPU per page, which is
what a scan of many pages on a small CI machine is bound by. Without it, the full `chromium` runs
headless with the same flags and the same results.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cxgov.errors import SourceError

CHROME_ENV, CHROMEDRIVER_ENV, AXE_ENV = "CXGOV_CHROME", "CXGOV_CHROMEDRIVER", "CXGOV_AXE_SOURCE"
# /usr/bin/chromium* are wrapper scripts; the real binaries start faster and take flags as given
DEFAULT_CHROMES = ("/usr/lib/chromium/chromium-headless-shell", "/usr/lib/chromium/chromium")
DEFAULT_CHROMEDRIVER = "/usr/bin/chromedriver"
CHROME_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--hide-scrollbars", "--mute-audio")
DEFAULT_VIEWPORT = (1280, 800)

# WCAG level tags from lowest to highest; asking for one level means every lower one too
# (axe tags each rule with the version and level that introduced it: `wcag21aa` alone matches
# only the few criteria new in 2.1 AA)
LEVEL_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa")
AAA_TAGS = ("wcag2aaa", "wcag21aaa", "wcag22aaa")
DEFAULT_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")


def expand_tags(tags: list[str] | tuple[str, ...] | None) -> list[str]:
    """axe `runOnly` tags with every lower level added, in a stable order.

    `wcag21aa` -> wcag2a, wcag2aa, wcag21a, wcag21aa; an AAA tag also brings the A and AA tags of
    its version and below. Other tags (best-practice, cat.*) are kept as given.
    """
    if not tags:
        return list(DEFAULT_TAGS)
    wanted = [t.strip() for t in tags if t.strip()]
    out: list[str] = []
    for tag in wanted:
        if tag in LEVEL_TAGS:
            out += LEVEL_TAGS[: LEVEL_TAGS.index(tag) + 1]
        elif tag in AAA_TAGS:
            version = tag[: -3]
            upto = max(i for i, t in enumerate(LEVEL_TAGS) if t.startswith(version))
            out += [*LEVEL_TAGS[: upto + 1], *AAA_TAGS[: AAA_TAGS.index(tag) + 1]]
        else:
            out.append(tag)
    # wcag22a does not exist in axe-core (no WCAG 2.2 criterion at level A is automated)
    return [t for t in dict.fromkeys(out) if t != "wcag22a" or "wcag22a" in wanted]


@dataclass(frozen=True, slots=True)
class BrowserSettings:
    chrome: str
    chromedriver: str
    page_timeout: float = 30.0  # page load and each axe run
    step_timeout: float = 10.0  # default wait for a step's element or text
    viewport: tuple[int, int] = DEFAULT_VIEWPORT

    @classmethod
    def resolve(cls, chrome: str | None = None, chromedriver: str | None = None, **kw) -> BrowserSettings:
        chrome = chrome or os.environ.get(CHROME_ENV) or default_chrome()
        chromedriver = chromedriver or os.environ.get(CHROMEDRIVER_ENV) or DEFAULT_CHROMEDRIVER
        for path, what, env in ((chrome, "Chromium/Chrome binary", CHROME_ENV),
                                (chromedriver, "chromedriver", CHROMEDRIVER_ENV)):
            if not (os.path.isfile(path) and os.access(path, os.X_OK)):
                raise SourceError(f"{what} not found or not executable", where=path,
                                  hint=f"install Debian's chromium and chromium-driver (./scripts/setup.sh), "
                                       f"or point {env} / --{'chrome' if env == CHROME_ENV else 'chromedriver'} at one")
        return cls(chrome, chromedriver, **kw)


def default_chrome() -> str:
    """The first Debian browser installed (the headless shell, then chromium); the last one if none is,
    so the error names a path to install."""
    return next((path for path in DEFAULT_CHROMES if os.path.isfile(path)), DEFAULT_CHROMES[-1])


class Browser:
    """One headless Chromium with a fresh profile and HOME, removed on close.

    The profile is chromedriver's own (a temporary directory it deletes on quit), made under this
    browser's HOME so nothing outlives close(): the headless shell opens no page in a profile given
    with --user-data-dir, and chromedriver then cannot attach to it.
    """

    def __init__(self, settings: BrowserSettings):
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service

        self.settings = settings
        self.viewport: tuple[int, int] | None = None  # the emulated content size, once set
        self.visited: set[str] = set()  # origins loaded, whose cookies and storage the next page must not see
        self.profile = tempfile.mkdtemp(prefix="cxgov-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = settings.chrome
        for flag in CHROME_FLAGS:
            options.add_argument(flag)
        options.add_argument("--window-size={},{}".format(*settings.viewport))
        # the network log (drained by navigations()) shows every document the tab loads: redirects
        # and the page's own navigations, which the browser follows without telling the driver
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        options.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": False})
        self.navigation = None  # the ui_page.Navigation of the entry point being scanned
        self._main_frame: str | None = None
        env = {**os.environ, "HOME": self.profile, "TMPDIR": self.profile}
        try:
            self.driver = webdriver.Chrome(service=Service(settings.chromedriver, env=env), options=options)
        except WebDriverException as exc:
            shutil.rmtree(self.profile, ignore_errors=True)
            raise SourceError(f"could not start headless Chromium: {driver_message(exc)}", where=settings.chrome,
                              hint=f"check that {settings.chromedriver} matches the browser's version") from None
        self.driver.set_page_load_timeout(settings.page_timeout)
        self.driver.set_script_timeout(settings.page_timeout)
        self.set_viewport(settings.viewport)

    def set_viewport(self, size: tuple[int, int]) -> None:
        # the content area, not the window: a 320 px viewport is what WCAG 1.4.10 (reflow) means;
        # the override outlives navigations, so setting it again is a wasted driver call
        if self.viewport == tuple(size):
            return
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": False})
        self.viewport = tuple(size)

    def navigations(self) -> list[tuple[str, int | None]]:
        """The documents the tab's main frame requested since the last call, in order: (URL, the HTTP
        status of the redirect that led there, or None for a navigation)."""
        entries = self.driver.get_log("performance")
        if self._main_frame is None:
            self._main_frame = self.driver.execute_cdp_cmd("Page.getFrameTree", {})["frameTree"]["frame"]["id"]
        out = []
        for entry in entries:
            text = entry.get("message", "")
            if '"Network.requestWillBeSent"' not in text or '"Document"' not in text:
                continue  # most entries: cheaper to skip unparsed
            message = json.loads(text).get("message") or {}
            params = message.get("params") or {}
            if message.get("method") != "Network.requestWillBeSent" or params.get("type") != "Document" \
                    or params.get("frameId") != self._main_frame:
                continue
            redirect = params.get("redirectResponse")
            out.append((params["request"]["url"], redirect.get("status") if redirect else None))
        return out

    def close(self) -> None:
        try:
            self.driver.quit()
        except Exception:  # noqa: BLE001 - a browser that already died needs no quitting
            pass
        shutil.rmtree(self.profile, ignore_errors=True)


def driver_message(exc: Exception) -> str:
    """The first line of a WebDriver error, without chromedriver's generic prefixes."""
    text = (getattr(exc, "msg", None) or str(exc)).strip()
    text = text.splitlines()[0] if text else type(exc).__name__
    return re.sub(r"^(unknown error|Message):\s*", "", text)


@dataclass(frozen=True, slots=True)
class AxeScript:
    """The axe-core source, read once per run and injected into every page."""

    path: str
    text: str
    version: str | None  # from the file's banner; the scan records what axe itself reports
    fallback: bool = False

    @property
    def warning(self) -> str | None:
        if not self.fallback:
            return None
        return (f"using the axe-core {self.version or '3.1.1'} bundled with axe-selenium-python ({self.path}): it "
                "predates WCAG 2.1 and 2.2 rules; install axe-core 4.x (./scripts/setup.sh, npm install axe-core) "
                f"or point {AXE_ENV} / --axe-source at axe.min.js")


def find_axe(explicit: str | None = None, search_dirs: list[Path] | None = None) -> AxeScript:
    """axe-core by --axe-source / config, then $CXGOV_AXE_SOURCE, then node_modules under
    `search_dirs` (default: the cxgov checkout, then the working directory), then
    axe-selenium-python's bundled copy (with a warning)."""
    chosen = explicit or os.environ.get(AXE_ENV)
    if chosen:
        path = Path(chosen)
        if path.is_dir():
            path = path / "axe.min.js"
        if not path.is_file():
            raise SourceError("axe-core script not found", where=str(path),
                              hint="give the path of axe.min.js (npm package axe-core 4.x)")
        return _read_axe(path, fallback=False)
    if search_dirs is None:
        search_dirs = [Path(__file__).resolve().parents[2], Path.cwd()]
    for base in search_dirs:
        candidate = base / "node_modules" / "axe-core" / "axe.min.js"
        if candidate.is_file():
            return _read_axe(candidate, fallback=False)
    try:
        import axe_selenium_python
    except ImportError:
        axe_selenium_python = None
    if axe_selenium_python is not None:
        bundled = Path(axe_selenium_python.__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
        if bundled.is_file():
            return _read_axe(bundled, fallback=True)
    raise SourceError("axe-core not found",
                      hint=f"run ./scripts/setup.sh (npm install axe-core), or point {AXE_ENV} / --axe-source at "
                           "axe.min.js")


def _read_axe(path: Path, *, fallback: bool) -> AxeScript:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read the axe-core script: {exc}", where=str(path)) from None
    banner = re.match(r"\s*/\*!?\s*axe v(\d+\.\d+\.\d+)", text)
    # the old copy warns however it was found
    fallback = fallback or "axe_selenium_python" in path.parts
    return AxeScript(str(path), text, banner.group(1) if banner else None, fallback)
