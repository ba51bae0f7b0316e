"""UI baselines through the real `cxgov wcag` (headless Chromium, axe-core, the behavioural checks and the
wcag pack) on the example chat widget: a baseline written from a scan applies once reviewed; known
violations are reported as baselined (waived, visible), new ones fail, fixed ones are reported, and an
expired, self-approved or incomplete entry never hides a violation."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import EVALUATION_DATE, run_cxgov
from ui_support import serving

DECLARED = "https://www.acme-shop.eu/help"
TRAP = "https://www.acme-shop.eu/help-trap"
REVIEW = {"reason": "legacy theme, replaced by the redesign", "requested_by": "web-team@acme-shop.eu",
          "approved_by": "a11y-lead@acme-shop.eu", "ticket": "ACME-812", "expires": "2027-01-15"}
STEPS = [{"scan": "closed"}, {"click": "#acme-chat-launcher"}, {"wait_for": "#acme-chat-input"}, {"scan": "open"}]


@pytest.fixture(scope="module")
def example():
    with serving() as url:
        yield url


def states_file(tmp_path, base: str, trap: str | None = None):
    """Entry points under their declared URLs, scanned on the local copy `base` (broken or fixed)."""
    entry_points = [{"name": "help", "url": DECLARED + "/", "states": STEPS}]
    if trap:
        entry_points.append({"name": "trap", "url": TRAP + "/", "states": STEPS})
    path = tmp_path / "states.yaml"
    path.write_text(yaml.safe_dump({"entry_points": entry_points}))
    return path


def wcag(example, tmp_path, version, *args, trap=False):
    # both declared pages are served from one origin: /help/ from the version, /help-trap/ from a variant
    site = tmp_path / f"site-{version}"
    if not site.exists():
        import shutil

        from ui_support import EXAMPLE_UI

        site.mkdir()
        for name in ("chat-widget.js", "chat-widget.css", "agent-sam.svg"):
            shutil.copy(EXAMPLE_UI / name, site / name)
        shutil.copytree(EXAMPLE_UI / version / "help", site / "v" / "help")
        shutil.copytree(EXAMPLE_UI / "variants" / "keyboard-trap" / "help", site / "v" / "help-trap")
        for page in (site / "v" / "help" / "index.html", site / "v" / "help-trap" / "index.html"):
            page.write_text(page.read_text().replace("../../../", "../../"))
    with serving(site) as url:
        run = run_cxgov("wcag", "--states", str(states_file(tmp_path, version, trap)), "--base-url", url + "v",
                        "--artifacts", str(tmp_path / "art"), "--evaluation-date", EVALUATION_DATE, "-o", "json", *args,
                        cwd=tmp_path)
    return run, (json.loads(run.stdout) if run.stdout else None)


def key(f):
    return f["resource"], f["subject"].rsplit("#", 1)[1], tuple(f["metadata"].get("targets") or ())


@pytest.fixture(scope="module")
def written(example, tmp_path_factory):
    """The broken widget and the trap variant scanned once, their violations written as a baseline."""
    tmp = tmp_path_factory.mktemp("baseline")
    run, doc = wcag(example, tmp, "broken", "--write-baseline", str(tmp / "baseline.yaml"), trap=True)
    assert run.code == 1, run.stderr
    return tmp, yaml.safe_load((tmp / "baseline.yaml").read_text()), doc


def test_write_baseline_lists_every_violation_by_rule_state_and_target(written):
    tmp, baseline, doc = written
    assert (tmp / "baseline.yaml").read_text().startswith("# Known UI violations")
    assert {k: baseline[k] for k in REVIEW} == dict.fromkeys(REVIEW, "")
    entries = {(e["rule"], e["state"], e["target"], e["url"]) for e in baseline["violations"]}
    assert ("button-name", "open", "#acme-chat-close", DECLARED + "/") in entries
    assert ("color-contrast", "closed", "#acme-chat-ai-notice", DECLARED + "/") in entries
    assert ("cx-keyboard-trap", "open", "#acme-chat-messages", TRAP + "/") in entries
    expected = {(rule, state, target) for f in doc["findings"] for rule, state, targets in [key(f)] for target in targets}
    assert {(r, s, t) for r, s, t, _ in entries} == expected


def test_an_unreviewed_baseline_does_not_apply(example, written):
    tmp, baseline, _ = written
    run, doc = wcag(example, tmp, "broken", "--baseline", str(tmp / "baseline.yaml"), trap=True)
    assert run.code == 1
    problems = [f for f in doc["findings"] if f["rule_id"] == "GOV-002"]
    assert len(problems) == len(baseline["violations"])
    assert "does not apply: missing reason, approved_by, requested_by, ticket, expires" in problems[0]["message"]
    assert not [f for f in doc["findings"] if f["waiver"]]


def test_known_new_fixed_and_expired_entries(example, written):
    tmp, baseline, _ = written
    entries = [dict(e) for e in baseline["violations"]]
    new = next(e for e in entries if (e["rule"], e["state"], e["target"]) == ("button-name", "open", "#acme-chat-close"))
    expired = next(e for e in entries if (e["rule"], e["state"]) == ("html-has-lang", "open"))
    entries.remove(new)  # a violation the baseline does not know: new, and it fails the gate
    expired["expires"] = "2026-11-01"  # before the evaluation date: the entry does not apply
    gone = {"rule": "image-alt", "state": "closed", "target": "img.acme-chat__logo", "url": DECLARED + "/"}
    entries.append(gone)  # known once, no longer failing: fixed
    path = tmp / "reviewed.yaml"
    path.write_text(yaml.safe_dump({**REVIEW, "violations": entries}))
    run, doc = wcag(example, tmp, "broken", "--baseline", str(path), trap=True)
    assert run.code == 1, run.stderr
    by_key = {key(f)[:2] + (f["subject"].startswith(TRAP),): f for f in doc["findings"] if f["rule_id"].startswith("WCAG-A-AA")}
    close = by_key["button-name", "open", False]
    assert close["waiver"] is None and close["gate"] == "deny"
    assert close["metadata"]["baseline"]["new"] == ["#acme-chat-close"]
    assert sorted(close["metadata"]["baseline"]["known"]) == ["#acme-chat-launcher", ".acme-chat__send"]
    assert close["message"].endswith("(new since the baseline: #acme-chat-close)")
    contrast = by_key["color-contrast", "closed", False]
    assert contrast["metadata"]["baseline"] == "known" and contrast["waiver"]["approved_by"] == REVIEW["approved_by"]
    assert contrast["waiver"]["kind"] == "baseline" and contrast["waiver"]["expires"] == REVIEW["expires"]
    assert contrast["waiver"]["reason"].startswith("reviewed.yaml entry #")
    trap = by_key["cx-keyboard-trap", "open", True]
    assert trap["metadata"]["baseline"] == "known" and trap["waiver"] is not None
    lang = by_key["html-has-lang", "open", False]
    assert lang["waiver"] is None and lang["metadata"]["baseline"] == "new"
    [problem] = [f for f in doc["findings"] if f["rule_id"] == "GOV-002"]
    assert problem["message"].endswith("(html-has-lang on html in state open of https://www.acme-shop.eu/help/) "
                                       "does not apply: expired on 2026-11-01")
    assert problem["gate"] == "deny" and problem["location"]["file"] == "reviewed.yaml" and problem["location"]["line"]
    [fixed] = [f for f in doc["findings"] if f["rule_id"] == "WCAG-BASE-01"]
    assert fixed["subject"] == DECLARED + "/#closed" and fixed["gate"] == "warn" and fixed["severity"] == "info"
    assert fixed["message"] == (f"fixed since the baseline: image-alt no longer fails on img.acme-chat__logo in state "
                                f"closed; remove baseline entry #{len(entries)}")
    assert "new" in run.stderr and "known (baselined)" in run.stderr and "1 fixed" in run.stderr
    assert doc["verdict"]["counts"]["waived"] == sum(1 for f in doc["findings"] if f["waiver"])


def test_a_fully_known_scan_passes_and_a_fixed_widget_reports_every_entry_fixed(example, written):
    tmp, baseline, _ = written
    path = tmp / "all.yaml"
    path.write_text(yaml.safe_dump({**REVIEW, "violations": baseline["violations"]}))
    run, doc = wcag(example, tmp, "broken", "--baseline", str(path), trap=True)
    assert run.code == 0, [f["message"] for f in doc["findings"] if not f["waiver"]]
    assert doc["findings"] and all(f["waiver"] for f in doc["findings"])
    assert doc["verdict"]["counts"]["waived"] == len(doc["findings"])
    # the fixed widget under the same declared URL: nothing fails, every entry of its page is fixed
    run, doc = wcag(example, tmp, "fixed", "--baseline", str(path), trap=True)
    fixed = [f for f in doc["findings"] if f["rule_id"] == "WCAG-BASE-01"]
    help_entries = [e for e in baseline["violations"] if e["url"] == DECLARED + "/"]
    assert len(fixed) == len(help_entries) and run.code == 0
    assert {f["subject"] for f in fixed} == {DECLARED + "/#closed", DECLARED + "/#open"}
    # the trap variant is the same page in both runs: still known there
    assert all(f["waiver"] for f in doc["findings"] if f["rule_id"] != "WCAG-BASE-01")


def test_self_approved_and_malformed_baselines(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({**REVIEW, "violations": [{"rule": "color-contrast", "state": "closed"}]}))
    run = run_cxgov("wcag", str(tmp_path / "page.html"), "--baseline", str(bad), cwd=tmp_path)
    assert run.code == 2  # the page does not exist either; the command line names what is wrong
    (tmp_path / "page.html").write_text("<!DOCTYPE html><html lang='en'><head><title>t</title></head><body></body></html>")
    run = run_cxgov("wcag", str(tmp_path / "page.html"), "--baseline", str(bad), "--artifacts", str(tmp_path / "a"),
                    cwd=tmp_path)
    assert run.code == 2 and "baseline entry #1 must be a mapping with rule, state and target" in run.stderr
    assert not (tmp_path / "a").exists()  # refused before any scan

    from cxgov.sources import ui_baseline

    selfish = tmp_path / "self.yaml"
    selfish.write_text(yaml.safe_dump({**REVIEW, "approved_by": REVIEW["requested_by"],
                                       "violations": [{"rule": "region", "state": "load", "target": "main"}]}))
    entries, problems = ui_baseline.load(selfish, EVALUATION_DATE)
    assert entries == [] and "self-approved by web-team@acme-shop.eu" in problems[0].message
    far = tmp_path / "far.yaml"
    far.write_text(yaml.safe_dump({**REVIEW, "expires": "2027-06-01",
                                   "violations": [{"rule": "region", "state": "load", "target": "main"}]}))
    entries, problems = ui_baseline.load(far, EVALUATION_DATE)
    assert entries == [] and "more than 90 days after 2026-11-22" in problems[0].message
