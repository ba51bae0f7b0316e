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
import click

from cxgov.commands.outputs import show_warnings
from cxgov.engine.unit_tests import Outcome, TestRun


def run_policy_tests(paths: list[str], data: list[str], builtin: bool | None, pattern: str | None, verbose: bool,
                     coverage: str | None = None, allow_nondeterministic: bool = False) -> int:
    from cxgov.engine.policyset import load
    from cxgov.engine.unit_tests import bounded_run, run_tests, test_cases

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
