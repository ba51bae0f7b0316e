"""UI scans in a real headless Chromium with the real axe-core (node_modules/axe-core, installed by
scripts/setup.sh), on the example chat widget served from 127.0.0.1.

The broken widget yields exactly its known violations in each state the descriptor's steps reach,
the fixed one none; the disclosure check fails when the notice is removed or hidden; a page that
cannot be reached, a step whose element never appears and a page that hangs are each a clear
error and exit 2 within their timeout.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time

import pytest
import yaml

from conftest import EVALUATION_DATE, ROOT, run_cxgov
from ui_support import DECLARED, EXAMPLE_UI, hanging_server, serving, unused_port

from cxgov.errors import SourceError
from cxgov.sources import ui_browser
from cxgov.sources.ui import UISource, scan_page, ui_targets
from cxgov.sources.ui_browser import Browser, BrowserSettings, expand_tags, find_axe

AXE_VERSION = json.loads((ROOT / "node_modules" / "axe-core" / "package.json").read_text())["version"]
DESCRIPTOR = ROOT / "examples" / "acme-cx" / "noncompliant" / "cxgov" / "descriptor.yaml"
NOTICE = "#acme-chat-ai-notice"

# what axe-core finds in the broken widget, per state: rule -> failing selectors
CLOSED = {
    "button-name": ["#acme-chat-launcher"],
    "color-contrast": ["#acme-chat-ai-notice"],
    "html-has-lang": ["html"],
    "meta-viewport": ['meta[name="viewport"]'],
}
OPEN = {
    **CLOSED,
    "button-name": ["#acme-chat-close", ".acme-chat__send", "#acme-chat-launcher"],
    "label": ["#acme-chat-input"],
    "list": ["#acme-chat-messages"],
}
BROKEN = {
    "closed": CLOSED,
    "open": OPEN,
    "streaming": OPEN,
    "handoff": {**OPEN, "image-alt": ["img"]},  # the agent's avatar, added when a person takes over
    "error": {**OPEN, "link-name": ["#acme-chat-retry"]},  # the icon-only retry link
    "viewport-320": {**OPEN, "link-name": ["#acme-chat-retry"]},
}


def declared_entry_points():
    return yaml.safe_load(DESCRIPTOR.read_text())["ui"]["entry_points"]


@pytest.fixture(scope="module")
def example_ui():
    with serving() as url:
        yield url


@pytest.fixture(scope="module")
def scans(example_ui, tmp_path_factory):
    """Both widget versions through the descriptor's steps, in one pool of two browsers."""
    entry = declared_entry_points()[0]
    targets = [
        *ui_targets([{**entry, "name": "broken"}], base_url=example_ui + "broken"),
        *ui_targets([{**entry, "name": "fixed", "url": "https://fixed.acme-shop.eu/help"}],
                    base_url=example_ui + "fixed"),
    ]
    artifacts = tmp_path_factory.mktemp("artifacts")
    source = UISource(targets, artifacts_dir=artifacts, probe_selectors=[NOTICE], jobs=2)
    return {(s.document["page"], s.document["state"]): s for s in source.subjects()}, artifacts


def violations(subject):
    return {v["id"]: [n["target"][0] for n in v["nodes"]] for v in subject.document["axe"]["violations"]}


def test_broken_widget_has_exactly_its_known_violations_per_state(scans):
    by_state, _ = scans
    assert [state for page, state in by_state if page == "broken"] == list(BROKEN)
    for state, expected in BROKEN.items():
        got = violations(by_state["broken", state])
        assert {k: sorted(v) for k, v in got.items()} == {k: sorted(v) for k, v in expected.items()}, state


def test_fixed_widget_has_no_violation_in_any_state(scans):
    by_state, _ = scans
    fixed = {state: s for (page, state), s in by_state.items() if page == "fixed"}
    assert list(fixed) == list(BROKEN)
    for state, subject in fixed.items():
        assert subject.document["axe"]["violations"] == [], state
        assert subject.document["axe"]["incomplete"] == [], state
        assert subject.document["axe"]["passes_count"] > 10


def test_states_are_scanned_after_their_steps(scans):
    by_state, _ = scans
    streaming, handoff, small = by_state["broken", "streaming"], by_state["broken", "handoff"], \
        by_state["broken", "viewport-320"]
    # the typing indicator exists only while the assistant answers: axe saw it in that state alone
    needs_review = {s: [v["id"] for v in by_state["broken", s].document["axe"]["incomplete"]] for s in BROKEN}
    assert needs_review == {s: (["aria-prohibited-attr"] if s == "streaming" else []) for s in BROKEN}
    assert {"action": "press", "key": "Enter"} in streaming.document["steps"]
    assert handoff.document["steps"][-1] == {"action": "wait_for", "selector": "#acme-chat-handoff"}
    # the error state was reached through a second page load, the 320 px state by resizing
    assert by_state["broken", "error"].document["scanned_url"].endswith("/broken/help/?offline")
    assert small.document["viewport"] == {"width": 320, "height": 640}
    assert small.document["axe"]["testEnvironment"]["windowWidth"] == 320
    assert by_state["broken", "open"].document["axe"]["testEnvironment"]["windowWidth"] == 1280


def test_scan_document_records_engine_options_and_evidence(scans):
    by_state, artifacts = scans
    subject = by_state["broken", "closed"]
    doc = subject.document
    assert subject.kind == "ui-scan" and subject.id == DECLARED + "#closed"
    assert subject.origin.file == DECLARED and doc["url"] == DECLARED
    assert doc["axe"]["testEngine"] == {"name": "axe-core", "version": AXE_VERSION}
    assert doc["axe"]["toolOptions"]["runOnly"] == {"type": "tag", "values": list(expand_tags(None))}
    assert doc["axe"]["source"] == {"file": "axe.min.js", "fallback": False}
    assert doc["timestamp"].startswith("20") and doc["timestamp"].endswith("Z")
    assert doc["elements"][NOTICE]["present"] and doc["elements"][NOTICE]["visible"]
    assert doc["elements"][NOTICE]["targets"] == [NOTICE]  # the contrast failure lies inside the notice
    png = (artifacts / doc["screenshot"]["file"]).read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and hashlib.sha256(png).hexdigest() == doc["screenshot"]["sha256"]
    raw = json.loads((artifacts / doc["results"]["file"]).read_text())
    assert [v["id"] for v in raw["violations"]] == [v["id"] for v in doc["axe"]["violations"]]


def test_lower_wcag_levels_are_always_included():
    assert expand_tags(["wcag21aa"]) == ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    assert expand_tags(["wcag2aa", "best-practice"]) == ["wcag2a", "wcag2aa", "best-practice"]
    assert expand_tags(["wcag22aa"]) == ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def test_bundled_axe_is_a_fallback_with_a_warning_and_its_version_recorded(tmp_path, monkeypatch):
    monkeypatch.delenv("CXGOV_AXE_SOURCE", raising=False)
    axe = find_axe(search_dirs=[tmp_path])  # no node_modules there
    assert axe.fallback and "axe_selenium_python" in axe.path and "install axe-core 4.x" in axe.warning
    page = tmp_path / "page.html"
    page.write_text('<html lang="en"><head><title>t</title></head><body><main><img src="x.png"></main></body></html>')
    subject = scan_page(page, artifacts_dir=tmp_path / "out", axe_source=axe.path)
    assert subject.document["axe"]["testEngine"]["version"] == "3.1.1"
    assert subject.document["axe"]["source"]["fallback"] is True
    assert subject.document["axe"]["toolOptions"]["runOnly"]["values"] == ["wcag2a", "wcag2aa", "wcag21aa"]  # what it knows
    assert "image-alt" in [v["id"] for v in subject.document["axe"]["violations"]]


# --- through the command line -------------------------------------------------------------------

STEPS = [{"scan": "closed"}, {"click": "#acme-chat-launcher"}, {"wait_for": "#acme-chat-input"}, {"scan": "open"}]


def test_wcag_command_gates_on_the_broken_widget(example_ui, tmp_path):
    states = tmp_path / "states.yaml"
    states.write_text(yaml.safe_dump(STEPS))
    run = run_cxgov("wcag", example_ui + "broken/help/", example_ui + "fixed/help/", "--states", str(states),
                    "--artifacts", str(tmp_path / "art"), "--evaluation-date", EVALUATION_DATE, "-o", "json",
                    cwd=tmp_path)
    assert run.code == 1, run.stderr
    doc = json.loads(run.stdout)
    found = {(f["rule_id"], f["subject"].split("/")[-3], f["resource"]) for f in doc["findings"]}
    expected = {("WCAG-A-AA-01", "broken", rule) for rule in ("button-name", "color-contrast", "html-has-lang")}
    expected |= {("WCAG-A-AA-01", "broken", rule) for rule in ("label", "list")}
    expected |= {("WCAG-A-AA-02", "broken", "meta-viewport")}
    assert found == expected
    label = next(f for f in doc["findings"] if f["resource"] == "label")
    assert label["controls"]["wcag22"] == ["4.1.2", "A/AA"] and "9.4.1.2" in label["controls"]["en301549"]
    assert label["metadata"]["targets"] == ["#acme-chat-input"] and label["gate"] == "deny"
    # `cxgov wcag` photographs the states with a violation: the broken widget's, not the fixed one's
    shots = sorted(p.name for p in (tmp_path / "art").glob("*.png"))
    assert len(shots) == 2 and [n.rsplit("--", 1)[1] for n in shots] == ["closed.png", "open.png"]
    assert len(list((tmp_path / "art").glob("*.json"))) == 4  # axe-core's results for every state


def test_unreachable_url_is_an_error(tmp_path):
    url = f"http://127.0.0.1:{unused_port()}/help"
    run = run_cxgov("wcag", url, "--artifacts", str(tmp_path), cwd=tmp_path)
    assert run.code == 2 and run.stdout == ""
    assert f"cxgov: error: {url}: page failed to load: net::ERR_CONNECTION_REFUSED" in run.stderr


def test_http_errors_and_missing_files_are_errors_whether_scanned_at_once_or_after_steps(example_ui, tmp_path):
    missing_page, missing_file = example_ui + "no-such-page/", (tmp_path / "missing.html").as_uri()
    after_steps = tmp_path / "states.yaml"
    after_steps.write_text(yaml.safe_dump([{"goto": missing_page}, {"scan": "moved"}]))
    cases = [((missing_page,), f"{missing_page}: page answered HTTP 404"),
             ((missing_file,), f"{missing_file}: page failed to load: net::ERR_FILE_NOT_FOUND"),
             ((example_ui + "fixed/help/", "--states", str(after_steps)), f"{missing_page}: page answered HTTP 404")]
    for args, message in cases:
        run = run_cxgov("wcag", *args, "--artifacts", str(tmp_path / "art"), cwd=tmp_path)
        assert run.code == 2 and run.stdout == "", run.stderr
        assert message in run.stderr
    assert not list((tmp_path / "art").glob("*.png"))


def test_step_whose_selector_never_appears_is_an_error_within_its_timeout(example_ui, tmp_path):
    states = tmp_path / "states.yaml"
    states.write_text(yaml.safe_dump([{"click": "#acme-chat-launcher"},
                                      {"wait_for": {"selector": "#no-such-panel", "timeout": 2}}, {"scan": "open"}]))
    started = time.monotonic()
    run = run_cxgov("wcag", example_ui + "fixed/help/", "--states", str(states), "--artifacts", str(tmp_path),
                    cwd=tmp_path)
    assert run.code == 2, run.stderr
    assert "[1]: wait_for: no visible element matches '#no-such-panel' within 2 s" in run.stderr
    assert time.monotonic() - started < 60


def test_page_that_hangs_is_an_error_within_the_page_timeout(tmp_path):
    with hanging_server() as url:
        started = time.monotonic()
        run = run_cxgov("wcag", url, "--page-timeout", "3", "--artifacts", str(tmp_path), cwd=tmp_path)
        elapsed = time.monotonic() - started
    assert run.code == 2
    assert f"cxgov: error: {url}: page did not load within 3 s" in run.stderr
    assert elapsed < 60


# --- the descriptor's entry points through `cxgov check` ----------------------------------------

def system_descriptor(entry_points):
    return {
        "apiVersion": "cxgov.io/v1", "kind": "AISystem", "metadata": {"name": "widget-test"},
        "channels": [{"type": "chat", "url": DECLARED}],
        "ai_disclosure": {"enabled": True, "timing": "pre_interaction", "channels": ["chat"],
                          "element_selector": NOTICE},
        "ui": {"entry_points": entry_points, "scan_states": ["closed"]},
    }


@pytest.fixture(scope="module")
def widget_copies(tmp_path_factory):
    """The fixed widget, and copies of it with the AI notice removed and hidden, served together."""
    root = tmp_path_factory.mktemp("ui")
    shutil.copytree(EXAMPLE_UI, root, dirs_exist_ok=True)
    page = (EXAMPLE_UI / "fixed" / "help" / "index.html").read_text()
    start = page.index(f'<p id="{NOTICE[1:]}"')
    end = page.index("</p>", start) + len("</p>")
    for name, text in {"removed": page[:start] + page[end:],
                       "hidden": page.replace(f'<p id="{NOTICE[1:]}"', f'<p id="{NOTICE[1:]}" hidden')}.items():
        (root / name / "help").mkdir(parents=True)
        (root / name / "help" / "index.html").write_text(text)
    with serving(root) as url:
        yield url


def check(tmp_path, descriptor, *args):
    (tmp_path / "descriptor.yaml").write_text(yaml.safe_dump(descriptor))
    return run_cxgov("check", "descriptor.yaml", "--evaluation-date", EVALUATION_DATE, "-o", "json", *args,
                     cwd=tmp_path)


def test_disclosure_check_fails_when_the_notice_is_removed_or_hidden(widget_copies, tmp_path):
    entry_points = [{"name": name, "url": f"https://www.acme-shop.eu/{name}/help", "states": [{"scan": "closed"}]}
                    for name in ("fixed", "removed", "hidden")]
    run = check(tmp_path, system_descriptor(entry_points), "--ui-base-url", widget_copies.rstrip("/"))
    assert run.code == 1, run.stderr
    doc = json.loads(run.stdout)
    disclosure = sorted(f["message"] for f in doc["findings"] if f["rule_id"] == "AIACT-50-06")
    assert disclosure == [
        f"the AI disclosure ({NOTICE}) is not on https://www.acme-shop.eu/removed/help in its first state (closed)",
        f"the AI disclosure ({NOTICE}) is on https://www.acme-shop.eu/hidden/help but hidden in its first state "
        "(closed)",
    ]
    # the scans are in the run, under the declared URLs, and the fixed page raised no WCAG finding
    ids = {s["id"] for s in doc["subjects"] if s["kind"] == "ui-scan"}
    assert ids == {f"https://www.acme-shop.eu/{n}/help#closed" for n in ("fixed", "removed", "hidden")}
    scan_rules = {"WCAG-A-AA-01", "WCAG-A-AA-02", "WCAG-INC-01", "WCAG-SCAN-01", "AIACT-50-05"}
    assert not [f for f in doc["findings"] if f["rule_id"] in scan_rules]


def test_declared_ui_that_cannot_be_scanned_fails_closed(tmp_path):
    port = unused_port()
    descriptor = system_descriptor([{"name": "help", "url": f"http://127.0.0.1:{port}/help"}])
    run = check(tmp_path, descriptor)
    assert run.code == 2 and run.stdout == ""
    assert f"http://127.0.0.1:{port}/help: page failed to load" in run.stderr
    assert "entry point 'help' (descriptor.yaml: ui.entry_points[0])" in run.stderr


def test_no_ui_is_reported_and_leaves_coverage_findings(tmp_path):
    descriptor = system_descriptor([{"name": "help", "url": DECLARED}])
    run = check(tmp_path, descriptor, "--no-ui")
    assert "--no-ui: 1 UI entry point(s) declared in descriptor.yaml were not scanned" in run.stderr
    doc = json.loads(run.stdout)
    scan_01 = sorted(f["message"] for f in doc["findings"] if f["rule_id"] == "WCAG-SCAN-01")
    assert scan_01 == [
        "UI entry point help (https://www.acme-shop.eu/help) was not scanned",
        "no UI scan results for the state(s) closed: the chat widget is not known to be accessible in them",
    ]
    assert run.code == 1


def test_pages_scanned_in_one_browser_do_not_share_storage(tmp_path):
    # the page shows an image without alt text when it finds anything stored by an earlier visit
    page = """<!DOCTYPE html><html lang="en"><head><title>Storage</title></head><body><main><h1>Storage</h1>
<script>
if (localStorage.getItem("seen") || sessionStorage.getItem("seen") || document.cookie.indexOf("seen=") >= 0) {
  var img = document.createElement("img"); img.src = "x.png"; document.querySelector("main").appendChild(img);
}
localStorage.setItem("seen", "1"); sessionStorage.setItem("seen", "1"); document.cookie = "seen=1; path=/";
</script></main></body></html>"""
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(page)
    with serving(tmp_path) as url:
        targets = ui_targets([{"name": "a", "url": f"{url}a/"}, {"name": "b", "url": f"{url}b/"},
                              {"name": "a-again", "url": f"{url}a/?again"}])
        subjects = list(UISource(targets, artifacts_dir=tmp_path / "out", jobs=1).subjects())
    assert [s.document["page"] for s in subjects] == ["a", "b", "a-again"]
    assert [violations(s) for s in subjects] == [{}, {}, {}]


def test_strict_setting_makes_other_a_aa_failures_deny(example_ui, tmp_path):
    strict = tmp_path / "strict.json"
    strict.write_text(json.dumps({"cxgov": {"config": {"a11y": {"strict": True}}}}))
    gates = {}
    for extra in ((), ("-d", str(strict))):
        run = run_cxgov("wcag", example_ui + "broken/help/", "--artifacts", str(tmp_path / "art"), "--evaluation-date",
                        EVALUATION_DATE, "-o", "json", *extra, cwd=tmp_path)
        assert run.code == 1, run.stderr
        gates[bool(extra)] = {f["resource"]: f["gate"] for f in json.loads(run.stdout)["findings"]
                              if f["rule_id"] == "WCAG-A-AA-02"}
    assert gates == {False: {"meta-viewport": "warn"}, True: {"meta-viewport": "deny"}}


def test_the_headless_shell_is_preferred_and_the_error_names_what_to_install(tmp_path, monkeypatch):
    chromedriver = BrowserSettings.resolve().chromedriver  # the real one, wherever this machine has it
    monkeypatch.delenv("CXGOV_CHROME", raising=False)
    shell, full = tmp_path / "chromium-headless-shell", tmp_path / "chromium"
    monkeypatch.setattr(ui_browser, "DEFAULT_CHROMES", (str(shell), str(full)))
    with pytest.raises(SourceError) as missing:
        BrowserSettings.resolve(chromedriver=chromedriver)
    assert missing.value.where == str(full) and "not found" in str(missing.value)
    for binary in (full, shell):
        binary.write_text("#!/bin/sh\n")
        binary.chmod(0o755)
        assert BrowserSettings.resolve(chromedriver=chromedriver).chrome == str(binary)


def test_a_closed_browser_leaves_no_profile_behind(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the browser's HOME and profile go
    browser = Browser(BrowserSettings.resolve())
    try:
        browser.driver.get("data:text/html,<title>t</title>")
        profiles = [p for p in tmp_path.rglob("*") if p.name == "Local State"]
        assert profiles and all(p.is_relative_to(browser.profile) for p in profiles)
    finally:
        browser.close()
    assert list(tmp_path.iterdir()) == []


def test_cxgov_wcag_loads_every_builtin_package_that_judges_a_scan():
    """`cxgov wcag` loads only the packs with ui-scan rules (UI_PACKS): no other builtin package
    may judge a scan, or the command would leave its rules out."""
    from cxgov.commands.wcag import UI_PACKS
    from cxgov.engine.policyset import builtin_pack_paths, load

    def judging_scans(policies):
        return {plan.package for plan in policies.plan(["main"], kinds={"ui-scan"})}

    everything = judging_scans(load([], [], builtin=True))
    assert everything == judging_scans(load(builtin_pack_paths(UI_PACKS), []))
    assert {"cxgov.wcag.wcag_a_aa_01", "cxgov.wcag.wcag_a_aa_02", "cxgov.wcag.wcag_scan_01"} <= everything
