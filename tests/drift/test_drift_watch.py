"""`cxgov drift watch` as a real long-running process: survives an outage, exits 0 on SIGTERM, and a
restart continues the history without repeating an alert."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import EVALUATION_DATE, ROOT, run_cxgov
from drift_support import CHECK_FILES, OPT_OUT_RULES, WebhookReceiver, add_us_log_sink, failing_rules


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("watch")
    system = tmp / "acme-cx"
    shutil.copytree(ROOT / "examples" / "acme-cx" / "compliant", system)
    args = (*CHECK_FILES, "--evaluation-date", EVALUATION_DATE)
    assert run_cxgov(*args, "-o", f"json={tmp / 'baseline.json'}", cwd=system).code == 1
    add_us_log_sink(system)
    assert run_cxgov(*args, "-o", f"json={tmp / 'us-sink.json'}", cwd=system).code == 1
    assert failing_rules(tmp / "us-sink.json") - failing_rules(tmp / "baseline.json") == {"RES-003"}
    assert failing_rules(tmp / "baseline.json") == OPT_OUT_RULES
    return tmp


def start_watch(work, hook):
    return subprocess.Popen(
        [sys.executable, "-m", "cxgov", "drift", "watch", "--baseline", "baseline.json", "--allow-unsigned", "--current", "current.json",
         "--state", "state.db", "--interval", "0.2", "--webhook", hook.url, "--metrics", "cxgov.prom",
         "-o", "json=drift.json"],
        cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "NO_COLOR": "1"})


def runs(work) -> list[tuple[int, str]]:
    if not (work / "state.db").exists():
        return []
    db = sqlite3.connect(work / "state.db", timeout=30)
    try:
        return db.execute("SELECT id, status FROM runs ORDER BY id").fetchall()
    except sqlite3.OperationalError:  # the schema is being created
        return []
    finally:
        db.close()


def wait_for(predicate, proc, what, timeout=60):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert proc.poll() is None, f"watch exited early: {proc.stderr.read().decode()}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def stop(proc) -> str:
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err.decode()
    return err.decode()


def test_watch_survives_an_outage_stops_on_sigterm_and_restarts_without_repeating_alerts(tmp_path, reports):
    work = tmp_path
    shutil.copy(reports / "baseline.json", work / "baseline.json")
    shutil.copy(reports / "us-sink.json", work / "current.json")
    with WebhookReceiver() as hook:
        proc = start_watch(work, hook)
        wait_for(lambda: len(runs(work)) >= 2, proc, "two runs")
        assert {s for _, s in runs(work)} == {"drift"} and len(hook.bodies) == 1

        # outage: the run to compare cannot be read; the loop records it and goes on
        (work / "current.json").unlink()
        seen = len(runs(work))
        wait_for(lambda: any(s == "errored" for _, s in runs(work)[seen:]), proc, "an errored run")
        # metrics are written just after the run is recorded
        wait_for(lambda: 'cxgov_drift_up{system="acme-cx"} 0' in (work / "cxgov.prom").read_text(), proc,
                 "metrics of the errored run")
        shutil.copy(reports / "us-sink.json", work / "current.json")
        wait_for(lambda: runs(work)[-1][1] == "drift", proc, "recovery")

        log = stop(proc)
        assert "SIGTERM received, stopping" in log and "ERRORED" in log and "DRIFT:" in log
        assert len(hook.bodies) == 1  # one drift, one alert, outage or not
        before_restart = len(runs(work))

        proc = start_watch(work, hook)  # a restart continues the same history
        wait_for(lambda: len(runs(work)) >= before_restart + 2, proc, "runs after the restart")
        stop(proc)
        assert len(hook.bodies) == 1

    db = sqlite3.connect(work / "state.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    history = run_cxgov("drift", "history", "--state", "state.db", cwd=work)
    assert history.code == 0 and "errored" in history.stdout


def test_max_runs_stops_the_loop_and_each_run_is_logged(tmp_path, reports):
    shutil.copy(reports / "baseline.json", tmp_path / "baseline.json")
    shutil.copy(reports / "baseline.json", tmp_path / "current.json")
    run = run_cxgov("drift", "watch", "--baseline", "baseline.json", "--allow-unsigned", "--current", "current.json", "--state", "state.db",
                    "--interval", "0.1", "--max-runs", "2", "-o", "json=drift.json", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert run.stderr.count("NO DRIFT") == 2 and "run 1:" in run.stderr and "run 2:" in run.stderr
    assert runs(tmp_path) == [(1, "ok"), (2, "ok")]
