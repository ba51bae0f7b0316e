"""What shadow-AI detection costs `cxgov check`: the 10,000-Deployment Kubernetes bench of
check_bench.py, evaluated with the builtin packs with and without the shadow_ai pack.

    .venv/bin/python bench/shadow_ai_bench.py [--docs 10000] [--runs 3] [--jobs N]

Runs the calls `cxgov check` makes (pipeline.run on the parsed subjects) in this process, the two
policy sets alternately, and prints the median CPU and wall time of each and the CPU difference (target: at
most 10%). It informs; it never fails on the figure.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_bench import EVALUATION_DATE, generate, load_average  # noqa: E402

TARGET = 0.10
PACK = "cxgov.shadow_ai"


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the engine's workers): load on a shared
    machine stretches wall time, much less the CPU a run needs."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def without_pack(policies):
    """The same policy set without the shadow_ai package (its modules and rules)."""
    return dataclasses.replace(
        policies,
        modules=[m for m in policies.modules if not m.package.startswith(PACK)],
        rules={k: v for k, v in policies.rules.items() if not k[0].startswith(PACK)},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    from cxgov import pipeline
    from cxgov.sources.interface import Given
    from cxgov.engine.embedded import EmbeddedEngine
    from cxgov.engine.policyset import load
    from cxgov.sources.files import FileSource

    with tempfile.TemporaryDirectory(prefix="cxgov-bench-shadow-") as tmp:
        work = Path(tmp)
        (work / "k8s").mkdir()
        generate(work / "k8s", args.docs)
        subjects = list(FileSource([str(work / "k8s")], root=work).subjects())
        options = pipeline.Options(evaluation_date=EVALUATION_DATE, namespaces=("main",), root=work)
        full = load([], [], builtin=True, root=work)
        sets = {"with shadow_ai": full, "without shadow_ai": without_pack(full)}
        assert any(m.package.startswith(PACK) for m in full.modules), "the shadow_ai pack is not loaded"
        times: dict[str, list[float]] = {name: [] for name in sets}
        cpus: dict[str, list[float]] = {name: [] for name in sets}
        counts = {}
        for name, policies in sets.items():  # warm-up: compile once per set, not timed
            pipeline.run([Given(subjects[:100])], policies, EmbeddedEngine(args.jobs), options)
        for _ in range(args.runs):
            for name, policies in sets.items():
                start, cpu = time.perf_counter(), cpu_seconds()
                result = pipeline.run([Given(subjects)], policies, EmbeddedEngine(args.jobs), options)
                times[name].append(time.perf_counter() - start)
                cpus[name].append(cpu_seconds() - cpu)
                counts[name] = len(result.findings)
    with_s, without_s = (statistics.median(cpus[n]) for n in sets)
    cost = with_s / without_s - 1
    print(f"== shadow-AI detection on {len(subjects):,} Kubernetes documents (builtin packs, jobs={args.jobs}, "
          f"{args.runs} runs each, load {load_average()})")
    for name in sets:
        print(f"   {name:18s} CPU median {statistics.median(cpus[name]):6.2f} s, wall median "
              f"{statistics.median(times[name]):6.2f} s (CPU runs: {', '.join(f'{t:.2f}' for t in cpus[name])}; "
              f"{counts[name]:,} findings)")
    print(f"   detection adds {cost:+.1%} CPU (target <= {TARGET:.0%} -> "
          f"{'meets target' if cost <= TARGET else 'MISSES target'})")


if __name__ == "__main__":
    main()
