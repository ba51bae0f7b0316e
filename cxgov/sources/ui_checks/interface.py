"""What a behavioural check is, and the results it gives in axe-core's shape.

A check decides one thing a screen reader or keyboard user meets in the chat widget. It may look at
every scanned state (`at_scan`: geometry, what appeared since the last scan) and at the whole entry
point once its steps have run (`at_end`: what the steps and the keyboard probes showed). Either way
it returns Outcomes, and the rules judge the violations they hold exactly like axe-core's: each
Rule carries the WCAG level and success-criterion tags (`wcag2a`, `wcag413`) and the EN 301 549
clause tag axe-core would give it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cxgov.sources.ui_checks.session import EntryContext, ScanContext

UNDERSTANDING = "https://www.w3.org/WAI/WCAG22/Understanding/"
# the status of one check in one scanned state
PASSED, FAILED, NOT_APPLICABLE, INCOMPLETE = "passed", "failed", "not-applicable", "incomplete"


@dataclass(frozen=True, slots=True)
class Rule:
    """One kind of violation a check reports, as axe-core describes its rules."""

    id: str  # cx-... (never an axe-core rule id)
    criterion: str  # "4.1.3"
    level: str  # the axe-core level tag of the criterion: wcag2a, wcag21aa, wcag22aa
    impact: str  # critical, serious, moderate, minor
    help: str
    understanding: str  # the W3C Understanding page of the criterion

    @property
    def tags(self) -> list[str]:
        tags = ["cat.behaviour", self.level, "wcag" + self.criterion.replace(".", "")]
        if not self.level.startswith("wcag22"):  # EN 301 549 (V3.2.1) clause 9 is WCAG 2.1
            tags += ["EN-301-549", f"EN-9.{self.criterion}"]
        return tags

    def result(self, nodes: list[Node]) -> dict[str, Any]:
        """An axe-core result (violation or incomplete) for these nodes."""
        return {
            "id": self.id,
            "impact": max((n.impact or self.impact for n in nodes), key=IMPACTS.index),
            "tags": self.tags,
            "help": self.help,
            "helpUrl": UNDERSTANDING + self.understanding,
            "nodes": [n.to_dict(self.impact) for n in nodes],
        }


IMPACTS = ("minor", "moderate", "serious", "critical")


class PageError(Exception):
    """A check's page function threw: the check is incomplete, never a pass."""


@dataclass(frozen=True, slots=True)
class Node:
    """One failing element: its selector (a list for an element inside a shadow root, as axe-core
    gives it), the start of its HTML and what is wrong, in a sentence."""

    target: str | list[str]
    html: str
    summary: str
    impact: str | None = None  # when it differs from the rule's

    def to_dict(self, default_impact: str) -> dict[str, Any]:
        return {"target": [self.target], "html": self.html, "impact": self.impact or default_impact,
                "failureSummary": self.summary}


@dataclass
class Outcome:
    """What one check found in one scanned state."""

    status: str
    violations: dict[str, list[Node]] = field(default_factory=dict)  # rule id -> nodes
    incomplete: dict[str, list[Node]] = field(default_factory=dict)
    note: str = ""  # why not applicable or incomplete; what was checked

    @classmethod
    def of(cls, found: dict[str, list[Node]], note: str = "") -> Outcome:
        found = {k: v for k, v in found.items() if v}
        return cls(FAILED if found else PASSED, found, note=note)

    @classmethod
    def skipped(cls, note: str) -> Outcome:
        return cls(NOT_APPLICABLE, note=note)


class Check:
    """A behavioural check: a name, the rules it reports, a page script and two hooks."""

    name: str = ""
    rules: tuple[Rule, ...] = ()
    script: str = ""  # JavaScript added to the page library (functions on `cx`)
    per_scan: bool = False  # at_scan runs in every scanned state
    method: str = ""  # how the check decides, in a sentence or two (recorded in the scan)

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)

    def query(self, scan: ScanContext) -> tuple[str, list] | None:
        """The page function (of `script`) and arguments whose answer at_scan reads as
        `scan.answer(self.name)`: the session asks every check's in one driver call."""
        return None

    def at_scan(self, scan: ScanContext) -> Outcome | None:
        """Decide in the state just scanned (the page is as axe-core saw it); None: nothing to say."""
        return None

    def at_end(self, entry: EntryContext) -> dict[int, Outcome]:
        """Decide from the whole entry point's steps and probes: scan index -> outcome."""
        return {}


def target_text(target) -> str:
    """A node's selector as findings print it (a shadow-root path joined as axe-core's are)."""
    return " >>> ".join(target) if isinstance(target, list) else str(target)


def probe_failed(rule: Rule, event: dict, error: str) -> Outcome:
    """A check the keyboard probes decide, when they could not run: needs review, never passed."""
    return Outcome(INCOMPLETE, incomplete={rule.id: [Node(event["panel"], event.get("html") or "",
                                                          f"the keyboard probe could not run: {error}")]},
                   note="the keyboard probe could not run")
