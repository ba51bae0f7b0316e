"""Benchmark drift monitoring: what a drift run adds on top of the audit it re-runs.

Run with the project's interpreter:

    .venv/bin/python bench/drift_bench.py [--findings 10000] [--runs 5] [--history-runs 200]

Prints figures next to their targets and never fails on them. Generated data only (in a temporary
directory, removed afterwards): a baseline of --findings findings over a fifth as many subjects, and
a current run in which 5% of the (rule, subject) pairs are new, 5% resolved and 5% changed.

- compare: cxgov.drift.compare.compare() plus the text, JSON and Markdown reports, in-process.
- history append: one run's rows, episodes and alert claim in one SQLite transaction (WAL, FULL sync).
- history read: `drift history` data (runs and episodes) after --history-runs runs.
- end to end: `cxgov drift check --current ... --state ... -o json=...` in a subprocess, as a CI step
  runs it (interpreter start, imports, reading both JSON reports, compare, history, report).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_COMPARE_S = 0.5  # for 10,000 findings
TARGET_APPEND_S = 0.5
TARGET_END_TO_END_S = 2.0


def load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "n/a"


def make_findings(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    rules = [f"RULE-{i:03d}" for i in range(60)]
    findings, seen = [], set()
    while len(findings) < n:
        rule, subject = rng.choice(rules), f"k8s/app-{rng.randrange(n // 5)}.yaml#Deployment/app"
        if (rule, subject) in seen:
            continue
        seen.add((rule, subject))
        findings.append({
            "rule_id": rule, "title": f"{rule} title", "severity": rng.choice(["critical", "high", "medium", "low"]),
            "gate": rng.choice(["deny", "deny", "warn"]), "message": f"{subject} breaks {rule}", "subject": subject,
            "location": {"file": subject.split("#")[0], "line": rng.randrange(1, 400)},
            "controls": {"soc2": ["CC6.1"], "gdpr": [rng.choice(["Art.44", "Art.32"])]}, "remediation": "",
            "query": "", "pre_enforcement": False, "metadata": {}, "waiver": None,
        })
    return findings


def drifted(baseline: list[dict], seed: int) -> list[dict]:
    rng = random.Random(seed)
    current = []
    for f in baseline:
        roll = rng.random()
        if roll < 0.05:
            continue  # resolved
        if roll < 0.10:
            f = {**f, "message": f["message"] + " (worse)"}  # changed
        current.append(f)
    extra = make_findings(len(baseline) // 20, seed + 1)
    return current + [{**f, "subject": f["subject"].replace("app-", "new-")} for f in extra]


def report(findings: list[dict], subjects: int) -> dict:
    ids = sorted({f["subject"] for f in findings})[:subjects]
    return {"cxgov": {"evaluation_date": "2026-11-22", "policy_digest": "0" * 64}, "verdict": {"fail_on": "deny"},
            "subjects": [{"kind": "kubernetes", "id": s, "sha256": "1" * 64, "origin": {}} for s in ids],
            "findings": findings}


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def line(label: str, times: list[float], target: float | None = None) -> str:
    med = statistics.median(times)
    text = f"  {label:<44} median {med:7.3f} s  (min {min(times):.3f}, max {max(times):.3f})"
    if target is not None:
        text += f"  target <= {target} s: {'met' if med <= target else 'NOT met'}"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--history-runs", type=int, default=200)
    args = parser.parse_args()

    from cxgov import __version__
    from cxgov import formats
    from cxgov.drift.compare import compare
    from cxgov.drift.history import History, RunRecord
    from cxgov.drift.outcome import Outcome
    from cxgov.drift.snapshot import from_report

    print(f"cxgov {__version__}, Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}, "
          f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, load average {load_average()}")
    base = make_findings(args.findings, 1)
    cur = drifted(base, 2)
    base_doc, cur_doc = report(base, args.findings // 5), report(cur, args.findings // 5)
    b, c = from_report(base_doc, "baseline.json"), from_report(cur_doc, "current.json")
    d = compare(b, c)
    counts = d.counts()
    print(f"\n{len(base):,} baseline findings, {len(cur):,} current: {counts['new']} new, "
          f"{counts['resolved']} resolved, {counts['changed']} changed pairs")

    def compare_and_render():
        drift = compare(b, c)
        outcome = Outcome("drift", 1, "2026-11-22T10:00:00Z", "2026-11-22T10:00:01Z", "baseline.json", drift=drift)
        for name in ("text", "json", "markdown"):
            formats.get(name, formats.DRIFT_FORMATS).render(outcome)

    print(line("compare + text/json/markdown reports", timed(compare_and_render, args.runs), TARGET_COMPARE_S))

    with tempfile.TemporaryDirectory(prefix="cxgov-drift-bench-") as tmp:
        tmp = Path(tmp)
        with History(tmp / "state.db") as history:
            n = [0]

            def append(findings=cur):
                n[0] += 1
                history.append(RunRecord(started="2026-11-22T10:00:00Z", finished=f"2026-11-22T10:{n[0] % 60:02d}:00Z",
                                         status="drift", exit_code=1, baseline="b", fingerprint=str(n[0] % 2),
                                         counts=counts), findings, alert_scope="b")

            print(line(f"history append ({len(cur):,} findings, one transaction)", timed(append, args.runs),
                       TARGET_APPEND_S))
            small = cur[: max(1, len(cur) // 10)]
            t0 = time.perf_counter()
            for i in range(args.history_runs):
                append(small if i % 2 else cur[: len(small) // 2])
            fill = time.perf_counter() - t0
            print(f"  {'history fill':<44} {args.history_runs} runs of ~{len(small):,} findings in {fill:.2f} s "
                  f"({fill / args.history_runs * 1000:.1f} ms per run)")
            print(line("history read (runs + episodes)", timed(lambda: (history.runs(), history.episodes()),
                                                               args.runs)))
        (tmp / "baseline.json").write_text(json.dumps(base_doc))
        (tmp / "current.json").write_text(json.dumps(cur_doc))
        cxgov = Path(sys.executable).with_name("cxgov")
        command = [str(cxgov), "drift", "check", "--baseline", "baseline.json", "--allow-unsigned", "--current", "current.json",
                   "--state", "e2e.db", "-o", "json=drift.json"]
        subprocess.run(command, cwd=tmp, capture_output=True)  # warm the file cache
        times = timed(lambda: subprocess.run(command, cwd=tmp, capture_output=True), args.runs)
        print(line("end to end: cxgov drift check (subprocess)", times, TARGET_END_TO_END_S))
    print(f"\nload average at the end: {load_average()} (figures are only comparable on an otherwise idle machine)")


if __name__ == "__main__":
    main()
