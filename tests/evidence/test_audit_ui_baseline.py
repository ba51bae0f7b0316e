"""`ui.baseline` in cxgov.yaml: `cxgov audit` scans the example widget (real Chromium and axe-core)
and applies the reviewed baseline as `cxgov wcag --baseline` does; the bundle keeps the file, and
`cxgov evidence replay` applies it again and reproduces the findings byte for byte."""

from __future__ import annotations

import json

import yaml

from conftest import EVALUATION_DATE, run_cxgov
from evidence_bundles import AUDIT_TIMEOUT
from ui_support import DECLARED, serving

REVIEW = {"reason": "legacy theme, replaced by the redesign", "requested_by": "web-team@acme-shop.eu",
          "approved_by": "a11y-lead@acme-shop.eu", "ticket": "ACME-812", "expires": "2027-01-15"}
STEPS = [{"scan": "closed"}, {"click": "#acme-chat-launcher"}, {"wait_for": "#acme-chat-input"}, {"scan": "open"}]


def config(baseline: str | None) -> str:
    ui = {"entry_points": [{"name": "help", "url": DECLARED + "/", "states": STEPS}]}
    if baseline:
        ui["baseline"] = baseline
    return yaml.safe_dump({"system": "widget", "ui": ui, "policies": {"builtin": ["wcag"]},
                           "models": {"skip": "no registry: the widget alone"}})


def audit(tmp_path, url, out):
    return run_cxgov("audit", "--evaluation-date", EVALUATION_DATE, "--out", str(tmp_path / out), "--unsigned",
                     "-o", "json", "--ui-base-url", url + "broken", cwd=tmp_path, timeout=AUDIT_TIMEOUT)


def test_the_audit_applies_the_configured_baseline_and_replay_reproduces_it(tmp_path):
    with serving() as url:
        (tmp_path / "cxgov.yaml").write_text(config(None))
        first = audit(tmp_path, url, "plain")
        assert first.code == 1, first.stderr  # the broken widget fails on its own
        failing = [f for f in json.loads(first.stdout)["findings"] if not f["waiver"] and f["gate"] == "deny"]
        assert failing
        written = run_cxgov("wcag", "--states", str(_states(tmp_path)), "--base-url", url + "broken",
                            "--artifacts", str(tmp_path / "art"), "--evaluation-date", EVALUATION_DATE,
                            "--write-baseline", str(tmp_path / "ui-baseline.yaml"), cwd=tmp_path)
        assert written.code == 1, written.stderr
        baseline = yaml.safe_load((tmp_path / "ui-baseline.yaml").read_text())
        (tmp_path / "ui-baseline.yaml").write_text(yaml.safe_dump({**baseline, **REVIEW}))

        (tmp_path / "cxgov.yaml").write_text(config("ui-baseline.yaml"))
        second = audit(tmp_path, url, "baselined")
    assert second.code == 0, second.stdout[-2000:] + second.stderr
    findings = json.loads(second.stdout)["findings"]
    known = [f for f in findings if f["waiver"] and f["waiver"]["kind"] == "baseline"]
    assert {(f["rule_id"], f["subject"]) for f in known} >= {(f["rule_id"], f["subject"]) for f in failing
                                                            if f["rule_id"].startswith("WCAG-A-AA")}
    bundle = tmp_path / "baselined"
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["evaluation"]["ui_baseline"] == {"file": "config/ui-baseline.yaml", "name": "ui-baseline.yaml"}
    assert (bundle / "config" / "ui-baseline.yaml").read_text() == (tmp_path / "ui-baseline.yaml").read_text()
    replay = run_cxgov("evidence", "replay", str(tmp_path / "baselined.tar.gz"), "--allow-unsigned", cwd=tmp_path)
    assert replay.code == 0 and "REPRODUCED" in replay.stdout, replay.stdout + replay.stderr


def test_a_configured_baseline_that_is_missing_is_an_error(tmp_path):
    (tmp_path / "cxgov.yaml").write_text(config("nowhere.yaml"))
    with serving() as url:
        run = audit(tmp_path, url, "out")
    assert run.code == 2 and "nowhere.yaml" in run.stderr
    assert not (tmp_path / "out").exists()


def _states(tmp_path):
    path = tmp_path / "states.yaml"
    path.write_text(yaml.safe_dump({"entry_points": [{"name": "help", "url": DECLARED + "/", "states": STEPS}]}))
    return path
