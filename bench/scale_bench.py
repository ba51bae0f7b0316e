"""Benchmark scale: `cxgov check` throughput by worker count, and a 4-way sharded run merged vs one run.

Run with the project's interpreter:

    .venv/bin/python bench/scale_bench.py [--docs 50000] [--shards 4] [--policies builtin|example]

1. Documents per second, end to end (`cxgov check DIR -o json`, a subprocess, as CI runs it) over
   `--docs` realistic Deployments (bench/check_bench.py's generator, 100 per file), with `-j 1`,
   `-j 2` and the default (`-j` unset: the CPU count).
2. The same inputs split with `--shard I/N` (each shard with the default workers), then
   `cxgov merge`: each shard's wall time, the critical path when the shards run on N machines at
   once (slowest shard + merge), the total on one machine (all shards + merge), against the
   unsplit run of part 1; and whether the merged JSON equals the unsplit run's byte for byte.

It prints figures and never fails on them. Shards here run one after another on this machine, so
the N-machine figure is computed from their times, not observed.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_bench import EVALUATION_DATE, EXAMPLE, cxgov_command, generate, load_average  # noqa: E402


def run(args: list[str], cwd: Path) -> float:
    """Wall time of one `cxgov` run (exit 0 or 1 are results; anything else breaks the benchmark)."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("CXGOV_CONFIG", None)
    start = time.perf_counter()
    proc = subprocess.run([cxgov_command(), *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"cxgov {' '.join(args)} exited {proc.returncode}:\n{proc.stderr.decode(errors='replace')}")
    return elapsed


def policy_args(name: str) -> list[str]:
    if name == "example":
        return ["-p", str(EXAMPLE / "policy"), "-d", str(EXAMPLE / "data"), "--no-builtin", "-n", "main"]
    return []  # the builtin packs (those that judge Kubernetes), as `cxgov check` runs by default


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=50_000)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--policies", choices=["builtin", "example"], default="builtin")
    opts = parser.parse_args()
    cpus = os.cpu_count() or 1
    version = subprocess.run([cxgov_command(), "--version"], capture_output=True, text=True).stdout.strip()
    print(f"{version} · Python {platform.python_version()} · {cpus} CPUs · load average {load_average()}")
    print(f"policies: {opts.policies} · {opts.docs:,} Kubernetes Deployments, 100 per file")
    print()
    with tempfile.TemporaryDirectory(prefix="cxgov-bench-scale-") as tmp:
        work = Path(tmp)
        (work / "k8s").mkdir()
        files = generate(work / "k8s", opts.docs)
        base = ["check", "k8s", *policy_args(opts.policies), "--evaluation-date", EVALUATION_DATE]
        run([*base[:1], "k8s/deployments-0000.yaml", *base[2:]], work)  # warm caches once; not counted

        print(f"== throughput by workers ({files} files)")
        for label, jobs in (("-j 1", ["-j", "1"]), ("-j 2", ["-j", "2"]), (f"default (-j {cpus})", [])):
            out = "whole.json" if not jobs else "jobs.json"
            seconds = run([*base, *jobs, "-o", f"json={out}"], work)
            print(f"   {label:<16} {seconds:7.2f} s   {opts.docs / seconds:8,.0f} docs/s")
            if not jobs:
                whole = seconds
        print()

        n = opts.shards
        print(f"== {n}-way sharded run, then cxgov merge (default workers per shard)")
        shard_times = []
        for i in range(1, n + 1):
            shard_times.append(run([*base, "--shard", f"{i}/{n}", "-o", f"json=shard-{i}.json"], work))
            print(f"   shard {i}/{n}        {shard_times[-1]:7.2f} s")
        merge = run(["merge", *[f"shard-{i}.json" for i in range(1, n + 1)], "-o", "json=merged.json"], work)
        identical = (work / "merged.json").read_bytes() == (work / "whole.json").read_bytes()
        print(f"   merge            {merge:7.2f} s")
        print(f"   on {n} machines   {max(shard_times) + merge:7.2f} s   (slowest shard + merge)")
        print(f"   on this machine  {sum(shard_times) + merge:7.2f} s   (every shard + merge, one after another)")
        print(f"   unsplit run      {whole:7.2f} s   -> {whole / (max(shard_times) + merge):.2f}x faster on {n} machines")
        print(f"   merged result identical to the unsplit run's: {'yes' if identical else 'NO'}")
    print()
    print(f"load average at the end: {load_average()}")


if __name__ == "__main__":
    main()
