"""The embedded engine: OPA itself, in process (or in spawned workers), queried in batches.

The library prepares every distinct query string once per OPA instance, at the price of compiling
every module again (a third of a second for the builtin packs) and about 40 MB kept for the life of
the instance. So a run asks exactly one query: a generated `batch` rule that evaluates each item of
`input.docs` `with input as` its document, through the collector of its subject kind. A process
that has loaded the Go runtime must not fork, so a large run evaluates in spawned worker processes,
each with its own OPA (threads shared one Go runtime and one GIL, and gained only 1.3x on two
cores); a small one evaluates in this process, which costs no second compile.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

from cxgov.errors import EngineError, PolicyError
from cxgov.model import Subject
from cxgov.engine.interface import Engine, Evaluation, Progress, data_with_run_facts, rego_input
from cxgov.engine.opa_library import (ENGINE_VERSION, describe, is_compile_error, loaded_opa, opa_error_type,
                                      policy_error, undefined_error_type)
from cxgov.engine.policyset import NamespacePlan, PolicySet
from cxgov.engine.results import grouped, judge_subject

COLLECTOR_PACKAGE = "cxgov_run"
BATCH = 128  # documents per call: large enough to amortise the call, small enough for steady progress
PER_INSTANCE = 400  # subjects that pay for a worker process (its start and compile cost ~0.5 s)
BATCH_QUERY = "cxgov_batch.batch"
BATCH_MODULE = f"""package cxgov_batch

import rego.v1

batch := [r | some item in input.docs; r := data.{COLLECTOR_PACKAGE}[item.kind].results with input as item.doc]
"""


class EmbeddedEngine(Engine):
    name = "embedded"

    def __init__(self, jobs: int | None = None):
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self._policies: PolicySet | None = None
        self._plans: list[NamespacePlan] = []
        self._evaluation_date = ""
        self._has_descriptor = False

    def version(self) -> str:
        return ENGINE_VERSION

    def prepare(self, policies: PolicySet, plans: list[NamespacePlan], evaluation_date: str, *,
                has_descriptor: bool = False) -> None:
        if not plans:
            raise PolicyError("the selected namespaces hold no deny, violation or warn rules",
                              hint="check -n/--namespace, or use --all-namespaces")
        self._policies, self._plans, self._evaluation_date = policies, plans, evaluation_date
        self._has_descriptor = has_descriptor

    def evaluate(self, subjects: Sequence[Subject], progress: Progress | None = None) -> list[Evaluation]:
        if self._policies is None:
            raise EngineError("evaluate() called before prepare()")
        if not subjects:
            return []
        kinds = sorted({s.kind for s in subjects})
        modules = dict(self._policies.sources_for(self._plans))
        modules.update({f"<cxgov>/collect-{k}.rego": collector_module(k, self._plans) for k in kinds})
        modules["<cxgov>/batch.rego"] = BATCH_MODULE
        compiled = _Compiled(data_with_run_facts(self._policies, self._evaluation_date, self._has_descriptor), modules)
        # the system view (one heavy subject) goes first, on its own, not last
        system = [i for i, s in enumerate(subjects) if s.kind == "system"]
        rest = [i for i, s in enumerate(subjects) if s.kind != "system"]
        batches = [[i] for i in system] + [rest[i:i + BATCH] for i in range(0, len(rest), BATCH)]
        workers = min(self.jobs, len(batches), 1 + len(subjects) // PER_INSTANCE)
        out: list[Evaluation | None] = [None] * len(subjects)

        def judge(batch: list[int], values: list[dict]) -> None:
            for i, by_package in zip(batch, values):
                out[i] = judge_subject(subjects[i], self._plans, by_package, self._policies.rules,
                                       self._evaluation_date)
            if progress:
                progress(len(batch))

        if workers == 1:
            try:
                for batch in batches:
                    judge(batch, compiled.evaluate([subjects[i] for i in batch], self._evaluation_date))
            finally:
                compiled.close()
        else:
            _in_workers(compiled, subjects, batches, workers, self._evaluation_date, judge)
        return [ev for ev in out if ev is not None]


# Go's collector runs at GOGC=400 in workers (10-25% faster here, for a larger heap); Go reads it
# only when a process starts, so it is set for the spawned ones; a value the user set wins
WORKER_GOGC = "400"
_WORKER: "_Compiled | None" = None


def _in_workers(compiled: "_Compiled", subjects: Sequence[Subject], batches: list[list[int]], workers: int,
                evaluation_date: str, judge) -> None:
    """Evaluate batches in spawned processes, each loading the policies once; judge as they finish."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(compiled.data, compiled.modules)) as pool:
        gogc = os.environ.get("GOGC")
        os.environ["GOGC"] = gogc or WORKER_GOGC  # the workers start with the submissions, and read it then
        try:
            futures = {pool.submit(_evaluate_in_worker, [subjects[i] for i in batch], evaluation_date): batch
                       for batch in batches}
        finally:
            if gogc is None:
                del os.environ["GOGC"]
        try:
            for future in as_completed(futures):
                judge(futures[future], future.result())
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _start_worker(data: dict, modules: dict[str, str]) -> None:
    global _WORKER
    _WORKER = _Compiled(data, modules)


def _evaluate_in_worker(subjects: list[Subject], evaluation_date: str) -> list[dict]:
    assert _WORKER is not None
    return _WORKER.evaluate(subjects, evaluation_date)


def _package(kind: str) -> str:
    return kind.replace("-", "_")


def collector_path(kind: str) -> str:
    return f"{COLLECTOR_PACKAGE}/{_package(kind)}/results"


def collector_module(kind: str, plans: list[NamespacePlan]) -> str:
    """One rule gathering every control rule that judges `kind` as [package, rule, value]: one
    entrypoint per kind, whatever the number of packages and rules. An undefined rule is absent."""
    lines = [f"package {COLLECTOR_PACKAGE}.{_package(kind)}", "", "import rego.v1", ""]
    for plan in plans:
        if not plan.applies(kind):
            continue
        for name in [*plan.rules, *(["exception"] if plan.has_exception else [])]:
            lines.append(f'results contains ["{plan.package}", "{name}", v] if v := data.{plan.package}.{name}')
    if len(lines) == 4:  # no package judges this kind: an empty set, not an undefined rule
        lines.append("results := set()")
    return "\n".join(lines) + "\n"


class _Compiled:
    """The modules and data to load, and the OPA instance that holds them, loaded on first use."""

    def __init__(self, data: dict, modules: dict[str, str]):
        self.data = data
        self.modules = modules
        self._opa = None

    def instance(self):
        if self._opa is None:
            self._opa = loaded_opa(self.data, self.modules)
        return self._opa

    def evaluate(self, subjects: list[Subject], evaluation_date: str) -> list[dict]:
        """{package: {rule: value}} per subject; EngineError naming the subject whose evaluation failed."""
        docs = [{"kind": _package(s.kind), "doc": rego_input(s, evaluation_date)} for s in subjects]
        try:
            rows = self._query(docs)
        except (TypeError, ValueError) as exc:  # the library's JSON encoding refused a value
            culprit = next((s for s, d in zip(subjects, docs) if not _encodable(d["doc"])), subjects[0])
            raise EngineError(f"cannot pass this document to the engine: {exc}", where=str(culprit.origin)) from None
        except opa_error_type() as exc:
            if is_compile_error(exc):
                raise policy_error(exc) from None
            if len(subjects) == 1:
                raise EngineError(f"evaluation failed: {describe(exc.message)}", where=str(subjects[0].origin),
                                  hint="a builtin failed on this document; see the policy line named") from None
            for subject, doc in zip(subjects, docs):  # the same query, one document at a time: find it
                try:
                    self._query([doc])
                except opa_error_type() as one:
                    raise EngineError(f"evaluation failed: {describe(one.message)}", where=str(subject.origin),
                                      hint="a builtin failed on this document; see the policy line named") from None
            raise EngineError(f"evaluation failed: {describe(exc.message)}") from None
        return [grouped(r) for r in rows]

    def _query(self, docs: list) -> list:
        opa = self.instance()
        try:
            return opa.eval_document(BATCH_QUERY, {"docs": docs})
        except undefined_error_type():
            raise EngineError(f"data.{BATCH_QUERY} is undefined", hint="report this: the generated collector failed") from None

    def close(self) -> None:
        if self._opa is not None:
            self._opa.close()
            self._opa = None


def _encodable(doc) -> bool:
    try:
        json.dumps(doc, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True
