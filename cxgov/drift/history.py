"""The drift history: every run appended to one SQLite file, in one transaction each.

WAL mode and a busy timeout let a `drift watch` and a `drift check` (or two CI jobs sharing a
cache) write the same file; `BEGIN IMMEDIATE` serialises writers, so a run's rows, the finding
episodes it opens or closes, and the alert it claims always commit together or not at all. A
process killed mid-write leaves the file as it was before that run.

Episodes give time to remediate: one row per (rule, subject) from the run where it first
appeared to the run where it was gone. Errored runs are recorded but never open or close one.

Each run records how its baseline (and a --current bundle) was accepted: verified against a trusted
key, or read with --allow-untrusted / --allow-unsigned (schema 2; a schema 1 file gains the column).
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cxgov.errors import InputError
from cxgov.evidence.times import parse_rfc3339

SCHEMA_VERSION = 2
STATUSES = ("ok", "drift", "errored")
#: a pending alert older than this was claimed by a process that died before posting it
STALE_CLAIM = timedelta(minutes=15)
CLEAN = "clean"  # the fingerprint an alert scope has when nothing drifted

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    finished TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'drift', 'errored')),
    exit_code INTEGER NOT NULL,
    system TEXT NOT NULL DEFAULT '',
    baseline TEXT NOT NULL,
    evaluation_date TEXT NOT NULL DEFAULT '',
    fingerprint TEXT,
    counts TEXT NOT NULL DEFAULT '{}',
    finding_count INTEGER NOT NULL,
    report TEXT,
    error TEXT,
    trust TEXT
);
CREATE TABLE IF NOT EXISTS findings (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    rule_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    status TEXT NOT NULL,
    severity TEXT NOT NULL,
    frameworks TEXT NOT NULL,
    title TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_by_run ON findings (run_id);
CREATE TABLE IF NOT EXISTS episodes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rule_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    severity TEXT NOT NULL,
    first_run INTEGER NOT NULL REFERENCES runs (id),
    first_seen TEXT NOT NULL,
    resolved_run INTEGER REFERENCES runs (id),
    resolved_at TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS one_open_episode ON episodes (rule_id, subject) WHERE resolved_run IS NULL;
CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES runs (id),
    scope TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    claimed_at TEXT NOT NULL,
    sent_at TEXT,
    error TEXT
);
CREATE INDEX IF NOT EXISTS alerts_by_scope ON alerts (scope, id);
"""


@dataclass(frozen=True)
class RunRecord:
    started: str  # RFC 3339 UTC
    finished: str
    status: str  # one of STATUSES
    exit_code: int
    baseline: str
    system: str = ""
    evaluation_date: str = ""
    fingerprint: str | None = None  # the drift's fingerprint; None when clean or errored
    counts: dict | None = None
    report: str | None = None
    error: str | None = None
    # how the baseline and a --current bundle were accepted ({"baseline": {...}, "current": {...}})
    trust: dict | None = None


@dataclass(frozen=True)
class Appended:
    run_id: int
    alert_id: int | None  # set when this run claimed an alert to send


@dataclass(frozen=True)
class HistoryView:
    """What `drift history` shows, the one object its formats read: the runs (newest first) and each
    finding's episodes, with time to remediate."""

    runs: tuple[dict, ...]
    episodes: tuple[dict, ...]


class History:
    """A drift state file. Open, append or read, close; safe to share between processes."""

    def __init__(self, path: Path, *, busy_timeout: float = 60.0):
        self.path = path
        self._db: sqlite3.Connection | None = None
        deadline = time.monotonic() + busy_timeout
        while True:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
                self._open(busy_timeout)
                return
            except sqlite3.OperationalError as exc:
                self.close()
                # switching a new file to WAL takes a lock SQLite does not wait for: a second process
                # creating the same state file at that moment retries instead of failing
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise self._unusable(exc) from None
                time.sleep(random.uniform(0.01, 0.1))
            except sqlite3.DatabaseError as exc:
                self.close()
                raise self._unusable(exc) from None
            except InputError:
                self.close()
                raise

    def _open(self, busy_timeout: float) -> None:
        self._db.row_factory = sqlite3.Row
        self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        if self._db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            if self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
                raise InputError("the state file cannot use SQLite's WAL mode", where=str(self.path),
                                 hint="put --state on a local file system")
        self._db.execute("PRAGMA synchronous = FULL")
        self._db.execute("PRAGMA foreign_keys = ON")
        with self._transaction():
            for statement in filter(str.strip, _SCHEMA.split(";")):
                self._db.execute(statement)
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                self._db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif int(row[0]) > SCHEMA_VERSION:
                raise InputError(f"state file schema {row[0]} is newer than this cxgov understands "
                                 f"({SCHEMA_VERSION})", where=str(self.path), hint="upgrade cxgov")
            columns = {r[1] for r in self._db.execute("PRAGMA table_info(runs)")}
            if "trust" not in columns:  # schema 1: runs did not record how the baseline was accepted
                self._db.execute("ALTER TABLE runs ADD COLUMN trust TEXT")
            if row is not None and int(row[0]) < SCHEMA_VERSION:
                self._db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))

    def _unusable(self, exc: Exception) -> InputError:
        return InputError(f"cannot use the state file: {exc}", where=str(self.path),
                          hint="give --state a new file name or a cxgov drift state file")

    def close(self) -> None:
        if self._db is not None:
            self._db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _transaction(self):
        return _Immediate(self._db)

    def append(self, run: RunRecord, findings: Iterable[dict], *, alert_scope: str | None = None) -> Appended:
        """Record one run with its findings and update episodes, atomically.

        With `alert_scope`, also claim an alert when this run's drift differs from the last one
        alerted (or claimed) in that scope: the caller posts it and calls finish_alert().
        """
        if run.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}")
        try:
            return self._append(run, findings, alert_scope)
        except sqlite3.Error as exc:
            raise InputError(f"could not record the run: {exc}", where=str(self.path),
                             hint="another process may hold the state file; nothing of this run was written") from None

    def _append(self, run: RunRecord, findings: Iterable[dict], alert_scope: str | None) -> Appended:
        with self._transaction():
            cur = self._db.execute(
                "INSERT INTO runs (started, finished, status, exit_code, system, baseline, evaluation_date,"
                " fingerprint, counts, finding_count, report, error, trust) VALUES (?,?,?,?,?,?,?,?,?,0,?,?,?)",
                (run.started, run.finished, run.status, run.exit_code, run.system, run.baseline,
                 run.evaluation_date, run.fingerprint, json.dumps(run.counts or {}, sort_keys=True), run.report,
                 run.error, json.dumps(run.trust, sort_keys=True) if run.trust is not None else None))
            run_id = cur.lastrowid
            present: dict[tuple[str, str], dict] = {}
            count = 0
            for row in finding_rows(findings):
                self._db.execute("INSERT INTO findings VALUES (?,?,?,?,?,?,?,?)",
                                 (run_id, row["rule_id"], row["subject"], row["status"], row["severity"],
                                  ",".join(row["frameworks"]), row["title"], row["message"]))
                present.setdefault((row["rule_id"], row["subject"]), row)
                count += 1
            self._db.execute("UPDATE runs SET finding_count = ? WHERE id = ?", (count, run_id))
            if run.status != "errored":
                self._update_episodes(run_id, run.finished, present)
            alert_id = None
            if alert_scope is not None and run.status != "errored":
                alert_id = self._claim_alert(run_id, alert_scope, run.fingerprint or CLEAN, run.finished)
        return Appended(run_id, alert_id)

    def _update_episodes(self, run_id: int, when: str, present: dict[tuple[str, str], dict]) -> None:
        open_pairs = {(r["rule_id"], r["subject"]): r["id"] for r in
                      self._db.execute("SELECT id, rule_id, subject FROM episodes WHERE resolved_run IS NULL")}
        for pair, episode in open_pairs.items():
            if pair not in present:
                self._db.execute("UPDATE episodes SET resolved_run = ?, resolved_at = ? WHERE id = ?",
                                 (run_id, when, episode))
        for pair, f in present.items():
            if pair not in open_pairs:
                self._db.execute("INSERT INTO episodes (rule_id, subject, title, severity, first_run, first_seen)"
                                 " VALUES (?,?,?,?,?,?)", (*pair, f.get("title", ""), f["severity"], run_id, when))

    def _claim_alert(self, run_id: int, scope: str, fingerprint: str, now: str) -> int | None:
        cutoff = (_parse(now) - STALE_CLAIM).isoformat().replace("+00:00", "Z")
        last = self._db.execute(
            "SELECT fingerprint FROM alerts WHERE scope = ? AND (status = 'sent' OR"
            " (status = 'pending' AND claimed_at >= ?)) ORDER BY id DESC LIMIT 1", (scope, cutoff)).fetchone()
        if fingerprint == (last[0] if last else CLEAN):
            return None
        cur = self._db.execute("INSERT INTO alerts (run_id, scope, fingerprint, status, claimed_at)"
                               " VALUES (?,?,?,'pending',?)", (run_id, scope, fingerprint, now))
        return cur.lastrowid

    def finish_alert(self, alert_id: int, *, sent: bool, when: str, error: str | None = None) -> None:
        """Mark a claimed alert sent, or failed (a later run then claims it again)."""
        with self._transaction():
            self._db.execute("UPDATE alerts SET status = ?, sent_at = ?, error = ? WHERE id = ?",
                             ("sent" if sent else "failed", when if sent else None, error, alert_id))

    def runs(self, limit: int | None = None) -> list[dict]:
        """Runs, newest first."""
        rows = self._db.execute("SELECT * FROM runs ORDER BY id DESC" + (" LIMIT ?" if limit else ""),
                                (limit,) if limit else ())
        return [_run(r) for r in rows]

    def findings_of(self, run_id: int) -> list[dict]:
        """A run's findings in the finding_rows() shape."""
        rows = self._db.execute("SELECT * FROM findings WHERE run_id = ? ORDER BY rule_id, subject, message",
                                (run_id,))
        return [{**{k: r[k] for k in r.keys() if k != "run_id"},
                 "frameworks": r["frameworks"].split(",") if r["frameworks"] else []} for r in rows]

    def episodes(self) -> list[dict]:
        """Every episode, open ones first, with time to remediate in seconds for closed ones."""
        rows = self._db.execute("SELECT * FROM episodes ORDER BY resolved_run IS NOT NULL, first_run, rule_id, subject")
        result = []
        for r in rows:
            episode = dict(r)
            episode["time_to_remediate"] = (
                (_parse(r["resolved_at"]) - _parse(r["first_seen"])).total_seconds() if r["resolved_at"] else None)
            result.append(episode)
        return result

    def last_success(self) -> dict | None:
        row = self._db.execute("SELECT * FROM runs WHERE status != 'errored' ORDER BY id DESC LIMIT 1").fetchone()
        return _run(row) if row else None

    def alerts(self) -> list[dict]:
        return [dict(r) for r in self._db.execute("SELECT * FROM alerts ORDER BY id")]


def _run(row: sqlite3.Row) -> dict:
    out = {**dict(row), "counts": json.loads(row["counts"])}
    out["trust"] = json.loads(row["trust"]) if row["trust"] else None
    return out


def finding_rows(findings: Iterable[dict]) -> Iterable[dict]:
    """What the history keeps of a finding (a Finding.to_dict()): its pair, status, severity,
    frameworks, title and message."""
    for f in findings:
        yield {"rule_id": f["rule_id"], "subject": f["subject"], "status": "waived" if f.get("waiver") else f["gate"],
               "severity": f["severity"], "frameworks": sorted((f.get("controls") or {}).keys()),
               "title": f.get("title", ""), "message": f["message"]}


class _Immediate:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception."""

    def __init__(self, db: sqlite3.Connection):
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")


def _parse(stamp: str) -> datetime:
    return parse_rfc3339(stamp)
