"""Real headless Chromium (Debian's chromium and chromedriver, through Selenium 4) and real axe-core
(from npm, ./node_modules/axe-core) for the report.html tests.

Selenium Manager never runs: the driver is /usr/bin/chromedriver and the browser the real binary
behind Debian's wrapper script. Each browser gets a fresh profile and HOME under a temporary
directory. CXGOV_CHROMIUM / CXGOV_CHROMEDRIVER point elsewhere on other systems.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from conftest import ROOT

CHROMIUM = os.environ.get("CXGOV_CHROMIUM", "/usr/lib/chromium/chromium")
CHROMEDRIVER = os.environ.get("CXGOV_CHROMEDRIVER", "/usr/bin/chromedriver")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run")
#: the WCAG 2.2 A and AA rules, lower levels included (wcag21aa alone matches only the 2.1 additions)
AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@contextmanager
def chromium(width: int = 1280, height: int = 900):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="cxgov-chromium-") as home:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={home}/profile")
        options.add_argument(f"--window-size={width},{height}")
        service = Service(CHROMEDRIVER, env={**os.environ, "HOME": home})
        driver = webdriver.Chrome(service=service, options=options)
        try:
            yield driver
        finally:
            driver.quit()


def full_page_screenshot(driver, path: Path, width: int = 1280) -> None:
    """A PNG of the whole page: the window is resized to the document's height first."""
    height = driver.execute_script("return Math.ceil(document.documentElement.scrollHeight)")
    driver.set_window_size(width, min(max(height, 600), 16000))
    driver.save_screenshot(str(path))


def axe_scan(driver, tags: list[str] = AA_TAGS) -> dict:
    """Inject axe-core into the open page and run it on the whole document with the given tags."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    options = json.dumps({"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations", "incomplete"]})
    driver.set_script_timeout(60)
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"axe.run(document, {options}).then(r => done(r), e => done({{error: String(e)}}));"
    )
