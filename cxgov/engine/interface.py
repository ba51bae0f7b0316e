"""The one interface every policy engine implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence

from cxgov.errors import PolicyError
from cxgov.model import Check, Finding, Subject
from cxgov.engine.policyset import NamespacePlan, PolicySet

#: per subject, in subject order: a Check per package and the findings
Evaluation = tuple[list[Check], list[Finding]]
Progress = Callable[[int], None]


class Engine(ABC):
    """Compiles a PolicySet once and evaluates subjects against the planned packages."""

    name: str = ""

    @abstractmethod
    def version(self) -> str:
        """The engine's own version, recorded in every result."""

    @abstractmethod
    def prepare(self, policies: PolicySet, plans: list[NamespacePlan], evaluation_date: str, *,
                has_descriptor: bool = False) -> None:
        """Compile; raise PolicyError naming file:line:col for a policy the engine rejects.
        `has_descriptor`: the run includes a cxgov descriptor (data.cxgov.run.has_descriptor)."""

    def _accept(self, policies: PolicySet, plans: list[NamespacePlan], evaluation_date: str) -> None:
        """What every engine's prepare() starts with: plans to evaluate, kept for evaluate()."""
        if not plans:
            raise PolicyError("the selected namespaces hold no deny, violation or warn rules",
                              hint="check -n/--namespace, or use --all-namespaces")
        self._policies, self._plans, self._evaluation_date = policies, plans, evaluation_date

    @abstractmethod
    def evaluate(self, subjects: Sequence[Subject], progress: Progress | None = None) -> list[Evaluation]:
        """One Evaluation per subject, in order; raise EngineError if anything could not be evaluated."""


def rego_input(subject: Subject, evaluation_date: str):
    """The Rego input for a subject: its document, with `evaluation_date` added to objects that lack it."""
    doc = subject.document
    if isinstance(doc, dict) and "evaluation_date" not in doc:
        return {**doc, "evaluation_date": evaluation_date}
    return doc


def data_with_run_facts(policies: PolicySet, evaluation_date: str, has_descriptor: bool = False) -> dict:
    """Policy data plus the run's facts under data.cxgov.run (policies never read the clock; rules
    that judge plans without a descriptor need to know there is none)."""
    data = dict(policies.data)
    cx = dict(data.get("cxgov", {}))
    cx["run"] = {"evaluation_date": evaluation_date, "has_descriptor": has_descriptor}
    data["cxgov"] = cx
    return data
