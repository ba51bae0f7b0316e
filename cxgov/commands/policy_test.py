"""`cxgov policy test`: run Rego unit tests, each test file in its own process."""

from __future__ import annotations

import multiprocessing
import os
import re

import click

from cxgov.engine.unit_tests import Outcome

FILE_TIMEOUT_S = 120


def run_policy_tests(paths: list[str], data: list[str], builtin: bool | None, pattern: str | None, verbose: bool) -> int:
    from cxgov.engine.policyset import load

    if builtin is None:
        builtin = not paths
    if not paths and not builtin:
        paths = ["policy"]
    policies = load(paths, data, builtin=builtin, include_tests=True)
    tests = policies.tests
    if pattern:
        regex = re.compile(pattern)
    outcomes: list[Outcome] = []
    for test in tests:
        file_outcomes = _isolated(test, policies.modules, policies.data)
        if pattern:
            file_outcomes = [o for o in file_outcomes if regex.search(o.name) or o.name == "<file>"]
        outcomes += file_outcomes
    return _report(outcomes, verbose)


def _isolated(test, modules, data) -> list[Outcome]:
    """Run one test file in a forked child; its crash or hang is this file's error, nothing more."""
    from cxgov.engine.unit_tests import run_test_file

    if not hasattr(os, "fork"):
        return run_test_file(test, modules, data)
    ctx = multiprocessing.get_context("fork")
    reader, writer = ctx.Pipe(duplex=False)

    def child() -> None:
        from cxgov.engine.capture import redirect_worker_output

        writer.send(run_test_file(test, modules, data, stderr=redirect_worker_output()))

    proc = ctx.Process(target=child)
    proc.start()
    writer.close()
    try:
        if reader.poll(FILE_TIMEOUT_S):
            return reader.recv()
        reason = f"timed out after {FILE_TIMEOUT_S}s"
    except EOFError:
        proc.join()
        reason = _death(proc.exitcode)
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
    return [Outcome(test.path, "<file>", 1, "error", f"the embedded engine {reason} running this file; "
                    "a construct rego-cpp cannot handle (run the tests with OPA to compare)")]


def _death(code: int | None) -> str:
    if code is not None and code < 0:
        import signal

        try:
            return f"crashed ({signal.Signals(-code).name})"
        except ValueError:
            return f"crashed (signal {-code})"
    return f"exited with code {code}"


def _report(outcomes: list[Outcome], verbose: bool) -> int:
    counts = {"pass": 0, "fail": 0, "error": 0}
    for o in outcomes:
        counts[o.status] += 1
        if verbose or o.status != "pass":
            where = f"{o.file}:{o.line}"
            detail = f" ({o.detail})" if o.detail else ""
            colour = {"pass": "green", "fail": "red", "error": "yellow"}[o.status]
            click.echo(f"{where}: {o.name}: " + click.style(o.status.upper(), fg=colour) + detail)
    total = len(outcomes)
    if total == 0:
        click.echo("no tests found (test_* rules in *_test.rego files)", err=True)
        return 2
    click.echo("-" * 60)
    click.echo(f"PASS: {counts['pass']}/{total}")
    if counts["fail"]:
        click.echo(f"FAIL: {counts['fail']}/{total}")
    if counts["error"]:
        click.echo(f"ERROR: {counts['error']}/{total}")
    if counts["error"]:
        return 2
    return 1 if counts["fail"] else 0
