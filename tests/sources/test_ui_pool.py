"""Browsers started ahead of a scan and quit behind it (cxgov/sources/ui_pool.py), in a real headless
Chromium: a prestarted browser carries its scripts into every document and is taken once; a command
that fails before its scan, or whose browser cannot start, leaves no browser or profile behind and
reports its errors in the order it did without prestarting.
"""

from __future__ import annotations

import tempfile

from conftest import run_cxgov
from ui_support import EXAMPLE_UI, serving

from cxgov.sources import ui_pool
from cxgov.sources.ui_browser import BrowserSettings

MARKER = "window.__cxgov_pool_marker = 41 + 1;"


def _profiles(directory) -> list:
    return [p for p in directory.iterdir() if p.name.startswith("cxgov-chromium-")]


def test_a_prestarted_browser_is_taken_once_with_its_scripts_and_quits_behind_the_scan(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the browser's HOME and profile go
    settings = BrowserSettings.resolve()
    ui_pool.prestart(settings, [MARKER], 1)
    assert ui_pool.take(settings, ["window.__other = 1;"]) is None  # other scripts: not this browser
    browser = ui_pool.take(settings, [MARKER])
    assert browser is not None
    try:
        assert ui_pool.take(settings, [MARKER]) is None  # one prestarted, one taken
        with serving(EXAMPLE_UI) as base:
            browser.driver.get(base + "fixed/help/")
            assert browser.driver.execute_script("return window.__cxgov_pool_marker") == 42
    finally:
        ui_pool.close_later(browser)
    ui_pool.wait_closed()
    assert _profiles(tmp_path) == []


def test_a_prestarted_browser_no_scan_takes_is_quit(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ui_pool.prestart(BrowserSettings.resolve(), [MARKER], 1)
    ui_pool.discard_unused()
    ui_pool.wait_closed()
    assert _profiles(tmp_path) == []
    assert ui_pool.take(BrowserSettings.resolve(), [MARKER]) is None


def test_a_command_that_fails_before_its_scan_leaves_no_browser_behind(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{bad")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    run = run_cxgov("wcag", "http://127.0.0.1:9/help/", "-d", str(bad), env={"TMPDIR": str(scratch)}, cwd=tmp_path,
                    timeout=120)
    assert run.code == 2
    assert str(bad) in run.stderr and "invalid JSON" in run.stderr
    assert _profiles(scratch) == []


def test_a_browser_that_cannot_start_is_reported_by_the_scan_after_the_earlier_checks(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{bad")
    # a bad data file is reported first, as without browsers started ahead
    run = run_cxgov("wcag", "http://127.0.0.1:9/help/", "--chrome", "/bin/false", "-d", str(bad), cwd=tmp_path,
                    timeout=120)
    assert run.code == 2
    assert "invalid JSON" in run.stderr and "could not start headless Chromium" not in run.stderr
    # without it, the scan reports the browser that did not start
    run = run_cxgov("wcag", "http://127.0.0.1:9/help/", "--chrome", "/bin/false", cwd=tmp_path, timeout=120)
    assert run.code == 2
    assert "could not start headless Chromium" in run.stderr
