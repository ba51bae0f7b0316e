"""The embedded engine: OPA itself, in spawned worker processes, queried in batches, under bounds.

The library prepares every distinct query string once per OPA instance, at the price of compiling
every module again (a third of a second for the builtin packs) and about 40 MB kept for the life of
the instance. So a run asks exactly one query: a generated `batch` rule that evaluates each item of
`input.docs` `with input as` its document, through the collector of its subject kind.

Every run evaluates in worker processes (cxgov/engine/workers.py), even a run of one document: a
call into Go cannot be interrupted, so only a process cxgov can kill bounds the time a policy takes,
and only a process of its own can have its memory capped (`--eval-timeout`, `--eval-memory`;
cxgov/engine/bounds.py). Hitting either is exit 2 naming the limit, the package and the subject:
that batch is evaluated again in a fresh worker whose generated rules mark where evaluation is (a
marker is a call from Go into Python, too dear for every document of every run).
cxgov's own process never loads OPA, so it may fork freely; the workers are fresh interpreters.
A large run uses several workers (threads shared one Go runtime and one GIL, and gained only 1.3x
on two cores); a worker costs a start and a compile (~0.5 s), so a small run uses one.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Sequence

from cxgov.engine import bounds as eval_bounds
from cxgov.engine import workers as pool
from cxgov.engine.bounds import EvalBounds
from cxgov.engine.interface import Engine, Evaluation, Progress, data_with_run_facts, rego_input
from cxgov.engine.opa_library import ENGINE_VERSION
from cxgov.engine.policyset import NamespacePlan, PolicySet
from cxgov.engine.results import grouped, judge_subject
from cxgov.engine.worker import BATCH_MODULE, UNMARKED_BATCH_MODULE
from cxgov.errors import EngineError, PolicyError
from cxgov.model import Subject

COLLECTOR_PACKAGE = "cxgov_run"
BATCH = 128  # documents per call: large enough to amortise the call, small enough for steady progress
PER_INSTANCE = 400  # subjects that pay for a further worker process (its start and compile cost ~0.5 s)


class EmbeddedEngine(Engine):
    name = "embedded"

    def __init__(self, jobs: int | None = None, bounds: EvalBounds | None = None):
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.bounds = bounds or eval_bounds.current()
        pool.prestart(self.bounds)  # Python and OPA start while the command reads its inputs
        self._policies: PolicySet | None = None
        self._plans: list[NamespacePlan] = []
        self._evaluation_date = ""
        self._has_descriptor = False

    def version(self) -> str:
        return ENGINE_VERSION

    def prepare(self, policies: PolicySet, plans: list[NamespacePlan], evaluation_date: str, *,
                has_descriptor: bool = False) -> None:
        self._accept(policies, plans, evaluation_date)
        self._has_descriptor = has_descriptor

    def evaluate(self, subjects: Sequence[Subject], progress: Progress | None = None) -> list[Evaluation]:
        if self._policies is None:
            raise EngineError("evaluate() called before prepare()")
        if not subjects:
            return []
        kinds = sorted({s.kind for s in subjects})
        modules = self._modules(kinds, marked=False)
        data = data_with_run_facts(self._policies, self._evaluation_date, self._has_descriptor)
        # the system view (one heavy subject) goes first, on its own, not last
        system = [i for i, s in enumerate(subjects) if s.kind == "system"]
        rest = [i for i, s in enumerate(subjects) if s.kind != "system"]
        batches = [[i] for i in system] + [rest[i:i + BATCH] for i in range(0, len(rest), BATCH)]
        workers = min(self.jobs, len(batches), 1 + len(subjects) // PER_INSTANCE)
        out: list[Evaluation | None] = [None] * len(subjects)

        def make(index: int) -> list[dict]:
            return [{"kind": _package(subjects[i].kind), "doc": rego_input(subjects[i], self._evaluation_date)}
                    for i in batches[index]]

        try:
            for index, rows in pool.evaluate(len(batches), make, workers=workers, data=data, modules=modules,
                                             bounds=self.bounds):
                for i, row in zip(batches[index], rows):
                    try:
                        out[i] = judge_subject(subjects[i], self._plans, grouped(row), self._policies.rules,
                                               self._evaluation_date)
                    except PolicyError as exc:
                        raise self._located(exc) from None
                if progress:
                    progress(len(batches[index]))
        except pool.Failure as failure:
            if failure.kind in ("time", "memory") and failure.batch is not None:
                failure = self._diagnosed(failure, make(failure.batch), data, kinds)
            raise self._error(failure, subjects, batches) from None
        return [ev for ev in out if ev is not None]

    def _modules(self, kinds: list[str], *, marked: bool) -> dict[str, str]:
        """The run's modules, its collectors and the batch rule, with or without markers."""
        modules = dict(self._policies.sources_for(self._plans))
        modules.update({f"<cxgov>/collect-{k}.rego": collector_module(k, self._plans, marked=marked) for k in kinds})
        modules["<cxgov>/batch.rego"] = BATCH_MODULE if marked else UNMARKED_BATCH_MODULE
        return modules

    def _diagnosed(self, failure: pool.Failure, docs: list[dict], data: dict, kinds: list[str]) -> pool.Failure:
        """The batch that reached a limit, evaluated again in a fresh worker with markers, which name
        the document and the package where it is reached again; the first failure when it is not."""
        try:
            for _ in pool.evaluate(1, lambda _: docs, workers=1, data=data, modules=self._modules(kinds, marked=True),
                                   bounds=self.bounds):
                pass
        except pool.Failure as again:
            if again.kind == failure.kind and again.doc is not None:
                return dataclasses.replace(again, batch=failure.batch)
        return failure

    def _error(self, failure: pool.Failure, subjects: Sequence[Subject], batches: list[list[int]]) -> Exception:
        """The CxgovError a failed batch stands for, naming the subject, the package and the limit."""
        batch = batches[failure.batch] if failure.batch is not None else []
        subject = subjects[batch[failure.doc]] if failure.doc is not None and failure.doc < len(batch) else None
        where = _where(subject, batch, subjects)
        if failure.kind == "policy":
            return PolicyError(failure.message, hint="fix the policy")
        if failure.kind == "input":
            return EngineError(failure.message, where=where)
        if failure.kind == "eval":
            return EngineError(f"evaluation failed: {failure.message}", where=where,
                               hint="a builtin failed on this document; see the policy line named")
        if failure.kind == "engine":
            return EngineError(failure.message, hint=failure.hint)
        package = self._package_of(failure.package)
        doing = "loading the policies" if failure.batch is None else "evaluating" + (f" package {package}"
                                                                                      if package else "")
        limit = self.bounds.reached(failure.kind, doing, where, per=" per batch")
        if limit is not None:
            return limit
        return EngineError(f"{doing} failed: {failure.message}", where=where,
                           hint="report this with the policy and the document named")

    def _package_of(self, index: int | None) -> str:
        """`main (policy/main.rego)`: a package by its index in the plans, and its first file."""
        if index is None or not 0 <= index < len(self._plans):
            return ""
        package = self._plans[index].package
        files = sorted(m.path for m in self._policies.modules if m.package == package)
        return f"{package} ({files[0]})" if files else package

    def _located(self, exc: PolicyError) -> PolicyError:
        """A result-type error of data.<package>.<rule>, at the rule's file:line:col."""
        if exc.where:
            return exc
        match = re.search(r"data\.([\w.]+)\.(\w+)", exc.message)
        if match:
            for module in self._policies.modules:
                if module.package == match[1]:
                    rule = next((r for r in module.rules if r.name == match[2]), None)
                    if rule is not None:
                        return PolicyError(exc.message, where=f"{module.path}:{rule.line}:{rule.col}", hint=exc.hint)
        return exc


def _where(subject: Subject | None, batch: list[int], subjects: Sequence[Subject]) -> str | None:
    """The subject as errors name it: its origin, and its id when that says more."""
    if subject is not None:
        origin = str(subject.origin)
        return origin if subject.id in (origin, subject.origin.file) else f"{origin} ({subject.id})"
    if batch:
        first, last = subjects[batch[0]], subjects[batch[-1]]
        return str(first.origin) if len(batch) == 1 else f"one of {len(batch)} documents from {first.origin} to {last.origin}"
    return None


def _package(kind: str) -> str:
    return kind.replace("-", "_")


def collector_path(kind: str) -> str:
    return f"{COLLECTOR_PACKAGE}/{_package(kind)}/results"


def collector_module(kind: str, plans: list[NamespacePlan], *, marked: bool = False) -> str:
    """One rule gathering every control rule that judges `kind` as [package, rule, value]: one
    entrypoint per kind, whatever the number of packages and rules. An undefined rule is absent.

    `marked` (the embedded engine's workers): each package's rules are gathered by a helper rule
    entered through `cxgov.at_package(<index in plans>)`, which records the package being evaluated
    so a limit reached there names it."""
    lines = [f"package {COLLECTOR_PACKAGE}.{_package(kind)}", "", "import rego.v1", ""]
    for index, plan in enumerate(plans):
        if not plan.applies(kind):
            continue
        names = [*plan.rules, *(["exception"] if plan.has_exception else [])]
        if marked:
            lines.append(f"results contains row if {{ cxgov.at_package({index}); some row in _p{index} }}")
        head = f"_p{index} contains" if marked else "results contains"
        for name in names:
            lines.append(f'{head} ["{plan.package}", "{name}", v] if v := data.{plan.package}.{name}')
    if len(lines) == 4:  # no package judges this kind: an empty set, not an undefined rule
        lines.append("results := set()")
    return "\n".join(lines) + "\n"
