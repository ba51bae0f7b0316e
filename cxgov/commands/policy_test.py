"""`cxgov policy test`: run Rego unit tests on the embedded OPA, as `opa test` / `conftest verify` do.

The tests run bounded, as `check` evaluates: in a spawned worker process under --eval-timeout and
--eval-memory (cxgov/engine/workers.py), so a test that loops or grows without end stops the run
with exit 2 naming the limit and the test. Each test is a document of one batch, `with input as {}`
(a test sets its own input with `with input as`); a test whose evaluation errs is reported as an
error and the others are evaluated again without it. Coverage and the traces of failing tests (-v)
need OPA's tracers, which only an in-process engine offers: they are taken afterwards, once the
bounded run has shown that every test ends within the bounds.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import click

from cxgov.commands.outputs import show_warnings
from cxgov.engine.unit_tests import Outcome, TestCase, TestRun
from cxgov.errors import EngineError, PolicyError


def run_policy_tests(paths: list[str], data: list[str], builtin: bool | None, pattern: str | None, verbose: bool,
                     coverage: str | None = None, allow_nondeterministic: bool = False) -> int:
    from cxgov.engine.policyset import load
    from cxgov.engine.unit_tests import run_tests, test_cases

    if builtin is None:
        builtin = not paths
    if not paths and not builtin:
        paths = ["policy"]
    started = time.perf_counter()
    policies = load(paths, data, builtin=builtin, include_tests=True, allow_nondeterministic=allow_nondeterministic)
    show_warnings(policies.warnings)
    cases = test_cases(policies.tests)
    if pattern:
        regex = re.compile(pattern)
        cases = [c for c in cases if regex.search(c.ref)]
    if not cases:
        click.echo("no tests found (test_* rules in *_test.rego files)", err=True)
        return 2
    run = bounded_run(policies, cases)
    if coverage is not None or (verbose and any(o.status != "pass" for o in run.outcomes)):
        traced = run_tests(policies, cases, coverage=coverage is not None, trace_failures=verbose)
        run = TestRun(run.outcomes, traced.coverage, traced.traces)
    code = _report(run, verbose, time.perf_counter() - started)
    if coverage is not None and run.coverage is not None:
        _coverage(run.coverage, coverage)
    return code


def _case_module(index: int, case: TestCase) -> str:
    """The collector the worker's batch query reads for document kind `t<index>`: the test's value,
    or nothing when the test is undefined."""
    return (f"package cxgov_run.t{index}\n\nimport rego.v1\n\n"
            f'results := {{"value": v}} if {{ v := {case.ref} }} else := {{}}\n')


def bounded_run(policies, cases: list[TestCase]) -> TestRun:
    """Every case evaluated in a worker under the command's bounds (cxgov.engine.bounds.current())."""
    from cxgov.engine import bounds as eval_bounds
    from cxgov.engine import workers
    from cxgov.engine.unit_tests import _outcome
    from cxgov.engine.worker import BATCH_MODULE

    limits = eval_bounds.current()
    modules = {m.path: m.source for m in [*policies.modules, *policies.tests]}
    modules.update({f"<cxgov>/unit-test-{i}.rego": _case_module(i, c) for i, c in enumerate(cases)})
    modules["<cxgov>/batch.rego"] = BATCH_MODULE
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    pending = list(range(len(cases)))
    while pending:
        docs = [{"kind": f"t{i}", "doc": {}} for i in pending]
        try:
            for _, rows in workers.evaluate(1, lambda _: docs, workers=1, data=policies.data, modules=modules,
                                            bounds=limits):
                values.update({cases[i].ref: row["value"] for i, row in zip(pending, rows) if "value" in row})
            break
        except workers.Failure as failure:
            at = pending[failure.doc] if failure.doc is not None and failure.doc < len(pending) else None
            if failure.kind == "eval" and at is not None:  # this test errs; the others run again without it
                errors[cases[at].ref] = failure.message
                pending.remove(at)
                continue
            raise _bound_error(failure, cases[at] if at is not None else None, limits) from None
    return TestRun([_outcome(c, values, errors) for c in cases])


def _bound_error(failure, case: TestCase | None, limits) -> Exception:
    """The error a failed run stands for: the limit reached and the test evaluated, or the policy error."""
    if failure.kind == "policy":
        return PolicyError(failure.message, hint="fix the policy")
    where = f"{case.file}:{case.line}" if case else None
    test = f"test {case.ref}" if case else "loading the policies and tests"
    limit = limits.reached(failure.kind, test, where)
    if limit is not None:
        return limit
    return EngineError(f"{test} could not be evaluated: {failure.message or failure.kind}", where=where,
                       hint=failure.hint)


def _report(run: TestRun, verbose: bool, seconds: float) -> int:
    counts = {"pass": 0, "fail": 0, "error": 0}
    for o in run.outcomes:
        counts[o.status] += 1
        if verbose or o.status != "pass":
            _line(o)
            for trace in run.traces.get(o.name, []):
                click.echo(f"    {trace}")
    total = len(run.outcomes)
    click.echo("-" * 60)
    click.echo(f"PASS: {counts['pass']}/{total}")
    if counts["fail"]:
        click.echo(f"FAIL: {counts['fail']}/{total}")
    if counts["error"]:
        click.echo(f"ERROR: {counts['error']}/{total}")
    click.echo(f"{total} tests in {seconds:.2f}s")
    if counts["error"]:
        return 2
    return 1 if counts["fail"] else 0


def _line(o: Outcome) -> None:
    detail = f" ({o.detail})" if o.detail else ""
    colour = {"pass": "green", "fail": "red", "error": "yellow"}[o.status]
    click.echo(f"{o.file}:{o.line}: {o.name}: " + click.style(o.status.upper(), fg=colour) + detail)


def _coverage(report: dict, form: str) -> None:
    """`--coverage`: per-file line coverage of the policies (OPA's coverage tracer), text or JSON."""
    if form == "json":
        click.echo(json.dumps(report, indent=2, sort_keys=True))
        return
    click.echo("coverage:")
    for path, entry in report["files"].items():
        if path.endswith("_test.rego"):
            continue
        missed = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in entry["not_covered"][:8])
        more = " ..." if len(entry["not_covered"]) > 8 else ""
        click.echo(f"  {entry['coverage']:5.1f}%  {path}" + (f"  (not covered: {missed}{more})" if missed else ""))
    click.echo(f"  {report['coverage']:5.1f}%  total ({report['covered_lines']} of "
               f"{report['covered_lines'] + report['not_covered_lines']} lines)")
