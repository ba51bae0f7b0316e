"""The embedded engine: rego-cpp through regopy, compiled once, evaluated in forked workers.

Workers are forked after compiling, so each inherits the compiled bundle and the subjects without
pickling them. They also contain crashes: rego-cpp can abort or segfault on some policies, and a
dead worker is an EngineError (exit 2), never a pass.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from cxgov.errors import EngineError, PolicyError
from cxgov.model import Subject
from cxgov.engine.capture import Captured, redirect_worker_output
from cxgov.engine.regocpp import QueryError, compile_bundle, query
from cxgov.engine.interface import Engine, Evaluation, Progress, data_with_run_facts, rego_input
from cxgov.engine.policyset import NamespacePlan, PolicySet
from cxgov.engine.results import grouped, judge_subject

_ACTIVE: "_Evaluator | None" = None
_WORKER_STDERR: Captured | None = None


class EmbeddedEngine(Engine):
    name = "embedded"

    def __init__(self, jobs: int | None = None):
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self._evaluator: _Evaluator | None = None

    def version(self) -> str:
        import regopy

        return f"rego-cpp {regopy.rego_version()} (regopy)"

    def prepare(self, policies: PolicySet, plans: list[NamespacePlan], evaluation_date: str) -> None:
        if not plans:
            raise PolicyError("the selected namespaces hold no deny, violation or warn rules",
                              hint="check -n/--namespace, or use --all-namespaces")
        self._evaluator = _Evaluator(policies, plans, evaluation_date)

    def evaluate(self, subjects: Sequence[Subject], progress: Progress | None = None) -> list[Evaluation]:
        global _ACTIVE
        if self._evaluator is None:
            raise EngineError("evaluate() called before prepare()")
        if not subjects:
            return []
        self._evaluator.set_subjects(subjects)
        if not hasattr(os, "fork"):  # no fork (Windows): evaluate in-process, without crash isolation
            return self._evaluator.run(0, len(subjects))
        _ACTIVE = self._evaluator
        try:
            return _in_workers(subjects, min(self.jobs, len(subjects)), progress)
        finally:
            _ACTIVE = None


def _in_workers(subjects: Sequence[Subject], workers: int, progress: Progress | None) -> list[Evaluation]:
    """Evaluate in forked workers; each compiles its own bundle on its first chunk (in parallel),
    so a compile that aborts rego-cpp kills a worker, not cxgov."""
    n = len(subjects)
    size = max(1, min(2000, -(-n // (workers * 4))))
    # the system view (last) is the heaviest subject: start it first, not after everything else
    chunks = sorted(((start, min(n, start + size)) for start in range(0, n, size)), key=lambda c: -c[0])
    results: dict[int, list[Evaluation]] = {}
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_quiet_worker) as pool:
        futures = {pool.submit(_run_chunk, start, stop): (start, stop) for start, stop in chunks}
        try:
            for fut in as_completed(futures):
                start, stop = futures[fut]
                results[start] = fut.result()
                if progress:
                    progress(stop - start)
        except BrokenProcessPool:
            start, stop = next((c for f, c in futures.items() if f.done() and f.exception()), chunks[0])
            raise EngineError(
                f"the embedded engine crashed while compiling or evaluating subjects {start + 1}-{stop} of {n} "
                f"(first: {subjects[start].origin})",
                hint="a policy construct rego-cpp cannot handle; run `cxgov policy lint` or use --engine opa",
            ) from None
    return [ev for start in sorted(results) for ev in results[start]]


COLLECTOR_PACKAGE = "cxgov_run"


def collector_path(kind: str) -> str:
    return f"{COLLECTOR_PACKAGE}/{kind.replace('-', '_')}/results"


def collector_module(kind: str, plans: list[NamespacePlan]) -> str:
    """One rule that gathers every control rule judging `kind` as [package, rule, value].

    rego-cpp's cost per query grows with the size of the bundle, so each subject is one query,
    whatever the number of packages and rules; an undefined rule is simply absent.
    """
    lines = [f"package {COLLECTOR_PACKAGE}.{kind.replace('-', '_')}", "", "import rego.v1", ""]
    for plan in plans:
        if not plan.applies(kind):
            continue
        for name in [*plan.rules, *(["exception"] if plan.has_exception else [])]:
            lines.append(f'results contains ["{plan.package}", "{name}", v] if v := data.{plan.package}.{name}')
    return "\n".join(lines) + "\n"


def _quiet_worker() -> None:
    global _WORKER_STDERR
    _WORKER_STDERR = redirect_worker_output()


def _run_chunk(start: int, stop: int) -> list[Evaluation]:
    assert _ACTIVE is not None
    return _ACTIVE.run(start, stop)


class _Evaluator:
    """The plan and what to compile; compiles once per process, then evaluates chunks."""

    def __init__(self, policies: PolicySet, plans: list[NamespacePlan], evaluation_date: str):
        self.policies = policies
        self.plans = plans
        self.rules = policies.rules
        self.evaluation_date = evaluation_date
        self.subjects: Sequence[Subject] = ()
        self.compile_args: tuple = ()
        self.interp = self.bundle = None

    def set_subjects(self, subjects: Sequence[Subject]) -> None:
        """Fix the subjects, and so the collectors to compile: one per kind present."""
        self.subjects = subjects
        kinds = sorted({s.kind for s in subjects})
        sources = self.policies.sources_for(self.plans)
        sources.update({f"<cxgov>/collect-{k}.rego": collector_module(k, self.plans) for k in kinds})
        self.compile_args = (data_with_run_facts(self.policies, self.evaluation_date), sources,
                             [collector_path(k) for k in kinds])
        self.interp = self.bundle = None

    def compiled(self) -> None:
        if self.bundle is None:
            self.interp, self.bundle = compile_bundle(*self.compile_args)

    def run(self, start: int, stop: int) -> list[Evaluation]:
        from regopy import Input

        self.compiled()
        out: list[Evaluation] = []
        for subject in self.subjects[start:stop]:
            try:
                self.interp.set_input(Input(rego_input(subject, self.evaluation_date)))
            except Exception as exc:  # regopy raises plain exceptions for values it cannot convert
                raise EngineError(f"cannot pass this document to the engine: {exc}", where=str(subject.origin)) from None
            by_package = grouped(self._query(collector_path(subject.kind), subject))
            out.append(judge_subject(subject, self.plans, by_package, self.rules, self.evaluation_date))
        return out

    def _query(self, entrypoint: str, subject: Subject):
        try:
            return query(self.interp, self.bundle, entrypoint)
        except QueryError as exc:
            detail = _last_stderr_line() if str(exc) == "evaluation failed" else str(exc)
            raise EngineError(f"evaluating data.{entrypoint.replace('/', '.')} failed: {detail or exc}",
                              where=str(subject.origin),
                              hint="a builtin failed or is missing on the embedded engine; try --engine opa") from None


def _last_stderr_line() -> str:
    lines = _WORKER_STDERR.text().strip().splitlines() if _WORKER_STDERR else []
    return lines[-1] if lines else ""
