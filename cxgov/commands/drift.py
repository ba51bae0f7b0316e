"""`cxgov drift check`, `drift watch` and `drift history`: the audit compared with its baseline.

One drift run: read the baseline, produce the current run (re-run the audit the baseline's
recorded config describes, or read a report/bundle given with --current), compare, append to the
history, write reports and metrics (formats that read the run's Outcome, through the one writer of
commands/outputs.py), post an alert when the drift changed. Anything that could not
be checked makes the run `errored` (exit 2), recorded as such and never as clean.

A bundle (baseline or --current) is read only once it verifies against the trusted keys
(cxgov/evidence/trust.py: --public-key, $CXGOV_TRUSTED_KEYS, or evidence.trusted_keys of the
checkout's --config-path, never of the bundle's own recorded config), or with --allow-untrusted /
--allow-unsigned; how it was accepted is in every report and in the history. Every byte written
(reports, metrics, the history, the alert) goes through one Redaction (commands/outputs.py).
"""

from __future__ import annotations

import signal
import tempfile
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from cxgov.commands.outputs import Redaction, Target, error_line, parse_outputs, safe_text, write_outputs
from cxgov.commands.trust_options import TrustRequest
from cxgov.drift import snapshot
from cxgov.drift.compare import compare
from cxgov.drift.outcome import LastSuccess, Outcome
from cxgov.formats import DRIFT_FORMATS
from cxgov.errors import CxgovError, InputError, UsageError
from cxgov.gate import today
from cxgov.sources.live import LiveOptions

#: what `drift check -o` writes: the drift formats but the Prometheus textfile, which is --metrics
REPORTS = tuple(name for name in DRIFT_FORMATS if name != "prometheus")


@dataclass(frozen=True)
class DriftOptions:
    baseline: Path
    current: Path | None = None  # compare this report/bundle instead of re-running the audit
    state: Path | None = None
    webhook: str | None = None
    webhook_timeout: float = 10.0
    webhook_retries: int = 3
    report_url: str | None = None  # the link an alert carries; default: the first report file
    metrics: Path | None = None
    targets: tuple[Target, ...] = (Target("text", None),)
    fail_on: str | None = None  # default: the baseline run's
    evaluation_date: str | None = None  # default: today (UTC) at each run
    jobs: int | None = None
    config_path: Path = field(default_factory=lambda: Path("cxgov.yaml"))  # where the recorded config sits now
    live: LiveOptions = LiveOptions()  # where the re-run audit reads the live sources, as `cxgov audit`
    trust: TrustRequest = TrustRequest()  # whose signature a baseline or --current bundle must carry


def parse_targets(specs: list[str]) -> tuple[Target, ...]:
    """`-o text`, `-o json=drift.json`, `-o markdown=drift.md,json=drift.json`; one may go to stdout."""
    return tuple(parse_outputs(specs, None, choices=REPORTS)) or (Target("text", None),)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def run_drift_check(options: DriftOptions, *, stdout: TextIO, stderr: TextIO) -> int:
    """`drift check`: one run; its exit code (0 clean or drift within the gate, 1 drift fails the gate,
    2 errored or the alert could not be delivered)."""
    outcome, alert_error = drift_once(options, stdout=stdout)
    if outcome.error:
        print(error_line(outcome.error), file=stderr)
    if alert_error:
        print(error_line(alert_error), file=stderr)
        return 2
    return outcome.exit_code


def drift_once(options: DriftOptions, *, stdout: TextIO) -> tuple[Outcome, CxgovError | None]:
    """One drift run, recorded, reported and alerted. Returns the outcome and the alert's error, if any."""
    started = now()
    baseline, current = None, None
    try:
        trust = options.trust.resolve(options.config_path)
        baseline = snapshot.load(options.baseline, trust)
        current = current_snapshot(options, baseline, trust)
        drift = compare(baseline, current, fail_on=options.fail_on)
        outcome = Outcome("drift" if drift.drifted else "ok", 1 if drift.fails_gate else 0, started, now(),
                          str(options.baseline), drift=drift)
    except CxgovError as exc:
        outcome = Outcome("errored", 2, started, now(), str(options.baseline), error=str(exc))
    except Exception as exc:  # noqa: BLE001 - whatever broke, this run checked nothing: record it as errored
        outcome = Outcome("errored", 2, started, now(), str(options.baseline),
                          error=f"unexpected {type(exc).__name__}: {exc}")
    accepted = {k: v for k, v in (("baseline", baseline.trust if baseline else None),
                                  ("current", current.trust if current else None)) if v is not None}
    # one redaction for every byte this run writes, knowing the secrets the re-run audit's inputs hold
    redaction = Redaction(redactor=current.redactor if current is not None else None)
    system = (current or baseline).system if (current or baseline) else ""
    outcome = replace(outcome, trust=accepted or None, system=system,
                      error=redaction.text(outcome.error) if outcome.error else None)

    history, alert_id = None, None
    if options.state is not None:
        from cxgov.drift.history import History, RunRecord

        history = History(options.state)
        d = outcome.drift
        appended = history.append(
            RunRecord(started=outcome.started, finished=outcome.finished, status=outcome.status,
                      exit_code=outcome.exit_code, baseline=str(options.baseline), system=system,
                      evaluation_date=current.evaluation_date if current else "",
                      fingerprint=d.fingerprint() if d is not None and d.drifted else None,
                      counts=d.counts() if d is not None else None, report=_report_link(options),
                      error=outcome.error, trust=outcome.trust),
            redaction.value(list(current.findings)) if current is not None and outcome.status != "errored" else (),
            alert_scope=_alert_scope(options, system) if options.webhook else None)
        outcome = replace(outcome, run_id=appended.run_id)
        alert_id = appended.alert_id
    try:
        targets = options.targets
        if options.metrics is not None:
            targets += (Target("prometheus", options.metrics),)
            outcome = replace(outcome, last_success=_last_success(outcome, history, current))
        write_outputs(outcome, targets, stdout=stdout, redaction=redaction)
        alert_error = None
        if alert_id is not None:
            alert_error = _alert(options, outcome, history, alert_id, system, redaction)
    finally:
        if history is not None:
            history.close()
    return outcome, alert_error


def current_snapshot(options: DriftOptions, baseline: snapshot.Snapshot, trust=None) -> snapshot.Snapshot:
    """The run to compare: --current when given (a bundle verified like the baseline), else the audit
    the baseline's recorded config describes, re-run on the current checkout (files), live model
    registry and live UI."""
    if options.current is not None:
        return snapshot.load(options.current, trust)
    if baseline.config_text is None:
        raise UsageError(f"{options.baseline} is a JSON report, which records no audit config to re-run",
                         hint="give an evidence bundle as --baseline, or the run to compare with --current")
    return rerun_audit(options, baseline.config_text)


def rerun_audit(options: DriftOptions, config_text: str) -> snapshot.Snapshot:
    """Re-run the baseline's recorded cxgov.yaml, its paths resolved against --config-path (the config's
    place in the current checkout), and digest the run as the bundle was digested."""
    import shutil

    from cxgov.audit_config import load_config
    from cxgov.audit import run_audit

    with tempfile.TemporaryDirectory(prefix="cxgov-drift-") as tmp:
        recorded = Path(tmp) / "cxgov.yaml"  # load_config reads a file, for its line numbers
        recorded.write_text(config_text, encoding="utf-8")
        config = load_config(recorded)
    checkout = options.config_path
    run = run_audit(config, config_path=checkout, evaluation_date=options.evaluation_date or today(),
                    jobs=options.jobs, live=options.live)
    try:
        text = checkout.read_text(encoding="utf-8") if checkout.is_file() else None
        return snapshot.from_audit(run, created=now(), source=f"audit of {checkout}", config_text=text)
    finally:
        shutil.rmtree(run.artifacts_dir, ignore_errors=True)


def _report_link(options: DriftOptions) -> str | None:
    if options.report_url:
        return options.report_url
    files = [t.file for t in options.targets if t.file is not None]
    return str(files[0].resolve()) if files else None


def _alert_scope(options: DriftOptions, system: str) -> str:
    """Alerts are deduplicated per baseline and system: a new approved baseline starts afresh."""
    return f"{options.baseline.resolve()}|{system}"


def _last_success(outcome: Outcome, history, current) -> LastSuccess | None:
    """The metrics file's last successful run: the history's latest, or this run when there is no
    history; None when there is none (yet)."""
    from cxgov.drift.history import finding_rows

    if history is not None:
        last = history.last_success()
        return LastSuccess(last["finished"], tuple(history.findings_of(last["id"])), last["counts"]) if last else None
    if outcome.status != "errored":
        return LastSuccess(outcome.finished, tuple(finding_rows(current.findings)), outcome.drift.counts())
    return None


def _alert(options: DriftOptions, outcome: Outcome, history, alert_id: int, system: str,
           redaction: Redaction) -> CxgovError | None:
    """Post the alert this run claimed in the history; None when delivered."""
    from cxgov.drift import alerts
    from cxgov.drift.history import CLEAN

    drift = outcome.drift
    fingerprint = drift.fingerprint() if drift is not None and drift.drifted else CLEAN
    scope = _alert_scope(options, system)
    sent = [a for a in history.alerts() if a["status"] == "sent" and a["scope"] == scope]
    body = redaction.value(alerts.payload(drift, run_id=outcome.run_id or 0, system=system,
                                          baseline=str(options.baseline), report=_report_link(options),
                                          fingerprint=fingerprint, previous=sent[-1]["fingerprint"] if sent else None))
    if outcome.trust and outcome.trust.get("baseline"):
        body["baseline_trust"] = outcome.trust["baseline"]
    try:
        alerts.post(options.webhook, body, timeout=options.webhook_timeout, retries=options.webhook_retries)
    except CxgovError as exc:
        history.finish_alert(alert_id, sent=False, when=now(), error=str(exc))
        return exc
    history.finish_alert(alert_id, sent=True, when=now())
    return None


def run_watch(options: DriftOptions, interval: float, *, max_runs: int | None, stdout: TextIO,
              stderr: TextIO) -> int:
    """`drift watch`: a drift run every `interval` seconds until SIGTERM/SIGINT (or `max_runs`).

    A run that errors (a source outage) is recorded and the loop goes on; state lives in --state, so a
    restarted watch continues the history and never re-sends an alert already sent. A signal lets the
    run in progress finish and be recorded, then the process exits 0.
    """
    stop = threading.Event()

    def on_signal(signum, _frame):
        print(f"cxgov: drift watch: {signal.Signals(signum).name} received, stopping", file=stderr, flush=True)
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        runs = 0
        while not stop.is_set():
            runs += 1
            try:
                outcome, alert_error = drift_once(options, stdout=stdout)
                run = f"run {outcome.run_id}" if outcome.run_id else f"run #{runs}"
                print(f"{outcome.finished} {run}: {outcome.headline()}", file=stderr, flush=True)
                if alert_error:
                    print(f"{now()} {run}: alert not delivered: {safe_text(alert_error)}", file=stderr, flush=True)
            except CxgovError as exc:  # the state file itself (e.g. locked past the busy timeout): try again
                print(f"{now()} run #{runs}: not recorded: {safe_text(exc)}", file=stderr, flush=True)
            if max_runs is not None and runs >= max_runs:
                break
            stop.wait(interval)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    return 0


def run_history(state: Path, *, outputs, limit: int | None) -> int:
    """`drift history`: the runs (newest first) and each finding's episodes with time to remediate.
    `outputs`: Outputs of formats.HISTORY_FORMATS."""
    from cxgov.drift.history import History, HistoryView

    if not state.is_file():
        raise InputError("no such state file", where=str(state), hint="drift check/watch --state creates it")
    with History(state) as history:
        view = HistoryView(tuple(history.runs(limit)), tuple(history.episodes()))
    outputs.write(view)
    return 0
