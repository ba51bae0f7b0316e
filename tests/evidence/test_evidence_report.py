"""report.html in real headless Chromium: its structure, its screenshots and links, and cxgov's own
UI scan (axe-core through cxgov.sources.ui.scan_page) with no WCAG 2.2 A/AA violation.

The browser is the UI source's (cxgov.sources.ui_browser: CXGOV_CHROME / CXGOV_CHROMEDRIVER, else
Debian's chromium and chromedriver). Each report is written into a bundle-shaped directory holding
every evidence file it links to; the WCAG screenshots in it are real Chromium screenshots of a small
chat-widget page.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from cxgov.evidence.controls import control_matrix
from cxgov.evidence.report import href, render_report
from cxgov.sources.ui import scan_page
from cxgov.sources.ui_browser import DEFAULT_VIEWPORT, Browser, BrowserSettings
from evidence_support import DATA, STATES, TRIAGE, WIDGET, cached_view
from conftest import ROOT

WIDGET_PAGE = DATA / "evidence" / "widget.html"


def manifest_for(view, bundle: Path) -> dict:
    files = sorted({p for paths in view.files.values() for p in paths})
    return {"format": "cxgov-bundle/1", "system": view.system, "created": view.created,
            "files": [{"path": p, "sha256": hashlib.sha256((bundle / p).read_bytes()).hexdigest(),
                       "size": (bundle / p).stat().st_size} for p in files]}


AXE_VERSION = json.loads((ROOT / "node_modules" / "axe-core" / "package.json").read_text())["version"]


@pytest.fixture(scope="module")
def chromium():
    """The UI source's headless Chromium, shared by the module; `chromium.driver` is its WebDriver."""
    browser = Browser(BrowserSettings.resolve())
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def browser(chromium):
    return chromium.driver


def scan(page: Path, artifacts: Path, **kw) -> dict:
    """cxgov's own scan of a page (the default WCAG 2.2 A/AA tags): the ui-scan document."""
    document = scan_page(page, artifacts_dir=artifacts, **kw).document
    assert document["axe"]["source"]["fallback"] is False  # the pinned axe-core 4.x, not the old bundled copy
    return document


@pytest.fixture(scope="module")
def bundles(tmp_path_factory, chromium):
    """report.html for both variants, each in a directory with the evidence files it links to."""
    browser = chromium.driver
    out = {}
    for variant in ("noncompliant", "compliant"):
        view = cached_view(variant)
        bundle = tmp_path_factory.mktemp(variant)
        for subject in view.subjects:
            for rel in view.files[subject.id]:
                target = bundle / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                if rel.endswith(".png"):
                    chromium.set_viewport((1024, 640))
                    browser.get(WIDGET_PAGE.as_uri())
                    browser.execute_script("document.body.className = arguments[0]", subject.document["state"])
                    browser.save_screenshot(str(target))
                else:
                    target.write_text(json.dumps(subject.document, indent=2, sort_keys=True))
        (bundle / "report.html").write_text(render_report(view, manifest_for(view, bundle)), encoding="utf-8")
        out[variant] = bundle
    chromium.set_viewport(DEFAULT_VIEWPORT)
    return out


def open_report(browser, bundle: Path):
    browser.get((bundle / "report.html").as_uri())
    return browser


def test_structure_landmarks_sections_and_rows(browser, bundles, tmp_path):
    view = cached_view("noncompliant")
    driver = open_report(browser, bundles["noncompliant"])
    count = lambda css: driver.execute_script("return document.querySelectorAll(arguments[0]).length", css)
    assert driver.execute_script("return document.documentElement.lang") == "en"
    assert driver.title.startswith("Failed: audit of acme-cx")
    for landmark in ("header", "nav", "main", "footer"):
        assert count(f"body > {landmark}") == 1, landmark
    assert count("h1") == 1
    levels = driver.execute_script("return [...document.querySelectorAll('h1,h2,h3,h4')].map(h => +h.tagName[1])")
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels  # no heading level skipped
    for section in ("verdict", "controls", "findings", "models", "accessibility", "waivers", "verify"):
        assert count(f"main section#{section} > h2") == 1, section
    # the skip link is the first thing a keyboard reaches, and it leads to main
    first = driver.execute_script("return document.querySelector('a, button, [tabindex]')")
    assert first.get_attribute("class") == "skip-link" and first.get_attribute("href").endswith("#main")
    # one matrix row per control, one findings row per finding, every header cell scoped
    control_rows = sum(len(fw["controls"]) for fw in control_matrix(view)["frameworks"])
    assert count("section#controls table.matrix tbody tr") == control_rows > 50
    assert count("section#controls table.matrix") == len(control_matrix(view)["frameworks"]) == 6
    # findings sit in one collapsible table per rule; here no UI finding repeats across states, so one row each
    assert count("section#findings details.rule tbody tr") == len(view.result.findings) == 40
    assert count("th:not([scope])") == 0
    assert driver.find_element("css selector", ".verdict .word").text == "FAIL"
    assert count("section#models article") == 2 and count("section#accessibility article") == 2
    assert "SEC-2291" in driver.find_element("id", "waivers").text
    # the scanned states' screenshots loaded, with alt text naming page and state
    images = driver.execute_script(
        "return [...document.images].map(i => [i.getAttribute('src'), i.alt, i.complete && i.naturalWidth])")
    assert sorted(src for src, _, _ in images) == ["wcag/help-centre-widget-closed.png", "wcag/help-centre-widget-open.png"]
    assert all(width > 0 and "help-centre widget, state" in alt for _, alt, width in images)
    # cxgov's scan keeps a full-page screenshot of the report, as it does of any scanned page
    shot = scan(bundles["noncompliant"] / "report.html", tmp_path)["screenshot"]
    data = (tmp_path / shot["file"]).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    assert hashlib.sha256(data).hexdigest() == shot["sha256"]


def test_every_link_stays_inside_the_bundle_and_resolves(browser, bundles):
    bundle = bundles["noncompliant"]
    driver = open_report(browser, bundle)
    links = driver.execute_script("return [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
    files = [h for h in links if not h.startswith("#")]
    assert len(files) > 30
    for link in files:
        assert urlparse(link).scheme == "" and not link.startswith("/"), link
        assert (bundle / unquote(urlparse(link).path)).is_file(), link  # evidence links may carry a JSON pointer
    anchors = {h[1:] for h in links if h.startswith("#")}
    missing = [a for a in anchors if not driver.execute_script("return !!document.getElementById(arguments[0])", a)]
    assert missing == []


def test_self_contained_no_script_no_remote_resource(bundles):
    html = (bundles["noncompliant"] / "report.html").read_text()
    assert "<script" not in html and "<link" not in html and "@import" not in html and "url(" not in html
    assert "default-src 'none'" in html  # the page may load nothing but its own images


@pytest.mark.parametrize("variant", ["noncompliant", "compliant"])
def test_cxgov_scan_finds_no_wcag_a_or_aa_violation(bundles, variant, tmp_path):
    axe = scan(bundles[variant] / "report.html", tmp_path)["axe"]
    assert axe["testEngine"] == {"name": "axe-core", "version": AXE_VERSION}
    assert {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"} <= set(axe["toolOptions"]["runOnly"]["values"])
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in axe["violations"]] == []
    assert axe["passes_count"] > 15  # the rules ran: contrast, landmarks, table headers, image alt...


def test_the_scan_reports_a_violating_page(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<html><body><img src="x.png"><p style="color:#bbb;background:#fff">faint</p>'
                    '<table><tr><td>a</td></tr></table></body></html>')
    ids = {v["id"] for v in scan(page, tmp_path / "scan")["axe"]["violations"]}
    assert {"image-alt", "color-contrast", "html-has-lang"} <= ids


def test_text_is_escaped_and_output_is_stable():
    view = cached_view("noncompliant")
    first = view.result.findings[0]
    hostile = dataclasses.replace(first, message='<img src=x onerror="alert(1)"> & "quotes"')
    result = dataclasses.replace(view.result, findings=[hostile, *view.result.findings[1:]])
    html = render_report(dataclasses.replace(view, result=result), {})
    assert '<img src=x onerror' not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; &#34;quotes&#34;" in html
    assert render_report(view, {"files": []}) == render_report(view, {"files": []})


def test_scans_in_the_order_a_user_meets_them_worst_violations_first():
    html = render_report(cached_view("compliant"), {})
    # the scans' states as the descriptor's steps reach them, not alphabetical (closed, error, ...)
    cards = [html.index(f"help-centre widget: state “{state}”") for state in STATES]
    assert cards == sorted(cards)
    view = cached_view("noncompliant")
    violation = lambda rule, impact: {"id": rule, "impact": impact, "tags": ["wcag2a"], "help": f"help on {rule}",
                                      "nodes": [{"target": [f"#{rule}-node"]}]}
    subjects = []
    for subject in view.subjects:
        if subject.id == f"{WIDGET}#open":
            document = json.loads(json.dumps(subject.document))
            document["axe"]["violations"] = [violation("meta-viewport", "moderate"), violation("region", "minor"),
                                             violation("label", "serious"), violation("button-name", "critical")]
            subject = dataclasses.replace(subject, document=document)
        subjects.append(subject)
    html = render_report(dataclasses.replace(view, subjects=subjects), {})
    order = [html.index(f"#{rule}-node") for rule in ("button-name", "label", "meta-viewport", "region")]
    assert order == sorted(order)


def test_href_encodes_each_segment():
    assert href("wcag/help centre#open.png") == "wcag/help%20centre%23open.png"
    assert href("/inputs/a.json") == "inputs/a.json"


def test_the_verify_by_hand_commands_work_on_the_bundle(browser, bundles, tmp_path):
    import subprocess

    bundle = tmp_path / "bundle"
    shutil.copytree(bundles["noncompliant"], bundle)
    driver = open_report(browser, bundle)
    commands = driver.execute_script(
        "return [...document.querySelectorAll('#verify pre code')].map(c => c.textContent)")
    check_hashes, check_listing = commands[0], commands[1]
    # the final manifest lists every file, report.html included
    files = sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file())
    manifest = {"files": [{"path": f, "sha256": hashlib.sha256((bundle / f).read_bytes()).hexdigest(),
                           "size": (bundle / f).stat().st_size} for f in files]}
    (bundle / "manifest.json").write_text(json.dumps(manifest))
    run = lambda command: subprocess.run(["bash", "-c", command], cwd=bundle, capture_output=True, text=True)
    ok = run(check_hashes)
    assert ok.returncode == 0 and ok.stdout.count(": OK") == len(files), ok.stdout + ok.stderr
    assert run(check_listing).stdout == "" and run(check_listing).returncode == 0
    (bundle / "inputs" / "system-acme-cx.json").write_text("{}")
    (bundle / "extra.txt").write_text("not in the manifest")
    tampered = run(check_hashes)
    assert tampered.returncode != 0 and "inputs/system-acme-cx.json: FAILED" in tampered.stdout
    assert "extra.txt" in run(check_listing).stdout


def with_long_words(view):
    """The noncompliant view where a model finding names a dataset URL and a scan violation a long
    selector, as real ones do: unbroken words wider than a 320 px card."""
    url = "https://acme-ml-datasets.s3.eu-central-1.amazonaws.com/intents/eval-2026-10.parquet"
    selector = ".acme-chat-widget__panel--open > .acme-chat-widget__messages > #acme-chat-ai-notice"
    findings = [dataclasses.replace(f, message=f"{f.message}: dataset source {url}") if f.subject == TRIAGE else f
                for f in view.result.findings]
    subjects = []
    for subject in view.subjects:
        if subject.id == f"{WIDGET}#open":
            document = json.loads(json.dumps(subject.document))
            document["axe"]["violations"][0]["nodes"][0]["target"] = [selector]
            subject = dataclasses.replace(subject, document=document)
        subjects.append(subject)
    return dataclasses.replace(view, result=dataclasses.replace(view.result, findings=findings), subjects=subjects)


def test_reflows_at_320_css_pixels_without_violations(chromium, bundles, tmp_path):
    """WCAG 1.4.10: at 320 CSS px no text overflows its box and nothing but the scrollable tables and
    code blocks is wider than the viewport, and the page stays clean under cxgov's scan at that width."""
    bundle = tmp_path / "bundle"
    shutil.copytree(bundles["noncompliant"], bundle)
    view = with_long_words(cached_view("noncompliant"))
    report = bundle / "report.html"
    report.write_text(render_report(view, manifest_for(view, bundle)), encoding="utf-8")
    chromium.set_viewport((320, 800))
    try:
        browser = open_report(chromium.driver, bundle)
        browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")  # collapsed content too
        assert browser.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]") == [320, 320]
        # every element outside a scroll container: inside the viewport, its content inside its box
        overflowing = browser.execute_script("""
            const scrolls = e => e.closest('.table-wrap, pre');
            return [...document.querySelectorAll('body *')].filter(e => !scrolls(e) && e.getClientRects().length
                && (e.getBoundingClientRect().right > 320 || e.scrollWidth > e.clientWidth && e.clientWidth > 0))
              .map(e => `${e.tagName}.${e.className}: ${(e.textContent || '').trim().slice(0, 60)}`)""")
        assert overflowing == []
        assert "dataset source https://acme-ml-datasets" in browser.find_element("id", "models").text
    finally:
        chromium.set_viewport(DEFAULT_VIEWPORT)
    narrow = scan(report, tmp_path / "scan", state="viewport-320", steps=[{"viewport": "320x800"}])
    assert narrow["viewport"] == {"width": 320, "height": 800}
    assert narrow["axe"]["violations"] == []


def test_keyboard_focus_is_visible_and_the_skip_link_appears(browser, bundles):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    driver = open_report(browser, bundles["noncompliant"])
    ActionChains(driver).send_keys(Keys.TAB).perform()
    focused = driver.execute_script(
        "const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();"
        "return [e.className, s.outlineStyle, parseFloat(s.outlineWidth), r.top >= 0 && r.bottom <= innerHeight]")
    assert focused == ["skip-link", "solid", 3.0, True]
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    assert driver.execute_script("return document.activeElement.id") == "main"


def test_a_findings_line_number_never_wraps(chromium, bundles):
    """A long path may wrap; the `:127` after it stays whole, even at 320 CSS pixels."""
    driver = chromium.driver
    try:
        chromium.set_viewport((320, 640))
        open_report(driver, bundles["noncompliant"])
        driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")  # rows are collapsed
        lines = driver.execute_script(
            "return [...document.querySelectorAll('section#findings code.line')]"
            ".map(e => [e.textContent, e.getClientRects().length])")
    finally:
        chromium.set_viewport(DEFAULT_VIEWPORT)
    assert lines and all(text[0] == ":" and text[1:].isdigit() and rects == 1 for text, rects in lines), lines
