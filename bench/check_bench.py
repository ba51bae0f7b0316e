"""Benchmark `cxgov check` and `cxgov policy test`: cold start on one small file, the acme-cx example,
the builtin packs' unit tests, and throughput on many Kubernetes documents.

Run with the project's interpreter:

    .venv/bin/python bench/check_bench.py [--docs 10000] [--runs 10]

It prints figures next to their targets and never fails on them: benchmarks inform, tests assert.
Cold start and end-to-end figures run the installed `cxgov` console script (next to sys.executable)
in a subprocess, as a CI job would. The breakdown runs the same calls `cxgov check` makes
(cxgov/commands/check.py) in this process, timing each stage with time.perf_counter.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "chatbot"
EVALUATION_DATE = "2026-11-22"
DOCS_PER_FILE = 100

TARGET_COLD_S = 0.25  # median, one file, the builtin packs
TARGET_DOCS_PER_S = 3000  # the builtin packs, end to end
TARGET_EXAMPLE_S = 1.0  # examples/acme-cx/noncompliant, no live sources
TARGET_POLICY_TEST_S = 5.0  # every builtin unit test
ACME = ROOT / "examples" / "acme-cx" / "noncompliant"

SMALL_POLICY = """\
package main

import rego.v1

deny contains msg if {
	input.kind == "Deployment"
	not input.spec.template.spec.securityContext.runAsNonRoot
	msg := sprintf("Deployment %s must set runAsNonRoot", [input.metadata.name])
}

warn contains msg if {
	input.kind == "Deployment"
	some c in input.spec.template.spec.containers
	endswith(c.image, ":latest")
	msg := sprintf("container %s uses the latest tag", [c.name])
}
"""

SMALL_MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: chat-api
  namespace: acme-cx
spec:
  replicas: 2
  selector:
    matchLabels:
      app: chat-api
  template:
    metadata:
      labels:
        app: chat-api
    spec:
      securityContext:
        runAsNonRoot: true
      containers:
        - name: api
          image: registry.acme.example/chat-api:2.14.3
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: acme-cx
  labels: {{app.kubernetes.io/name: {name}, app.kubernetes.io/component: {component}}}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app.kubernetes.io/name: {name}}}
  template:
    metadata:
      labels: {{app.kubernetes.io/name: {name}, app.kubernetes.io/component: {component}}}
    spec:
{security}      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - {{key: topology.kubernetes.io/region, operator: In, values: [{region}]}}
      containers:
        - name: app
          image: 123456789012.dkr.ecr.eu-central-1.amazonaws.com/acme-cx/{name}:{tag}
          ports: [{{containerPort: 8080}}]
          env:
            - {{name: DD_SITE, value: {dd_site}}}
            - {{name: LLM_REGION, value: {region}}}
          resources:
            requests: {{cpu: 250m, memory: 256Mi}}
{limits}          readinessProbe: {{httpGet: {{path: /ready, port: 8080}}}}
          livenessProbe: {{httpGet: {{path: /live, port: 8080}}}}
"""


def cxgov_command() -> str:
    """The installed console script next to this interpreter (what a user runs)."""
    script = Path(sys.executable).parent / ("cxgov.exe" if os.name == "nt" else "cxgov")
    if not script.exists():
        sys.exit(f"cxgov console script not found at {script}; install the project into this environment")
    return str(script)


def deployment(i: int) -> str:
    """One realistic Deployment (about 30 lines); some break a rule, as in real repositories."""
    return DEPLOYMENT.format(
        name=f"svc-{i:05d}",
        component="queue-worker" if i % 5 == 0 else "api",
        replicas=2 + i % 3,
        security="" if i % 11 == 0 else "      securityContext:\n        runAsNonRoot: true\n",
        region="eu-west-1" if i % 2 else "eu-central-1",
        tag="latest" if i % 7 == 0 else f"1.{i % 40}.{i % 9}",
        dd_site="datadoghq.com" if i % 13 == 0 else "datadoghq.eu",
        limits="" if i % 17 == 0 else "            limits: {memory: 512Mi}\n",
    )


def generate(directory: Path, docs: int) -> int:
    """Write `docs` Deployments, DOCS_PER_FILE per file; returns the number of files."""
    files = 0
    for start in range(0, docs, DOCS_PER_FILE):
        stop = min(docs, start + DOCS_PER_FILE)
        text = "---\n".join(deployment(i) for i in range(start, stop))
        (directory / f"deployments-{files:04d}.yaml").write_text(text, encoding="utf-8")
        files += 1
    return files


def run_cli(args: list[str], cwd: Path) -> float:
    """Wall time of one `cxgov` run; exit 0 or 1 are results, anything else is a broken benchmark."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("CXGOV_CONFIG", None)
    # as installed for a user, Python keeps compiled bytecode; some sandboxes turn that off, which
    # would add the compile of every cxgov module to each run
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    proc = subprocess.run([cxgov_command(), *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"cxgov {' '.join(args)} exited {proc.returncode}:\n{proc.stderr.decode(errors='replace')}")
    return elapsed


def load_average() -> str:
    """The 1-minute load average, where the OS reports one: other work on the machine skews every figure."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return "unknown"


def mark(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


def bench_cold_start(runs: int) -> None:
    for label, extra in (("one small policy, --no-builtin", ["-p", "policy", "--no-builtin"]),
                         ("the builtin packs", [])):
        print(f"== cold start: `cxgov check` on one small file ({runs} runs, {label})")
        with tempfile.TemporaryDirectory(prefix="cxgov-bench-cold-") as tmp:
            work = Path(tmp)
            (work / "policy").mkdir()
            (work / "policy" / "main.rego").write_text(SMALL_POLICY, encoding="utf-8")
            (work / "deployment.yaml").write_text(SMALL_MANIFEST, encoding="utf-8")
            args = ["check", "deployment.yaml", *extra, "--evaluation-date", EVALUATION_DATE]
            run_cli(args, work)  # warm the OS file cache (and the lark/pyc caches) once; not counted
            times = [run_cli(args, work) for _ in range(runs)]
        median, best = statistics.median(times), min(times)
        print(f"   median {median:.3f} s   min {best:.3f} s   max {max(times):.3f} s")
        if not extra or "--no-builtin" not in extra:
            print(f"   target: median <= {TARGET_COLD_S:.2f} s -> {mark(median <= TARGET_COLD_S)}")
        print()


def bench_example_and_unit_tests(runs: int) -> None:
    """The acme-cx example as `cxgov check` sees it without live sources, and `cxgov policy test`."""
    args = ["check", "cxgov", "k8s", "terraform/plan.json", "--evaluation-date", EVALUATION_DATE,
            "--no-models", "--no-ui"]  # waivers.yaml from cxgov.toml
    run_cli(args, ACME)
    times = [run_cli(args, ACME) for _ in range(runs)]
    print(f"== `cxgov check` of examples/acme-cx/noncompliant (descriptor, k8s, plan; --no-models --no-ui; {runs} runs)")
    print(f"   median {statistics.median(times):.3f} s   min {min(times):.3f} s   "
          f"(target <= {TARGET_EXAMPLE_S:.1f} s -> {mark(statistics.median(times) <= TARGET_EXAMPLE_S)})")
    print()
    with tempfile.TemporaryDirectory(prefix="cxgov-bench-tests-") as tmp:
        run_cli(["policy", "test"], Path(tmp))
        times = [run_cli(["policy", "test"], Path(tmp)) for _ in range(max(3, runs // 3))]
    print(f"== `cxgov policy test` over the builtin packs ({len(times)} runs)")
    print(f"   median {statistics.median(times):.3f} s   min {min(times):.3f} s   "
          f"(target <= {TARGET_POLICY_TEST_S:.1f} s -> {mark(statistics.median(times) <= TARGET_POLICY_TEST_S)})")
    print()


# (label, policy paths relative to the work dir or absolute, data paths, builtin packs?)
POLICY_SETS = {
    "minimal": "a two-rule conftest policy",
    "example": "examples/chatbot/policy (eight conftest rules)",
    "builtin": "the builtin packs (the rules that judge Kubernetes)",
}


def policy_args(name: str, work: Path) -> tuple[list[Path], list[Path], bool]:
    if name == "minimal":
        (work / "policy").mkdir(exist_ok=True)
        (work / "policy" / "main.rego").write_text(SMALL_POLICY, encoding="utf-8")
        return [work / "policy"], [], False
    if name == "example":
        return [EXAMPLE / "policy"], [EXAMPLE / "data"], False
    return [], [], True


def bench_throughput(docs: int, sets: list[str]) -> None:
    from cxgov import formats, pipeline
    from cxgov.sources.interface import Given
    from cxgov.engine.embedded import EmbeddedEngine
    from cxgov.engine.policyset import load
    from cxgov.sources.files import FileSource

    cpus = os.cpu_count() or 1
    job_counts = sorted({1, cpus})
    with tempfile.TemporaryDirectory(prefix="cxgov-bench-docs-") as tmp:
        work = Path(tmp)
        inputs = work / "k8s"
        inputs.mkdir()
        files = generate(inputs, docs)
        size = sum(f.stat().st_size for f in inputs.iterdir())
        for name in sets:
            policy, data, builtin = policy_args(name, work)
            print(f"== throughput: {docs:,} Kubernetes Deployments against {POLICY_SETS[name]}")
            print(f"   input: {files} files x up to {DOCS_PER_FILE} documents, {size / 1e6:.1f} MB; {cpus} CPUs")
            flags = [a for p in policy for a in ("-p", str(p))] + [a for d in data for a in ("-d", str(d))]
            flags += [] if builtin else ["--no-builtin"]

            print("   end to end (subprocess, -o json to /dev/null):")
            for jobs in job_counts:
                args = ["check", str(inputs), *flags, "--evaluation-date", EVALUATION_DATE, "-o", "json", "-j", str(jobs)]
                elapsed = run_cli(args, work)
                rate = docs / elapsed
                print(f"     jobs={jobs}: {elapsed:6.2f} s  {rate:8,.0f} documents/s  "
                      f"(target >= {TARGET_DOCS_PER_S:,}/s -> {mark(rate >= TARGET_DOCS_PER_S)})")

            print("   breakdown (in-process, the calls cxgov/commands/check.py makes):")
            options = pipeline.Options(evaluation_date=EVALUATION_DATE, namespaces=("main",), root=work)
            # warm-up on one file, so lazy imports (the OPA library, the YAML reader, the formats) are not timed
            warm = load(policy, data, builtin=builtin, root=work)
            warm_subjects = list(FileSource([str(next(inputs.iterdir()))], root=work).subjects())
            warm_result = pipeline.run([Given(warm_subjects)], warm, EmbeddedEngine(1), options)
            formats.get("json").render(warm_result), formats.get("text").render(warm_result, color=False)
            plans = warm.plan(["main"], kinds={"kubernetes"})
            rules = sum(len(p.rules) for p in plans)
            for jobs in job_counts:
                t0 = time.perf_counter()
                policies = load(policy, data, builtin=builtin, root=work)
                t1 = time.perf_counter()
                subjects = list(FileSource([str(inputs)], root=work).subjects())
                t2 = time.perf_counter()
                result = pipeline.run([Given(subjects)], policies, EmbeddedEngine(jobs), options)
                t3 = time.perf_counter()
                json_text = formats.get("json").render(result)
                t4 = time.perf_counter()
                text = formats.get("text").render(result, color=False)
                t5 = time.perf_counter()
                total = t5 - t0
                print(f"     jobs={jobs}: policies {t1 - t0:5.2f} s | parse {t2 - t1:5.2f} s | engine {t3 - t2:5.2f} s | "
                      f"json {t4 - t3:5.2f} s | text {t5 - t4:5.2f} s | total {total:5.2f} s "
                      f"({docs / total:,.0f} documents/s)")
                per_doc = (t3 - t2) / len(subjects) * 1e3
                print(f"             engine: {per_doc:.2f} ms wall per document ({len(plans)} packages, {rules} rules; "
                      "batches of documents per query, loading and JSON conversion included)")
                if len(subjects) != docs:
                    print(f"     note: {len(subjects)} subjects read, {docs} generated")
            counts = result.verdict.counts
            print(f"   result: {len(result.findings):,} findings ({counts['deny']:,} deny, {counts['warn']:,} warn), "
                  f"{counts['exceptions']:,} exceptions; json {len(json_text) / 1e6:.1f} MB, text {len(text) / 1e6:.1f} MB")
            print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000, help="documents for the throughput bench (default 10000)")
    parser.add_argument("--runs", type=int, default=10, help="runs for the cold-start bench (default 10)")
    parser.add_argument("--sets", default=",".join(POLICY_SETS),
                        help=f"policy sets for the throughput bench, comma-separated (default: {','.join(POLICY_SETS)})")
    args = parser.parse_args()
    if args.docs < 1 or args.runs < 1:
        parser.error("--docs and --runs must be at least 1")
    sets = [s for s in args.sets.split(",") if s]
    if not sets or set(sets) - set(POLICY_SETS):
        parser.error(f"--sets takes {', '.join(POLICY_SETS)}")
    from cxgov import __version__
    from cxgov.engine.opa_library import ENGINE_VERSION

    print(f"cxgov {__version__}, {ENGINE_VERSION}, Python {platform.python_version()}, "
          f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, load average {load_average()}")
    print()
    bench_cold_start(args.runs)
    bench_example_and_unit_tests(args.runs)
    bench_throughput(args.docs, sets)
    print(f"load average at the end: {load_average()} (figures are only comparable on an otherwise idle machine)")


if __name__ == "__main__":
    main()
