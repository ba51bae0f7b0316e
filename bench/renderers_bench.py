"""Benchmark the evidence bundle's renderers: controls.json, sbom.cdx.json, OSCAL and report.html.

Run with the project's interpreter:

    .venv/bin/python bench/renderers_bench.py [--findings 10000] [--runs 5]

Two views are rendered. `example`: the real pipeline (builtin packs) over examples/acme-cx's
non-compliant variant, copied to a temporary directory. `synthetic`: the example's rules and system
view plus --findings findings spread over Kubernetes subjects (five per subject), as a large
estate's audit would give. For each renderer it prints the median, min and max wall time of --runs
calls (after one warm-up call that pays the lazy imports, which it reports separately) and the
size of the output. It never fails on a figure: benchmarks inform, tests assert.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cxgov import __version__, gate, pipeline, system_view  # noqa: E402
from cxgov.sources.interface import Given  # noqa: E402
from cxgov.engine.opa_library import ENGINE_VERSION  # noqa: E402
from cxgov.engine.embedded import EmbeddedEngine  # noqa: E402
from cxgov.engine.policyset import load  # noqa: E402
from cxgov.evidence.view import BundleView  # noqa: E402
from cxgov.model import Check, Finding, Location, Subject  # noqa: E402
from cxgov.sources.files import FileSource  # noqa: E402

EVALUATION_DATE = "2026-11-22"
CREATED = "2026-11-22T09:30:00Z"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def example_view(work: Path) -> BundleView:
    variant = work / "noncompliant"
    shutil.copytree(ROOT / "examples" / "acme-cx" / "noncompliant", variant)
    policies = load([], [], builtin=True, root=variant)
    subjects = list(FileSource([str(variant / p) for p in ("cxgov", "k8s", "terraform/plan.json")], root=variant).subjects())
    options = pipeline.Options(evaluation_date=EVALUATION_DATE, root=variant, waivers=variant / "waivers.yaml")
    result = pipeline.run([Given(subjects)], policies, EmbeddedEngine(), options)
    every = subjects + [system_view.build(subjects, variant, EVALUATION_DATE)]
    return BundleView(result, "acme-cx", CREATED, every, {s.id: [f"inputs/{slug(s.id)}.json"] for s in every})


def synthetic_view(base: BundleView, findings: int) -> BundleView:
    """The example's rules and system view, plus `findings` findings over generated Deployments."""
    k8s_rules = [r for r in base.result.rules.values() if "kubernetes" in r.applies_to]
    per_subject = 5
    subjects, found, checks = [], [], list(base.result.checks)
    for i in range(findings // per_subject):
        sid = f"k8s/gen-{i // 100:03d}.yaml#Deployment/acme-cx/worker-{i}"
        doc = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": f"worker-{i}", "namespace": "acme-cx"},
               "spec": {"template": {"spec": {"containers": [{"name": "w", "image": f"registry.example/w:{i}"}]}}}}
        subjects.append(Subject("kubernetes", sid, Location(f"k8s/gen-{i // 100:03d}.yaml", 1 + (i % 100) * 30), doc))
        for j in range(per_subject):
            rule = k8s_rules[(i * per_subject + j) % len(k8s_rules)]
            found.append(Finding(rule.id, rule.title, rule.severity, rule.gate, f"worker-{i}: finding {j} of {rule.id}",
                                 sid, subjects[-1].origin, rule.frameworks, rule.remediation, f"data.{rule.package}.deny"))
        checks += [Check(sid, r.package, 0) for r in k8s_rules]
    every = list(base.subjects) + subjects
    found = sorted(list(base.result.findings) + found, key=Finding.sort_key)
    result = type(base.result)(base.result.run, [s.ref() for s in every], checks, found, base.result.rules,
                               gate.verdict(found, checks))
    files = {**base.files, **{s.id: [f"inputs/{slug(s.id)}.json"] for s in subjects}}
    return BundleView(result, base.system, base.created, every, files)


def timed(fn, runs: int):
    start = time.perf_counter()
    out = fn()
    first = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return out, first, times


def size(value) -> int:
    return len(value.encode()) if isinstance(value, str) else len(json.dumps(value, indent=2).encode())


def bench(name: str, view: BundleView, runs: int) -> None:
    from cxgov.evidence.controls import control_matrix
    from cxgov.evidence.oscal import assessment_results
    from cxgov.evidence.report import render_report
    from cxgov.evidence.sbom import build_sbom

    manifest = {"files": [{"path": p, "sha256": "0" * 64, "size": 1} for ps in view.files.values() for p in ps]}
    print(f"\n{name}: {len(view.result.subjects)} subjects, {len(view.result.findings)} findings")
    print(f"  {'renderer':<26}{'first call':>12}{'median':>10}{'min':>10}{'max':>10}{'output':>12}")
    for label, fn in [("controls.json", lambda: control_matrix(view)), ("sbom.cdx.json", lambda: build_sbom(view)),
                      ("oscal assessment-results", lambda: assessment_results(view)),
                      ("report.html", lambda: render_report(view, manifest))]:
        out, first, times = timed(fn, runs)
        print(f"  {label:<26}{first:>11.3f}s{statistics.median(times):>9.3f}s{min(times):>9.3f}s{max(times):>9.3f}s"
              f"{size(out) / 1024:>10.0f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"cxgov {__version__}, {ENGINE_VERSION}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="cxgov-bench-") as work:
        view = example_view(Path(work))
        bench("example (acme-cx, non-compliant)", view, args.runs)
        bench(f"synthetic ({args.findings:,} extra findings)", synthetic_view(view, args.findings), args.runs)
        from cxgov.evidence.sbom import build_sbom, validate_sbom
        sbom = build_sbom(view)
        start = time.perf_counter()
        errors = validate_sbom(sbom)
        print(f"\nvalidate_sbom (CycloneDX 1.6 schema, import included): {time.perf_counter() - start:.3f}s, "
              f"{len(errors)} error(s)")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
