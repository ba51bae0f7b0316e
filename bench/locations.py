#!/usr/bin/env python3
"""Where builtin findings point: the share that names a line past their document's first.

    .venv/bin/python bench/locations.py [--json FILE]

Runs `cxgov check` (JSON output, no live sources: `--no-models --no-ui`, the examples' evaluation
date) on each example of `examples/` — acme-cx compliant and noncompliant, chatbot — from the
example's own directory (so its cxgov.toml applies), over the descriptor, Kubernetes and Terraform
folders it holds. Counts only findings of the builtin packs (queries under `data.cxgov.`) about
descriptor/system, Kubernetes and Terraform subjects. A finding "points past the first line" when its
location is in the subject's own file on a line after the subject's origin line (a document's first
line; for the system view, the descriptor's), or in another file on a line after 1 (a system-view
finding about one of the system's manifests). Prints a table per example and kind, the share
overall and the target (>= 90%). With `--json`, also writes the per-finding detail.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [ROOT / "examples" / "acme-cx" / "noncompliant", ROOT / "examples" / "acme-cx" / "compliant",
            ROOT / "examples" / "chatbot"]
INPUTS = ("cxgov", "k8s", "terraform")
KINDS = {"system": "descriptor/system", "descriptor": "descriptor/system", "kubernetes": "kubernetes",
         "terraform-plan": "terraform-plan"}
EVALUATION_DATE = "2026-11-22"
TARGET = 0.90


def cxgov_command() -> list[str]:
    script = Path(sys.executable).parent / "cxgov"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "cxgov"]


def run_example(example: Path, out: Path) -> dict:
    inputs = [name for name in INPUTS if (example / name).exists()]
    command = [*cxgov_command(), "check", *inputs, "--evaluation-date", EVALUATION_DATE, "--no-models", "--no-ui",
               "-o", f"json={out}", "--no-fail"]
    done = subprocess.run(command, cwd=example, capture_output=True, text=True)
    if done.returncode != 0 or not out.is_file():
        sys.exit(f"{' '.join(command)} (in {example}) exited {done.returncode}:\n{done.stderr}")
    return json.loads(out.read_text(encoding="utf-8"))


def past_first_line(finding: dict, origin: dict) -> bool:
    location = finding.get("location") or {}
    line = location.get("line")
    if not isinstance(line, int):
        return False
    if location.get("file") == origin.get("file"):
        return line > (origin.get("line") or 1)
    return line > 1


def measure(result: dict) -> list[dict]:
    subjects = {s["id"]: s for s in result["subjects"]}
    rows = []
    for finding in result["findings"]:
        subject = subjects.get(finding["subject"])
        if subject is None or subject["kind"] not in KINDS or not finding["query"].startswith("data.cxgov."):
            continue
        rows.append({"kind": KINDS[subject["kind"]], "rule": finding["rule_id"], "subject": finding["subject"],
                     "location": finding.get("location"), "origin": subject["origin"],
                     "past": past_first_line(finding, subject["origin"]), "message": finding["message"]})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write every counted finding, with its location, here")
    parser.add_argument("--misses", action="store_true", help="list the findings that point at a first line")
    args = parser.parse_args()
    from cxgov import __version__

    print(f"cxgov {__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    all_rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, example in enumerate(EXAMPLES):
            rows = measure(run_example(example, Path(tmp) / f"{n}.json"))
            for row in rows:
                row["example"] = str(example.relative_to(ROOT))
            all_rows.extend(rows)
    table: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in all_rows:
        for key in ((row["example"], row["kind"]), ("all examples", row["kind"]), ("all examples", "all kinds")):
            table[key][0] += row["past"]
            table[key][1] += 1
    print(f"{'example':<30} {'kind':<18} {'past line 1':>11} {'findings':>8} {'share':>7}")
    for (example, kind), (past, total) in sorted(table.items(), key=lambda kv: (kv[0][0] == "all examples", kv[0])):
        print(f"{example:<30} {kind:<18} {past:>11} {total:>8} {past / total:>7.1%}")
    past, total = table[("all examples", "all kinds")]
    share = past / total if total else 0.0
    print(f"builtin findings pointing past their document's first line: {past}/{total} = {share:.1%} "
          f"(target >= {TARGET:.0%}: {'met' if share >= TARGET else 'not met'})")
    if args.misses:
        for row in all_rows:
            if not row["past"]:
                loc = row["location"] or {}
                print(f"  first line: {row['rule']:<14} {loc.get('file')}:{loc.get('line')}  {row['message'][:100]}")
    if args.json:
        args.json.write_text(json.dumps(all_rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
