"""The verdict: does this result pass the gate, and the counts behind the answer.

The counts are computed here once, from the findings and checks, and every format and view reads
them (text, JSON, SARIF, JUnit, Markdown, GitHub, summary.json, report.html, `evidence show`):

- `findings`: every finding, waived ones included (= deny + warn + waived);
- `deny`, `warn`: unwaived findings by gate; `waived`: findings a waiver covers;
- `pre_enforcement`: of the `warn` ones, findings of a deny rule not yet in force;
- conftest-style tests, as conftest tallies them: `tests` (one per rule evaluation and subject:
  successes + exceptions + findings), `successes`, `exceptions`. They are labelled as such wherever
  they are shown, beside the findings, never instead of them.

`by_framework` counts each finding once per framework its controls map to; `by_control` once per
control; `by_rule` once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from cxgov.model import Check, Finding, Verdict

FAIL_ON = ("deny", "warn", "never")
#: the finding counts, in the order every format shows them
FINDING_COUNTS = ("findings", "deny", "warn", "waived", "pre_enforcement")
#: conftest's tallies, always shown labelled "conftest-style"
CONFTEST_COUNTS = ("tests", "successes", "exceptions")


def today() -> str:
    """The evaluation date when none is given: today in UTC, the same day wherever the gate runs."""
    return datetime.now(timezone.utc).date().isoformat()


@dataclass(frozen=True)
class GateOptions:
    """What a gating command judges by: the findings that fail it, the waivers, the date rules judge
    against. `fail_on` None (merge, drift): the judged runs' own."""

    fail_on: str | None
    waivers: Path | None
    evaluation_date: str


def bucket(finding: Finding) -> str:
    """What a finding counts as: "waived", else its gate ("deny" or "warn")."""
    return "waived" if finding.waiver is not None else finding.gate


def verdict(findings: list[Finding], checks: list[Check], fail_on: str = "deny") -> Verdict:
    """Exit 0 when no unwaived deny (and, with fail_on=warn, no unwaived warn) remains."""
    if fail_on not in FAIL_ON:
        raise ValueError(f"fail_on must be one of {FAIL_ON}")
    counts = dict.fromkeys(FINDING_COUNTS, 0)
    by_rule: dict[str, dict[str, int]] = defaultdict(lambda: {"deny": 0, "warn": 0, "waived": 0})
    by_control: dict[str, dict[str, int]] = defaultdict(lambda: {"deny": 0, "warn": 0, "waived": 0})
    by_framework: dict[str, dict[str, int]] = defaultdict(lambda: {"deny": 0, "warn": 0, "waived": 0})
    for f in findings:
        b = bucket(f)
        counts["findings"] += 1
        counts[b] += 1
        counts["pre_enforcement"] += int(b == "warn" and f.pre_enforcement)
        by_rule[f.rule_id][b] += 1
        for framework, controls in f.controls.items():
            if not controls:
                continue
            by_framework[framework][b] += 1
            for control in set(controls):
                by_control[f"{framework}:{control}"][b] += 1
    counts["successes"] = sum(c.successes for c in checks)
    counts["exceptions"] = sum(len(c.exceptions) for c in checks)
    counts["tests"] = counts["successes"] + counts["exceptions"] + counts["findings"]
    failed = counts["deny"] > 0 or (fail_on == "warn" and counts["warn"] > 0)
    return Verdict(
        passed=fail_on == "never" or not failed,
        fail_on=fail_on,
        counts=counts,
        by_rule={k: by_rule[k] for k in sorted(by_rule)},
        by_control={k: by_control[k] for k in sorted(by_control)},
        by_framework={k: by_framework[k] for k in sorted(by_framework)},
    )
