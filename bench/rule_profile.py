"""Where the builtin packs spend their time on Kubernetes documents: ms per document for each
package that judges Kubernetes, and for each of its control rules, evaluated alone.

    .venv/bin/python bench/rule_profile.py [--docs 1000] [--batch 128]

It loads OPA in this process (a benchmark, not a cxgov run: no worker, no bounds), with the same
data and modules a run compiles, and the same batch query shape the embedded engine asks
(cxgov/engine/worker.py): each document `with input as` itself, through a generated collector.
The baseline is that query with a collector that reads nothing: the price of the batch itself.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_bench import EVALUATION_DATE, generate  # noqa: E402

BATCH_TEMPLATE = """package cxgov_profile

import rego.v1

batch := [r |
	some item in input.docs
	r := data.cxgov_profile.probe.results with input as item
]
"""


def probe_module(rows: list[tuple[str, str]]) -> str:
    lines = ["package cxgov_profile.probe", "", "import rego.v1", ""]
    lines += [f'results contains ["{p}", "{r}", v] if v := data.{p}.{r}' for p, r in rows]
    if not rows:
        lines.append("results := set()")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many passes")
    args = parser.parse_args()

    from cxgov.engine.interface import data_with_run_facts, rego_input
    from cxgov.engine.opa_library import new_opa
    from cxgov.engine.policyset import load
    from cxgov.sources.files import FileSource

    with tempfile.TemporaryDirectory(prefix="cxgov-profile-") as tmp:
        work = Path(tmp)
        generate(work, args.docs)
        subjects = list(FileSource([str(work)], root=work).subjects())
    docs = [rego_input(s, EVALUATION_DATE) for s in subjects]
    batches = [docs[i:i + args.batch] for i in range(0, len(docs), args.batch)]
    policies = load([], [], builtin=True)
    plans = policies.plan(["main"], kinds={"kubernetes"})
    modules = policies.sources_for(plans)
    data = data_with_run_facts(policies, EVALUATION_DATE)

    def timed(rows: list[tuple[str, str]]) -> float:
        """Best wall ms per document of the batch query over every document."""
        opa = new_opa()
        opa.add_data(data)
        for path, source in modules.items():
            opa.add_policy(path, source)
        opa.add_policy("<profile>/probe.rego", probe_module(rows))
        opa.add_policy("<profile>/batch.rego", BATCH_TEMPLATE)
        opa.eval_document("cxgov_profile.batch", {"docs": batches[0][:1]})  # prepare
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            for batch in batches:
                opa.eval_document("cxgov_profile.batch", {"docs": batch})
            best = min(best, time.perf_counter() - start)
        opa.close()
        return best / len(docs) * 1e3

    print(f"{len(docs)} Kubernetes Deployments, batches of {args.batch}, best of {args.repeat}")
    base = timed([])
    print(f"{'baseline (batch query, empty collector)':60s} {base:7.3f} ms/doc")
    every = [(p.package, r) for p in plans for r in (*p.rules, *(["exception"] if p.has_exception else []))]
    total = timed(every)
    print(f"{'every package (what a run asks)':60s} {total:7.3f} ms/doc")
    for plan in plans:
        rows = [(plan.package, r) for r in plan.rules]
        print(f"  {plan.package:58s} {timed(rows) - base:7.3f} ms/doc")
        if len(rows) > 1:
            for row in rows:
                print(f"    {row[1]:56s} {timed([row]) - base:7.3f} ms/doc")


if __name__ == "__main__":
    main()
