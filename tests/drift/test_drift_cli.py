"""`cxgov drift check` and `drift history` end to end: real `cxgov check` reports of the acme-cx example,
a real SQLite state file, a real webhook receiver on 127.0.0.1, real metrics files."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from conftest import EVALUATION_DATE, ROOT, run_cxgov
from drift_support import CHECK_FILES, OPT_OUT_RULES, WebhookReceiver, add_us_log_sink, failing_rules

CHECK = (*CHECK_FILES, "--evaluation-date", EVALUATION_DATE)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The compliant example's report (the baseline) and the report after a US log sink was added."""
    tmp = tmp_path_factory.mktemp("drift")
    system = tmp / "acme-cx"
    shutil.copytree(ROOT / "examples" / "acme-cx" / "compliant", system)
    assert run_cxgov(*CHECK, "-o", f"json={tmp / 'baseline.json'}", cwd=system).code == 1
    original = add_us_log_sink(system)
    assert run_cxgov(*CHECK, "-o", f"json={tmp / 'us-sink.json'}", cwd=system).code == 1
    (system / "cxgov" / "descriptor.yaml").write_text(original)
    assert run_cxgov(*CHECK, "-o", f"json={tmp / 'restored.json'}", cwd=system).code == 1
    assert failing_rules(tmp / "baseline.json") == failing_rules(tmp / "restored.json") == OPT_OUT_RULES
    assert failing_rules(tmp / "us-sink.json") == OPT_OUT_RULES | {"RES-003"}
    return tmp


@pytest.fixture
def work(tmp_path, reports):
    """A directory where `current.json` is the run to compare; switch() swaps in another report."""
    for name in ("baseline.json", "us-sink.json", "restored.json"):
        shutil.copy(reports / name, tmp_path / name)
    shutil.copy(reports / "baseline.json", tmp_path / "current.json")
    return tmp_path


def switch(work, name):
    shutil.copy(work / name, work / "current.json")


def drift(work, *args):
    return run_cxgov("drift", "check", "--baseline", "baseline.json", "--allow-unsigned", "--current", "current.json",
                     "--state", "state.db", *args, cwd=work)


def test_us_log_sink_is_detected_named_and_resolved_with_one_alert_per_change(work):
    with WebhookReceiver() as hook:
        hooked = ("--webhook", hook.url, "-o", "text", "-o", "json=drift.json", "-o", "markdown=drift.md")
        clean = drift(work, *hooked)
        assert clean.code == 0 and "NO DRIFT" in clean.stdout, clean.stderr
        assert hook.bodies == []  # clean from the start: nothing to alert

        switch(work, "us-sink.json")
        drifted = drift(work, *hooked)
        assert drifted.code == 1, drifted.stderr
        assert "RES-003" in drifted.stdout and "debug-logs: region us-east-1 (US)" in drifted.stdout
        assert "FAILS GATE" in drifted.stdout and "gdpr:Art.45" in drifted.stdout
        report = json.loads((work / "drift.json").read_text())
        assert report["status"] == "drift" and report["exit_code"] == 1
        new = {c["rule_id"] for c in report["drift"]["findings"] if c["change"] == "new"}
        assert "RES-003" in new and report["drift"]["fails_gate"] is True
        assert "| new | `RES-003` |" in (work / "drift.md").read_text()
        [alert] = hook.bodies
        assert alert["status"] == "drift" and alert["fails_gate"] is True and alert["system"] == "acme-cx"
        assert alert["content_type"] == "application/json" and alert["path"] == "/hooks/T0-secret-token"
        assert "RES-003" in {c["rule_id"] for c in alert["findings"]}
        assert alert["report"] == str((work / "drift.json").resolve())
        assert alert["text"].startswith("cxgov drift on acme-cx: ")

        again = drift(work, *hooked)
        assert again.code == 1 and len(hook.bodies) == 1  # the same drift is not alerted twice

        switch(work, "restored.json")
        restored = drift(work, *hooked)
        assert restored.code == 0 and "NO DRIFT" in restored.stdout
        assert [b["status"] for b in hook.bodies] == ["drift", "resolved"]
        assert hook.bodies[1]["previous_fingerprint"] == alert["fingerprint"]

    history = run_cxgov("drift", "history", "--state", "state.db", "-o", "json", cwd=work)
    assert history.code == 0
    data = json.loads(history.stdout)
    assert [r["status"] for r in data["runs"]] == ["ok", "drift", "drift", "ok"]
    [res003] = [e for e in data["findings"] if e["rule_id"] == "RES-003"]
    assert (res003["first_run"], res003["resolved_run"]) == (2, 4) and res003["time_to_remediate"] >= 0
    text = run_cxgov("drift", "history", "--state", "state.db", cwd=work).stdout
    assert "RES-003" in text and "first seen run 2" in text and "resolved run 4" in text


def test_unreadable_current_run_is_an_errored_run_never_clean(work):
    switch(work, "us-sink.json")
    assert drift(work, "--metrics", "cxgov.prom").code == 1
    (work / "current.json").write_text("{ not json")
    errored = drift(work, "--metrics", "cxgov.prom", "-o", "json=drift.json")
    assert errored.code == 2
    assert "current.json" in errored.stderr and "cannot read the JSON report" in errored.stderr
    report = json.loads((work / "drift.json").read_text())
    assert report["status"] == "errored" and report["drift"] is None
    metrics = (work / "cxgov.prom").read_text()
    assert 'cxgov_drift_up{system="acme-cx"} 0' in metrics
    # the last successful run's findings and time stay in the metrics
    assert 'cxgov_findings{system="acme-cx",framework="gdpr",severity="critical",gate="deny"} 1' in metrics
    assert "cxgov_drift_last_success_timestamp_seconds{" in metrics
    db = sqlite3.connect(work / "state.db")
    assert db.execute("SELECT status, exit_code FROM runs ORDER BY id").fetchall() == [("drift", 1), ("errored", 2)]
    assert db.execute("SELECT COUNT(*) FROM findings WHERE run_id = 1").fetchone()[0] > 0


def test_metrics_count_findings_by_framework_severity_and_gate(work):
    switch(work, "us-sink.json")
    assert drift(work, "--metrics", "out/cxgov.prom").code == 1
    metrics = (work / "out" / "cxgov.prom").read_text()
    current = json.loads((work / "us-sink.json").read_text())["findings"]
    expected = sum(1 for f in current if "gdpr" in f["controls"] and f["gate"] == "warn" and f["severity"] == "high"
                   and not f["waiver"])
    assert f'cxgov_findings{{system="acme-cx",framework="gdpr",severity="high",gate="warn"}} {expected}' in metrics
    assert 'cxgov_drift_detected{system="acme-cx"} 1' in metrics
    assert 'cxgov_drift_changes{system="acme-cx",change="fails_gate"} 1' in metrics
    assert 'cxgov_drift_up{system="acme-cx"} 1' in metrics
    assert not list((work / "out").glob(".*tmp"))  # written atomically: no temporary file left


def test_webhook_retries_then_delivers_and_a_dead_webhook_fails_the_run(work):
    switch(work, "us-sink.json")
    with WebhookReceiver() as hook:
        hook.fail_next = 2
        run = drift(work, "--webhook", hook.url, "--webhook-retries", "3", "--webhook-timeout", "5")
        assert run.code == 1 and hook.attempts == 3 and len(hook.bodies) == 1
    with WebhookReceiver() as hook:
        switch(work, "restored.json")
        hook.fail_next = 10
        run = drift(work, "--webhook", hook.url, "--webhook-retries", "1")
        assert run.code == 2 and hook.attempts == 2 and hook.bodies == []
        assert "webhook did not accept the alert: HTTP 503" in run.stderr
        assert "secret-token" not in run.stderr  # webhook paths hold tokens; errors show the host only
        hook.fail_next = 0
        retried = drift(work, "--webhook", hook.url)  # the undelivered alert goes out with the next run
        assert retried.code == 0 and [b["status"] for b in hook.bodies] == ["resolved"]


def test_usage_errors(work):
    no_state = run_cxgov("drift", "check", "--baseline", "baseline.json", "--allow-unsigned", "--current", "current.json",
                         "--webhook", "http://127.0.0.1:9/x", cwd=work)
    assert no_state.code == 2 and "--webhook needs --state" in no_state.stderr
    bad_url = drift(work, "--webhook", "ftp://example.org/hook")
    assert bad_url.code == 2 and "not an http(s) URL" in bad_url.stderr
    rerun = run_cxgov("drift", "check", "--baseline", "baseline.json", "--allow-unsigned", "--state", "state.db", cwd=work)
    assert rerun.code == 2 and "records no audit config" in rerun.stderr
    missing = run_cxgov("drift", "history", "--state", "nope.db", cwd=work)
    assert missing.code == 2 and "nope.db" in missing.stderr


def test_two_drift_runs_at_once_both_recorded_and_alerted_once(work):
    import os
    import subprocess
    import sys

    switch(work, "us-sink.json")
    with WebhookReceiver() as hook:
        command = [sys.executable, "-m", "cxgov", "drift", "check", "--baseline", "baseline.json", "--allow-unsigned", "--current",
                   "current.json", "--state", "state.db", "--webhook", hook.url]
        procs = [subprocess.Popen(command, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env={**os.environ, "NO_COLOR": "1"}) for _ in range(2)]
        results = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [1, 1], [err.decode() for _, err in results]
        assert len(hook.bodies) == 1  # one drift, one alert, however the two runs interleaved
    db = sqlite3.connect(work / "state.db")
    assert db.execute("SELECT status, finding_count > 0 FROM runs").fetchall() == [("drift", 1), ("drift", 1)]
    assert db.execute("SELECT COUNT(*) FROM alerts WHERE status = 'sent'").fetchone()[0] == 1


def test_a_json_report_is_read_only_when_allowed_unsigned(work):
    # nothing signs a report: as for an unsigned bundle, the reader says so and the user decides
    refused = run_cxgov("drift", "check", "--baseline", "baseline.json", "--current", "current.json", cwd=work)
    assert refused.code == 2 and "baseline.json" in refused.stderr and "--allow-unsigned" in refused.stderr
    accepted = drift(work, "-o", "json=allowed.json")
    assert accepted.code == 0, accepted.stderr
    trust = json.loads((work / "allowed.json").read_text())["trust"]
    assert trust["baseline"]["trust"] == "report" and trust["baseline"]["allow_unsigned"] is True
