"""Rego unit tests (`test_*` rules), run by the embedded OPA as `opa test` and `conftest verify` do.

`with input as`, `with data.x as` and function mocks are OPA's own. Every test of a run is one
query: a generated rule maps each test's name to its value, so the library's per-query cache holds
one entry whatever the number of tests. A test whose evaluation fails (a builtin error) fails the
whole query; then each file, and within a failing file each test, is run on its own through one
other fixed query, to name the test that errs.

bounded_run() evaluates the same tests in a spawned worker under --eval-timeout and --eval-memory,
as `check` evaluates documents; run_tests() runs them in this process, for OPA's tracers (coverage,
the traces of failing tests), once the bounded run has shown that every test ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cxgov.engine.opa_library import describe, is_compile_error, loaded_opa, opa_error_type, policy_error
from cxgov.engine.policyset import PolicySet
from cxgov.engine.rego_source import Module
from cxgov.errors import EngineError, PolicyError

_ALL = "cxgov_unit.results"
_SOME = "cxgov_unit_some.results"
_GENERATED = "<cxgov>/unit-tests.rego"
_GENERATED_SOME = "<cxgov>/unit-tests-some.rego"


@dataclass(frozen=True, slots=True)
class Outcome:
    file: str
    name: str  # data.<package>.<test>
    line: int
    status: str  # pass, fail, error
    detail: str = ""


@dataclass(frozen=True, slots=True)
class TestCase:
    file: str
    package: str
    name: str
    line: int

    @property
    def ref(self) -> str:
        return f"data.{self.package}.{self.name}"


@dataclass
class TestRun:
    outcomes: list[Outcome]
    coverage: dict[str, Any] | None = None
    traces: dict[str, list[str]] = field(default_factory=dict)  # failing test -> trace lines (-v)


def test_cases(tests: list[Module]) -> list[TestCase]:
    """Every test rule (not functions, not `todo_test_`), one case per name in a package."""
    seen: set[tuple[str, str]] = set()
    cases = []
    for module in tests:
        for rule in module.rules:
            if rule.name.startswith("test_") and not rule.is_function and (module.package, rule.name) not in seen:
                seen.add((module.package, rule.name))
                cases.append(TestCase(module.path, module.package, rule.name, rule.line))
    return cases


def aggregate_module(package: str, cases: list[TestCase]) -> str:
    lines = [f"package {package}", "", "import rego.v1", ""]
    lines += [f'results["{c.ref}"] := v if v := {c.ref}' for c in cases]
    return "\n".join(lines) + "\n"


def run_tests(policies: PolicySet, cases: list[TestCase], *, coverage: bool = False,
              trace_failures: bool = False) -> TestRun:
    """Run the cases against every policy and test module; compile errors raise PolicyError."""
    OpaError = opa_error_type()
    modules = {m.path: m.source for m in [*policies.modules, *policies.tests]}
    opa = loaded_opa(policies.data, {**modules, _GENERATED: aggregate_module("cxgov_unit", cases)})
    try:
        try:
            values = opa.eval_document(_ALL, coverage=coverage)
            report = _coverage(opa.last_coverage) if coverage else None
            errors: dict[str, str] = {}
        except OpaError as exc:
            if is_compile_error(exc):
                raise policy_error(exc) from None
            values, errors = _one_by_one(opa, cases)
            report = None
        outcomes = [_outcome(c, values, errors) for c in cases]
        traces = {}
        if trace_failures:
            for case in (c for c, o in zip(cases, outcomes) if o.status != "pass"):
                traces[case.ref] = _trace(opa, case)
        return TestRun(outcomes, report, traces)
    finally:
        opa.close()


def _case_module(index: int, case: TestCase) -> str:
    """The collector the worker's batch query reads for document kind `t<index>`: the test's value,
    or nothing when the test is undefined."""
    return (f"package cxgov_run.t{index}\n\nimport rego.v1\n\n"
            f'results := {{"value": v}} if {{ v := {case.ref} }} else := {{}}\n')


def bounded_run(policies, cases: list[TestCase]) -> TestRun:
    """Every case evaluated in a worker under the command's bounds (cxgov.engine.bounds.current())."""
    from cxgov.engine import bounds as eval_bounds
    from cxgov.engine import workers
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


def _outcome(case: TestCase, values: dict[str, Any], errors: dict[str, str]) -> Outcome:
    if case.ref in errors:
        return Outcome(case.file, case.ref, case.line, "error", errors[case.ref])
    value = values.get(case.ref)
    if value is True:
        return Outcome(case.file, case.ref, case.line, "pass")
    detail = "the test rule is undefined" if value is None else f"the test rule is {value!r}, not true"
    return Outcome(case.file, case.ref, case.line, "fail", detail)


def _eval_some(opa, cases: list[TestCase], *, trace: bool = False) -> dict[str, Any]:
    """The cases through the one other fixed query (replacing its module recompiles, and frees
    the cached query, so memory stays flat)."""
    opa.add_policy(_GENERATED_SOME, aggregate_module("cxgov_unit_some", cases))
    return opa.eval_document(_SOME, trace=trace)


def _one_by_one(opa, cases: list[TestCase]) -> tuple[dict[str, Any], dict[str, str]]:
    """Values and errors when the whole run errs: per file, then per test within a failing file."""
    OpaError = opa_error_type()
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    by_file: dict[str, list[TestCase]] = {}
    for c in cases:
        by_file.setdefault(c.file, []).append(c)
    for group in by_file.values():
        try:
            values.update(_eval_some(opa, group))
            continue
        except OpaError:
            pass
        for case in group:
            try:
                values.update(_eval_some(opa, [case]))
            except OpaError as exc:
                errors[case.ref] = describe(exc.message)
    return values, errors


def _trace(opa, case: TestCase, limit: int = 200) -> list[str]:
    """OPA's evaluation trace of one test: the expressions it evaluated, where they failed, prints."""
    try:
        _eval_some(opa, [case], trace=True)
    except opa_error_type() as exc:
        return [f"error: {describe(exc.message)}"]
    lines = [f"{loc}: print: {msg}" for msg, loc in opa.last_prints]
    for event in opa.last_trace or []:
        op, where = event.get("op"), str(event.get("location") or "")
        if op not in ("Enter", "Eval", "Fail") or ".rego:" not in where or where.startswith("<cxgov>"):
            continue
        node = " ".join(str(event.get("node", "")).split())
        lines.append(f"{op:<5} {where}: {node[:157] + '...' if len(node) > 160 else node}")
    if len(lines) > limit:
        lines = lines[:limit] + [f"... ({len(lines) - limit} more trace lines)"]
    return lines


def _coverage(report: dict[str, Any] | None) -> dict[str, Any]:
    """OPA's coverage report, without the generated module: {file: {covered, not_covered, percent}}."""
    files: dict[str, Any] = {}
    for path, entry in sorted(((report or {}).get("files") or {}).items()):
        if path.startswith("<cxgov>"):
            continue
        covered = _lines(entry.get("covered"))
        missed = _lines(entry.get("not_covered"))
        total = covered + missed
        files[path] = {"covered_lines": covered, "not_covered_lines": missed,
                       "coverage": round(100.0 * covered / total, 1) if total else 100.0,
                       "not_covered": [(r["start"]["row"], r["end"]["row"]) for r in entry.get("not_covered") or []]}
    covered = sum(f["covered_lines"] for f in files.values())
    missed = sum(f["not_covered_lines"] for f in files.values())
    return {"files": files, "covered_lines": covered, "not_covered_lines": missed,
            "coverage": round(100.0 * covered / (covered + missed), 1) if covered + missed else 100.0}


def _lines(ranges: list | None) -> int:
    return sum(r["end"]["row"] - r["start"]["row"] + 1 for r in ranges or [])


