"""`cxgov merge`: the JSON results of a sharded run -> one Result -> formats.

`merge_results` is the whole idea, kept free of file handling so an evidence-bundle merge can feed it
the results its bundles record: it proves the shards are one complete split (same policies, engine,
date and gate; every shard 1..N exactly once; the same input list), then unions subjects, checks and
findings and recomputes the verdict, which therefore equals the unsplit run's.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from cxgov import gate
from cxgov.errors import InputError
from cxgov.model import Finding, Result, canonical_json
from cxgov.commands.outputs import Outputs


def run_merge(paths: list[str], *, outputs: Outputs, fail_on: str | None = None) -> int:
    from cxgov.formats.json_read import read_result

    results = [(path, read_result(Path(path))) for path in paths]
    merged = merge_results(results, fail_on=fail_on)
    outputs.write(merged)
    return merged.verdict.exit_code


def merge_results(results: list[tuple[str, Result]], *, fail_on: str | None = None) -> Result:
    """One Result from the shards' results, given with the name each came from (for error messages).
    `fail_on` judges the merged findings; by default the shards' own, which must then agree."""
    if not results:
        raise InputError("no results to merge")
    for name, result in results:
        if result.shard is None:
            raise InputError("this result is not a shard (it was not run with --shard I/N)", where=name,
                             hint="merge combines the shards of one split run")
    first_name, first = results[0]
    for name, result in results[1:]:
        for what, a, b in (("cxgov version", first.run.tool_version, result.run.tool_version),
                           ("engine", first.run.engine, result.run.engine),
                           ("evaluation date", first.run.evaluation_date, result.run.evaluation_date),
                           ("policy digest", first.run.policy_digest, result.run.policy_digest),
                           ("gate (fail-on)", fail_on or first.verdict.fail_on, fail_on or result.verdict.fail_on),
                           ("shard count", first.shard.count, result.shard.count),
                           ("input file list", first.shard.inputs_sha256, result.shard.inputs_sha256)):
            if a != b:
                raise InputError(f"shards disagree on the {what}: {a} in {first_name}, {b} in {name}",
                                 where=name, hint="run every shard from the same commit with the same options")
    count = first.shard.count
    seen: dict[int, str] = {}
    for name, result in results:
        if result.shard.index in seen:
            raise InputError(f"shard {result.shard.index}/{count} is given twice (also {seen[result.shard.index]})",
                             where=name)
        seen[result.shard.index] = name
    missing = sorted(set(range(1, count + 1)) - set(seen))
    if missing:
        names = ", ".join(f"{i}/{count}" for i in missing)
        verb = "is" if len(missing) == 1 else "are"
        raise InputError(f"shard {names} {verb} missing; without it some inputs were never checked",
                         hint="pass every shard's JSON result")
    if sum(r.shard.files for _, r in results) != first.shard.inputs:
        raise InputError(f"the shards evaluated {sum(r.shard.files for _, r in results)} files of "
                         f"{first.shard.inputs}", hint="run every shard from the same commit with the same options")
    subjects = {(s.kind, s.id): s for _, r in results for s in r.subjects}
    checks = [c for _, r in results for c in r.checks]
    findings = _union_findings([r.findings for _, r in results])
    findings.sort(key=Finding.sort_key)
    rules = {k: v for _, r in results for k, v in r.rules.items()}
    return Result(run=first.run, subjects=list(subjects.values()), checks=checks, findings=findings,
                  rules={k: rules[k] for k in sorted(rules)},
                  verdict=gate.verdict(findings, checks, fail_on or first.verdict.fail_on))


def _union_findings(per_shard: list[list[Finding]]) -> list[Finding]:
    """Findings of disjoint subjects add up; findings every shard reports alike (a broken waiver, which
    is about the run and not an input) are counted once, as many times as one shard has them."""
    most: Counter = Counter()
    by_key: dict[bytes, Finding] = {}
    for findings in per_shard:
        counts = Counter()
        for f in findings:
            key = canonical_json(f.to_dict())
            counts[key] += 1
            by_key[key] = f
        most |= counts  # the larger count of each
    return [by_key[key] for key, n in most.items() for _ in range(n)]
