"""The drift history: episodes and time to remediate, alert claims, concurrent writers, SIGKILL mid-write.

Concurrency and kill tests use real processes writing one real SQLite file.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from cxgov.drift.history import History, RunRecord
from cxgov.errors import InputError


def f(rule, subject="s1", gate="deny", message="m"):
    return {"rule_id": rule, "subject": subject, "gate": gate, "severity": "high", "message": message,
            "title": rule, "controls": {"gdpr": ["Art.44"]}, "waiver": None}


def record(status="drift", at="2026-11-22T10:00:00Z", fingerprint=None, **extra):
    return RunRecord(started=at, finished=at, status=status, exit_code={"ok": 0, "drift": 1, "errored": 2}[status],
                     baseline="base", fingerprint=fingerprint, **extra)


def test_episodes_give_first_seen_resolved_and_time_to_remediate(tmp_path):
    with History(tmp_path / "s.db") as h:
        h.append(record(at="2026-11-22T10:00:00Z"), [f("A"), f("B"), f("B", message="second")])
        h.append(record(at="2026-11-22T12:30:00Z"), [f("A")])
        h.append(record("errored", at="2026-11-22T13:00:00Z", error="mlflow down"), [])  # knows nothing
        h.append(record(at="2026-11-23T10:00:00Z"), [f("A"), f("B")])
        episodes = [(e["rule_id"], e["first_run"], e["resolved_run"], e["time_to_remediate"]) for e in h.episodes()]
        assert episodes == [("A", 1, None, None), ("B", 4, None, None), ("B", 1, 2, 9000.0)]
        runs = h.runs()
        assert [(r["id"], r["status"], r["finding_count"]) for r in runs] == [
            (4, "drift", 2), (3, "errored", 0), (2, "drift", 1), (1, "drift", 3)]
        assert runs[1]["error"] == "mlflow down"
        assert [r["status"] for r in h.findings_of(1)] == ["deny"] * 3
        assert h.last_success()["id"] == 4


def test_alerts_are_claimed_only_when_the_drift_changes(tmp_path):
    with History(tmp_path / "s.db") as h:
        def claim(fingerprint, status="drift", at="2026-11-22T10:00:00Z"):
            return h.append(record(status, at=at, fingerprint=fingerprint), [], alert_scope="base|acme").alert_id

        assert claim(None, "ok") is None  # clean from the start: nothing to say
        first = claim("fp1")
        assert first is not None
        assert claim("fp1") is None  # pending and recent: another run is posting it
        h.finish_alert(first, sent=True, when="2026-11-22T10:00:01Z")
        assert claim("fp1") is None
        assert claim(None, "errored") is None  # an outage says nothing about drift
        second = claim("fp2")
        h.finish_alert(second, sent=False, when="2026-11-22T10:00:02Z", error="503")
        retried = claim("fp2")  # a failed alert is claimed again by the next run
        assert retried is not None and retried != second
        h.finish_alert(retried, sent=True, when="2026-11-22T10:00:03Z")
        resolved = claim(None, "ok")  # back to clean after an alert: one "resolved" alert
        assert resolved is not None
        h.finish_alert(resolved, sent=True, when="2026-11-22T10:00:04Z")
        assert claim(None, "ok") is None
        assert [(a["fingerprint"], a["status"]) for a in h.alerts()] == [
            ("fp1", "sent"), ("fp2", "failed"), ("fp2", "sent"), ("clean", "sent")]


def test_a_stale_pending_claim_from_a_dead_process_is_claimed_again(tmp_path):
    with History(tmp_path / "s.db") as h:
        assert h.append(record(at="2026-11-22T10:00:00Z", fingerprint="fp"), [], alert_scope="x").alert_id
        assert h.append(record(at="2026-11-22T10:05:00Z", fingerprint="fp"), [], alert_scope="x").alert_id is None
        assert h.append(record(at="2026-11-22T10:20:00Z", fingerprint="fp"), [], alert_scope="x").alert_id


def test_a_file_that_is_not_a_state_file_is_refused_by_name(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("not sqlite at all, just text " * 100)
    with pytest.raises(InputError) as err:
        History(bad)
    assert "notes.db" in str(err.value)


WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from cxgov.drift.history import History, RunRecord

    path, name, runs, per_run = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    Path(sys.argv[5]).touch()  # ready
    while not Path(sys.argv[6]).exists():  # start together
        time.sleep(0.005)
    with History(path) as h:
        for i in range(runs):
            findings = [{"rule_id": f"R{j % 7}", "subject": f"{name}-{j}", "gate": "deny", "severity": "high",
                         "message": f"run {i}", "title": "t", "controls": {"soc2": ["CC6.1"]}}
                        for j in range(per_run)]
            h.append(RunRecord(started="2026-11-22T10:00:00Z", finished="2026-11-22T10:00:00Z", status="drift",
                               exit_code=1, baseline=name, fingerprint=f"{name}-{i % 3}"), findings,
                     alert_scope="shared")
""")


def test_two_concurrent_writers_lose_nothing(tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    state, go = tmp_path / "s.db", tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, str(script), str(state), name, "40", "150", str(tmp_path / name),
                               str(go)]) for name in ("one", "two")]
    while not all((tmp_path / n).exists() for n in ("one", "two")):
        time.sleep(0.01)
    go.touch()
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    db = sqlite3.connect(state)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT baseline, COUNT(*) FROM runs GROUP BY baseline").fetchall() == [("one", 40), ("two", 40)]
    # every run has exactly its own findings
    mismatched = db.execute("SELECT COUNT(*) FROM runs r WHERE finding_count != 150 OR finding_count !="
                            " (SELECT COUNT(*) FROM findings WHERE run_id = r.id)").fetchone()[0]
    assert mismatched == 0
    # never two open episodes for one (rule, subject), whatever the interleaving
    assert db.execute("SELECT COUNT(*) FROM (SELECT rule_id, subject FROM episodes WHERE resolved_run IS NULL"
                      " GROUP BY rule_id, subject HAVING COUNT(*) > 1)").fetchone()[0] == 0
    # alerts were claimed in one sequence: consecutive claims never repeat a fingerprint
    claimed = [r[0] for r in db.execute("SELECT fingerprint FROM alerts ORDER BY id")]
    assert claimed and all(a != b for a, b in zip(claimed, claimed[1:]))


KILLED = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from cxgov.drift.history import History, RunRecord

    path, marker = Path(sys.argv[1]), Path(sys.argv[2])

    def rec(status="drift"):
        return RunRecord(started="2026-11-22T10:00:00Z", finished="2026-11-22T10:00:00Z", status=status,
                         exit_code=1, baseline="b")

    def findings(n, stall_after=None):
        for j in range(n):
            if j == stall_after:
                marker.touch()  # half of this run's rows are written, inside its transaction
                time.sleep(600)
            yield {"rule_id": "R", "subject": f"s{j}", "gate": "deny", "severity": "high", "message": "m"}

    with History(path) as h:
        for _ in range(3):
            h.append(rec(), findings(50))
        h.append(rec(), findings(5000, stall_after=2500))
""")


def test_a_run_killed_mid_write_leaves_the_history_as_it_was(tmp_path):
    script = tmp_path / "killed.py"
    script.write_text(KILLED)
    state, marker = tmp_path / "s.db", tmp_path / "halfway"
    proc = subprocess.Popen([sys.executable, str(script), str(state), str(marker)])
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None and time.monotonic() < deadline, "the writer never got halfway"
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    with History(state) as h:  # opens (recovering the WAL) and reads
        assert [(r["id"], r["finding_count"]) for r in h.runs()] == [(3, 50), (2, 50), (1, 50)]
        assert sum(len(h.findings_of(r)) for r in (1, 2, 3, 4)) == 150  # no half run
        assert len(h.episodes()) == 50
        appended = h.append(record(at="2026-11-22T11:00:00Z"), [f("R", subject="s0")])
        assert appended.run_id == 4  # the killed run never took a row; writing goes on
        assert len([e for e in h.episodes() if e["resolved_run"] == 4]) == 49
    assert sqlite3.connect(state).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
