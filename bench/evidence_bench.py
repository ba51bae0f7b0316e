"""Benchmark the evidence bundle: build and verify times, and verify throughput next to sha256sum.

Run with the project's interpreter:

    .venv/bin/python bench/evidence_bench.py [--findings 10000] [--runs 3]

Two bundles: the acme-cx example (examples/acme-cx/noncompliant, the builtin packs, signed, with its
live sources: its model from a local `mlflow server` seeded with the acme-noncompliant scenario, its
chat widget served from examples/acme-cx/ui and scanned in headless Chromium) and a synthetic one
with --findings findings (1,000 config documents, a policy that reports findings/1000 on each). Both are audited once through the same calls `cxgov audit` makes (run_audit); then, --runs
times each, the figures below are measured with time.perf_counter in this process:

- build: write_bundle() — redaction, findings, policies, summary, manifest, signature, the directory
  and the deterministic .tar.gz (including the in-memory replay when redaction changed an input);
- verify: open_bundle() + verify() on the .tar.gz and on the directory, with the public key;
- sha256sum: the coreutils binary over the same files of the directory, in one subprocess.

Verify throughput is the bundle's bytes (every file, manifest included) over the verify time. It
prints medians, and never fails on a figure: benchmarks inform, tests assert.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVALUATION_DATE = "2026-11-22"

MANY_POLICY = """\
package main

import rego.v1

deny contains msg if {
	some i in numbers.range(1, input.count)
	msg := concat("", ["document ", input.name, ": finding ", format_int(i, 10)])
}
"""


def timed(fn, runs: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def synthetic_project(where: Path, findings: int) -> Path:
    docs = 1000
    per = max(1, findings // docs)
    (where / "policy").mkdir(parents=True)
    (where / "policy" / "many.rego").write_text(MANY_POLICY)
    (where / "configs").mkdir()
    for f in range(10):  # 10 files of 100 documents
        body = "".join(f"---\nname: svc-{f}-{d}\ncount: {per}\nregion: eu-central-1\n" for d in range(docs // 10))
        (where / "configs" / f"services-{f}.yaml").write_text(body)
    (where / "cxgov.yaml").write_text("system: synthetic\nfiles: [configs]\npolicies: {builtin: false, paths: [policy]}\n"
                                      "models: {skip: bench}\nui: {skip: bench}\n")
    return where / "cxgov.yaml"


def bench(label: str, config_path: Path, key, public_key, runs: int, out: Path, live=None) -> None:
    from cxgov.audit_config import load_config
    from cxgov.audit import run_audit, write_bundle
    from cxgov.sources.live import LiveOptions
    from cxgov.evidence.bundle import open_bundle
    from cxgov.evidence.verify import verify

    start = time.perf_counter()
    run = run_audit(load_config(config_path), config_path=config_path, evaluation_date=EVALUATION_DATE,
                    live=live or LiveOptions())
    audit_s = time.perf_counter() - start
    n = 0

    def build():
        nonlocal n
        n += 1
        return write_bundle(run, out / f"{label}-{n}", key=key)

    build_s, (directory, archive) = timed(build, runs)
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    size = sum(p.stat().st_size for p in files)

    def check(path):
        report = verify(open_bundle(path), public_key)
        assert report.ok, report.problems
        return report

    tar_s, _ = timed(lambda: check(archive), runs)
    dir_s, _ = timed(lambda: check(directory), runs)
    sha_s, _ = timed(lambda: subprocess.run(["sha256sum", *map(str, files)], check=True, capture_output=True), runs)
    findings = run.result.verdict.counts["deny"] + run.result.verdict.counts["warn"] + run.result.verdict.counts["waived"]
    mb = size / 1e6
    print(f"\n{label}: {len(run.subjects)} subjects, {findings} findings; bundle {len(files)} files, {mb:.2f} MB "
          f"(archive {archive.stat().st_size / 1e6:.2f} MB)")
    print(f"  audit (read + evaluate, once)       {audit_s:8.2f} s")
    print(f"  build (write_bundle)                {build_s:8.2f} s")
    print(f"  verify .tar.gz                      {tar_s:8.3f} s   {mb / tar_s:8.1f} MB/s")
    print(f"  verify directory                    {dir_s:8.3f} s   {mb / dir_s:8.1f} MB/s")
    print(f"  sha256sum, same files               {sha_s:8.3f} s   {mb / sha_s:8.1f} MB/s")
    shutil.rmtree(run.artifacts_dir, ignore_errors=True)


@contextlib.contextmanager
def example_live_sources(workdir: Path):
    """A seeded local registry and the example widget for the acme-cx audit, stopped afterwards."""
    import importlib.util

    from cxgov.sources.live import LiveOptions

    sys.path.insert(0, str(ROOT / "model_registry"))
    import local_server
    import seed_registry

    spec = importlib.util.spec_from_file_location("example_ui_serve", ROOT / "examples" / "acme-cx" / "ui" / "serve.py")
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    registry = local_server.start(workdir)
    ui, ui_url = serve.start()
    try:
        seed_registry.seed(registry.uri, "acme-noncompliant")
        yield LiveOptions(tracking_uri=registry.uri, ui_base_url=ui_url + "broken")
    finally:
        ui.shutdown()
        ui.server_close()
        registry.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=10_000, help="findings in the synthetic bundle")
    parser.add_argument("--runs", type=int, default=3, help="repetitions per figure (the median is printed)")
    args = parser.parse_args()

    from cxgov import __version__
    from cxgov.engine.opa_library import ENGINE_VERSION
    from cxgov.evidence.sign import generate, load_key_file, load_public

    print(f"cxgov {__version__}, {ENGINE_VERSION}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="cxgov-evidence-bench-") as tmp:
        tmp = Path(tmp)
        private, public, _ = generate(tmp / "bench.key")
        key, public_key = load_key_file(private), load_public(public)
        example = tmp / "acme-cx"
        shutil.copytree(ROOT / "examples" / "acme-cx" / "noncompliant", example)
        with example_live_sources(tmp / "registry") as live:
            bench("acme-cx example", example / "cxgov.yaml", key, public_key, args.runs, tmp / "out", live)
        config = synthetic_project(tmp / "synthetic", args.findings)
        bench(f"{args.findings:,} findings", config, key, public_key, args.runs, tmp / "out")
    print(f"\nload average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    sys.exit(main())
