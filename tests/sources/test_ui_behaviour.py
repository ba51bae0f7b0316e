"""The behavioural checks (cxgov/sources/ui_checks) in a real headless Chromium, on the example chat
widget served from 127.0.0.1, judged by the real wcag pack.

For every check, a broken variant of the widget (examples/acme-cx/ui/variants/<check>/, one defect
each) is found in the state, on the element and by the rule it is about, and only that; the fixed
widget (fixed/help/, and live-streaming-busy/ for streaming) passes every check in every state it
reaches. A widget built nothing like the example (tests/data/other-widget.html: a modal dialog, a
role=button launcher, a text area, German names) is judged from its own steps the same way. The
sections are the same on a second scan of an unchanged page (drift compares them).
"""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import EVALUATION_DATE, ROOT, run_cxgov
from ui_support import serving

from cxgov import pipeline
from cxgov.engine.embedded import EmbeddedEngine
from cxgov.engine.policyset import builtin_pack_paths, load
from cxgov.sources.interface import Given
from cxgov.sources.ui import UISource, scan_page, ui_targets

DESCRIPTOR = ROOT / "examples" / "acme-cx" / "noncompliant" / "cxgov" / "descriptor.yaml"
STATES = ["closed", "open", "streaming", "handoff", "error", "viewport-320"]
STEPS = yaml.safe_load(DESCRIPTOR.read_text())["ui"]["entry_points"][0]["states"]
# one message, scanned once the whole reply is there (a streamed reply ends with this text)
ANSWERED = [{"click": "#acme-chat-launcher"}, {"wait_for": "#acme-chat-input"}, {"scan": "open"},
            {"type": {"selector": "#acme-chat-input", "text": "Where is my order 4711?"}}, {"press": "Enter"},
            {"wait_for": {"text": "confirmation email.", "timeout": 20}}, {"scan": "answered"}]
OTHER_STEPS = [{"scan": "start"}, {"click": ".bubble"}, {"wait_for": ".compose"}, {"scan": "open"},
               {"type": {"selector": ".compose", "text": "Wo ist mein Paket?"}}, {"click": ".go"},
               {"wait_for": {"text": "Danke für Ihre Nachricht"}}, {"scan": "replied"}, {"viewport": "320x640"},
               {"scan": "narrow"}]

TYPING, HANDOFF, LAUNCHER, PANEL = "#acme-chat-typing", "#acme-chat-handoff", "#acme-chat-launcher", "#acme-chat-panel"
FOOTER_LINK = "footer.site-footer > a"
# (cxgov rule, violation id, state, failing element) each broken variant gives, and nothing else
EXPECTED = {
    "live-region": {("WCAG-413-01", "cx-live-region", "streaming", TYPING), ("WCAG-413-01", "cx-live-region", "handoff", TYPING),
                    ("WCAG-413-01", "cx-live-region", "handoff", HANDOFF), ("WCAG-413-01", "cx-live-region", "error", TYPING)},
    "live-politeness": {("WCAG-413-01", "cx-live-politeness", "handoff", "#acme-chat-messages")},
    "focus-on-open": {("WCAG-A-AA-01", "cx-focus-on-open", "open", LAUNCHER),
                      ("WCAG-A-AA-01", "cx-focus-on-open", "error", LAUNCHER)},
    "focus-return": {("WCAG-A-AA-01", "cx-focus-return", "open", LAUNCHER)},
    # at 320 px the open panel covers the page's last link: allowed only for content Escape dismisses
    "escape-closes": {("WCAG-A-AA-02", "cx-escape-closes", "open", PANEL),
                      ("WCAG-22-01", "cx-focus-obscured", "viewport-320", FOOTER_LINK)},
    "keyboard-trap": {("WCAG-A-AA-01", "cx-keyboard-trap", "open", "#acme-chat-messages")},
    "focus-obscured": {("WCAG-22-01", "cx-focus-obscured", state, FOOTER_LINK) for state in STATES},
    "reflow": {("WCAG-A-AA-01", "cx-reflow", "viewport-320", "#acme-chat")},
}


def scan_and_judge(targets, **kw):
    """The ui-scan subjects of `targets` and the wcag pack's findings on them, by (page, state)."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        subjects = list(UISource(targets, artifacts_dir=Path(tmp), jobs=2, **kw).subjects())
    result = pipeline.run([Given(subjects)], load(builtin_pack_paths(("wcag",)), []), EmbeddedEngine(),
                          pipeline.Options(evaluation_date=EVALUATION_DATE))
    return {(s.document["page"], s.document["state"]): s.document for s in subjects}, result


def behavioural(result, page: str) -> set[tuple[str, str, str, str]]:
    """(rule, violation id, state, element) of the findings about a behavioural check on `page`."""
    out = set()
    for f in result.findings:
        if f.resource.startswith("cx-") and f.subject.startswith(f"https://{page}.example/"):
            out |= {(f.rule_id, f.resource, f.metadata["state"], t) for t in f.metadata["targets"]}
    return out


@pytest.fixture(scope="module")
def example():
    with serving() as url:
        yield url


@pytest.fixture(scope="module")
def variants(example):
    """Every variant, the fixed and the broken widget through the descriptor's steps; the streaming
    pair through one message answered in full; the fixed widget twice (sameness)."""
    targets = []
    for name in ["fixed", "fixed-again", "broken", *EXPECTED]:
        base = "fixed" if name == "fixed-again" else name if name in ("fixed", "broken") else f"variants/{name}"
        targets += ui_targets([{"name": name, "url": f"https://{name}.example/help", "states": STEPS}],
                              base_url=example + base)
    for name in ("live-streaming", "live-streaming-busy"):
        targets += ui_targets([{"name": name, "url": f"https://{name}.example/help", "states": ANSWERED}],
                              base_url=example + f"variants/{name}")
    return scan_and_judge(targets)


@pytest.mark.parametrize("variant", sorted(EXPECTED))
def test_each_broken_variant_is_found_in_its_state_on_its_element_by_its_rule(variants, variant):
    documents, result = variants
    assert behavioural(result, variant) == EXPECTED[variant]
    # each finding names the rule that judged it, and where that rule is written
    for rule_id in {rule for rule, *_ in EXPECTED[variant]}:
        info = result.rules[rule_id]
        source = (ROOT / info.file).read_text()
        assert f"id: {rule_id}" in source, rule_id
        assert source.splitlines()[info.line - 1].startswith(("deny contains", "warn contains")), (rule_id, info.line)


def test_the_fixed_widget_passes_every_check_in_every_state(variants):
    documents, result = variants
    fixed = {state: doc["behaviour"] for (page, state), doc in documents.items() if page == "fixed"}
    assert list(fixed) == STATES
    assert behavioural(result, "fixed") == set()
    assert not [f for f in result.findings if f.subject.startswith("https://fixed.example/")]
    for state, section in fixed.items():
        assert section["violations"] == [] and section["incomplete"] == [], state
        assert section["engine"]["name"] == "cxgov-behaviour"
    status = {(state, name): check["status"] for state, section in fixed.items() for name, check in section["checks"].items()}
    # every check ran, and passed, where the steps give it something to judge
    passed = {(s, "live-announcements") for s in ("streaming", "handoff", "error")}
    passed |= {(s, "focus-on-open") for s in ("open", "error")}
    passed |= {("open", c) for c in ("focus-return", "escape-closes", "keyboard-trap")}
    passed |= {(s, c) for s in STATES for c in ("focus-obscured", "target-size")}
    passed |= {("viewport-320", "reflow")}
    assert {k for k, v in status.items() if v == "passed"} == passed
    assert {v for k, v in status.items() if k not in passed} == {"not-applicable"}


def test_an_unchanged_page_gives_the_same_sections(variants):
    documents, _ = variants
    for state in STATES:
        assert documents["fixed", state]["behaviour"] == documents["fixed-again", state]["behaviour"], state


def test_streaming_without_aria_busy_is_found_and_with_it_passes(variants):
    documents, result = variants
    [(rule, rule_id, state, target)] = behavioural(result, "live-streaming")
    assert (rule, rule_id, state) == ("WCAG-413-01", "cx-live-streaming", "answered")
    assert target.startswith("li.") and target.endswith(":nth-child(3)")  # the reply, after greeting and question
    finding = next(f for f in result.findings if f.resource == "cx-live-streaming")
    assert finding.gate == "warn" and finding.controls["wcag22"] == ["4.1.3"]
    assert behavioural(result, "live-streaming-busy") == set()
    assert documents["live-streaming-busy", "answered"]["behaviour"]["checks"]["live-announcements"]["status"] == "passed"


def test_the_broken_widget_fails_live_announcements_beside_axe_core(variants):
    documents, result = variants
    assert behavioural(result, "broken") == {
        ("WCAG-413-01", "cx-live-region", "streaming", TYPING), ("WCAG-413-01", "cx-live-region", "handoff", TYPING),
        ("WCAG-413-01", "cx-live-region", "handoff", HANDOFF), ("WCAG-413-01", "cx-live-region", "error", TYPING)}
    typing = next(n for v in documents["broken", "streaming"]["behaviour"]["violations"] for n in v["nodes"])
    assert typing["failureSummary"] == 'appeared outside any live region: screen readers do not announce it ("…")'


def test_small_targets_are_reported_once_by_axe_core_or_by_the_check(example, tmp_path):
    """The rating buttons of the target-size variant: axe-core's target-size rule reports them where it
    sees them, and the check leaves them to it; with that rule off, the check finds them itself; and
    targets scrolled out of view inside a transcript, which axe-core does not judge, the check does."""
    name = "target-size"
    rating = {'button[aria-label="Helpful"]', 'button[aria-label="Not helpful"]'}
    target = ui_targets([{"name": name, "url": f"https://{name}.example/help", "states": STEPS[:4]}],
                        base_url=example + f"variants/{name}")
    for axe_options in (None, '{"rules": {"target-size": {"enabled": false}}}'):
        documents, result = scan_and_judge(target, axe_options=axe_options)
        doc = documents[name, "open"]
        axe = {n["target"][0] for v in doc["axe"]["violations"] if v["id"] == "target-size" for n in v["nodes"]}
        cx = {n["target"][0] for v in doc["behaviour"]["violations"] for n in v["nodes"]}
        if axe_options is None:
            assert (axe, cx) == (rating, set())
        else:
            assert axe == set() and cx == {"div.acme-chat__rate > button:nth-child(1)",
                                           "div.acme-chat__rate > button:nth-child(2)"}
            assert {(r, v, s) for r, v, s, _ in behavioural(result, name)} == {("WCAG-A-AA-01", "cx-target-size", "open")}
    page = tmp_path / "log.html"
    page.write_text("""<!DOCTYPE html><html lang="en"><head><title>Log</title></head><body><main>
<ul id="log" role="log" style="height:100px;overflow:auto" tabindex="0" aria-label="Messages">
<li>Hello <button class="chip" style="width:18px;height:18px;padding:0" aria-label="Yes">Y</button><button class="chip"
 style="width:18px;height:18px;padding:0" aria-label="No">N</button></li><li style="height:300px">A long answer</li></ul>
<script>document.getElementById("log").scrollTop = 400;</script></main></body></html>""")
    document = scan_page(page, artifacts_dir=tmp_path / "art").document
    assert not [v for v in document["axe"]["violations"] if v["id"] == "target-size"]
    [small] = document["behaviour"]["violations"]
    assert small["id"] == "cx-target-size" and small["tags"][:3] == ["cat.behaviour", "wcag22aa", "wcag258"]
    assert [n["target"] for n in small["nodes"]] == [["button.chip:nth-child(1)"], ["button.chip:nth-child(2)"]]
    assert small["nodes"][0]["failureSummary"].startswith("18 x 18 CSS px, and a 24 px circle around it overlaps")


def test_a_widget_built_differently_is_judged_from_its_own_steps(tmp_path):
    """tests/data/other-widget.html: a modal dialog opened by a role=button, a text area and a link
    button, German names. Fixed, every check passes; `?broken`, each defect is found."""
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "index.html").write_text((ROOT / "tests" / "data" / "other-widget.html").read_text())
    with serving(tmp_path) as url:
        targets = [t for name, query in (("other", ""), ("other-slide", "?slide"), ("other-broken", "?broken"))
                   for t in ui_targets([{"name": name, "url": f"https://{name}.example/w/{query}", "states": OTHER_STEPS}],
                                       base_url=url.rstrip("/"))]
        documents, result = scan_and_judge(targets)
    for page in ("other", "other-slide"):  # removed from the layout when closed, or slid out of the window
        assert behavioural(result, page) == set(), [f.message for f in result.findings]
        fixed = {name: c["status"] for name, c in documents[page, "open"]["behaviour"]["checks"].items()}
        assert {k for k, v in fixed.items() if v == "passed"} >= {"focus-on-open", "focus-return", "escape-closes",
                                                                  "keyboard-trap", "focus-obscured", "target-size"}
    found = behavioural(result, "other-broken")
    assert ("WCAG-A-AA-01", "cx-focus-on-open", "open", ".bubble") in found
    assert ("WCAG-A-AA-01", "cx-keyboard-trap", "open", "#compose") in found
    assert ("WCAG-A-AA-01", "cx-escape-closes", "open", ".sheet") in found  # a modal dialog: serious
    assert ("WCAG-413-01", "cx-live-region", "replied", ".note") in found
    assert ("WCAG-A-AA-01", "cx-reflow", "narrow", ".sheet") in found
    small = {f.resource for f in result.findings if f.subject.startswith("https://other-broken.example/")
             and ".x" in (f.metadata.get("targets") or []) and "2.5.8" in f.controls.get("wcag22", [])}
    assert small, "the 16 px close button (2.5.8), by axe-core's target-size or the check"


def test_cxgov_wcag_reports_a_broken_variant_with_state_selector_and_rule(example, tmp_path):
    states = tmp_path / "states.yaml"
    states.write_text(yaml.safe_dump(STEPS[:4]))
    run = run_cxgov("wcag", example + "variants/keyboard-trap/help/", example + "fixed/help/", "--states", str(states),
                    "--artifacts", str(tmp_path / "art"), "--evaluation-date", EVALUATION_DATE, "-o", "json",
                    "-o", f"sarif={tmp_path / 'out.sarif'}", cwd=tmp_path)
    assert run.code == 1, run.stderr
    doc = json.loads(run.stdout)
    [trap] = [f for f in doc["findings"] if f["resource"] == "cx-keyboard-trap"]
    assert trap["rule_id"] == "WCAG-A-AA-01" and trap["gate"] == "deny"
    assert trap["subject"] == example + "variants/keyboard-trap/help/#open"
    assert trap["metadata"]["targets"] == ["#acme-chat-messages"] and trap["metadata"]["state"] == "open"
    assert trap["controls"]["wcag22"] == ["2.1.2", "A/AA"]
    assert "Tab does not move focus away from #acme-chat-messages" in trap["message"]
    source = doc["rules"]["WCAG-A-AA-01"]["source"]
    assert source["file"].endswith("policies/wcag/wcag_a_aa_01_critical_serious_failures.rego") and source["line"] >= 1
    assert not [f for f in doc["findings"] if "/fixed/" in f["subject"]]
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    assert any("cx-keyboard-trap" in r["message"]["text"] for r in sarif["runs"][0]["results"])


INLINE = """<!DOCTYPE html><html lang="en"><head><title>Chat</title></head><body><main>
<h1>Ask us</h1>
<section class="chat" aria-label="Chat"><ol class="history" role="log" tabindex="0" aria-label="History"></ol>
<label>Question <input class="ask"></label> <button class="send" type="button">Ask</button></section>
<p><a href="#top">Top</a></p>
<script>
var log = document.querySelector(".history"), ask = document.querySelector(".ask");
document.querySelector(".send").addEventListener("click", function () {
  var li = document.createElement("li"); li.textContent = "You: " + ask.value; log.appendChild(li); ask.value = "";
  setTimeout(function () { var a = document.createElement("li"); a.textContent = "We will answer soon."; log.appendChild(a); }, 100);
});
if (location.search.indexOf("trap") >= 0) {
  log.addEventListener("keydown", function (e) { if (e.key === "Tab") { e.preventDefault(); } });
}
</script></main></body></html>"""


def test_a_chat_always_on_the_page_is_walked_for_traps_where_the_steps_left_it(tmp_path):
    (tmp_path / "chat").mkdir()
    (tmp_path / "chat" / "index.html").write_text(INLINE)
    steps = [{"type": {"selector": ".ask", "text": "Opening hours?"}}, {"click": ".send"},
             {"wait_for": {"text": "We will answer soon."}}, {"scan": "answered"}]
    with serving(tmp_path) as url:
        targets = [t for name, query in (("inline", ""), ("inline-trap", "?trap"))
                   for t in ui_targets([{"name": name, "url": f"https://{name}.example/chat/{query}", "states": steps}],
                                       base_url=url.rstrip("/"))]
        documents, result = scan_and_judge(targets)
    assert behavioural(result, "inline") == set()
    checks = documents["inline", "answered"]["behaviour"]["checks"]
    assert checks["keyboard-trap"]["status"] == "passed" and checks["live-announcements"]["status"] == "passed"
    assert checks["escape-closes"]["status"] == "not-applicable"  # nothing to close
    assert behavioural(result, "inline-trap") == {("WCAG-A-AA-01", "cx-keyboard-trap", "answered", ".history")}


def test_a_close_the_steps_perform_is_judged_where_it_happens(example):
    steps = [{"click": "#acme-chat-launcher"}, {"wait_for": "#acme-chat-input"}, {"scan": "open"},
             {"click": "#acme-chat-close"}, {"scan": "closed-again"}]
    targets = [t for name in ("fixed", "focus-return") for t in ui_targets(
        [{"name": f"close-{name}", "url": f"https://close-{name}.example/help", "states": steps}],
        base_url=example + (name if name == "fixed" else f"variants/{name}"))]
    documents, result = scan_and_judge(targets)
    assert behavioural(result, "close-fixed") == set()
    assert documents["close-fixed", "closed-again"]["behaviour"]["checks"]["focus-return"]["status"] == "passed"
    assert behavioural(result, "close-focus-return") == {("WCAG-A-AA-01", "cx-focus-return", state, LAUNCHER)
                                                         for state in ("open", "closed-again")}
    [node] = [n for v in documents["close-focus-return", "closed-again"]["behaviour"]["violations"] for n in v["nodes"]]
    assert node["failureSummary"] == ("the click on #acme-chat-close closed the widget but focus went back to the page "
                                      "(body), not on the launcher")
