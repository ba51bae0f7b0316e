"""The verdict: does this result pass the gate, and the counts behind the answer."""

from __future__ import annotations

from collections import defaultdict

from cxgov.model import Check, Finding, Verdict

FAIL_ON = ("deny", "warn", "never")


def verdict(findings: list[Finding], checks: list[Check], fail_on: str = "deny") -> Verdict:
    """Exit 0 when no unwaived deny (and, with fail_on=warn, no unwaived warn) remains."""
    if fail_on not in FAIL_ON:
        raise ValueError(f"fail_on must be one of {FAIL_ON}")
    counts = {"deny": 0, "warn": 0, "waived": 0}
    by_rule: dict[str, dict[str, int]] = defaultdict(lambda: {"deny": 0, "warn": 0, "waived": 0})
    by_control: dict[str, dict[str, int]] = defaultdict(lambda: {"deny": 0, "warn": 0, "waived": 0})
    by_framework: dict[str, dict[str, int]] = defaultdict(lambda: {"deny": 0, "warn": 0, "waived": 0})
    for f in findings:
        bucket = "waived" if f.waiver else f.gate
        counts[bucket] += 1
        by_rule[f.rule_id][bucket] += 1
        for framework, controls in f.controls.items():
            by_framework[framework][bucket] += 1
            for control in controls:
                by_control[f"{framework}:{control}"][bucket] += 1
    counts["successes"] = sum(c.successes for c in checks)
    counts["exceptions"] = sum(len(c.exceptions) for c in checks)
    counts["tests"] = counts["successes"] + counts["exceptions"] + counts["deny"] + counts["warn"] + counts["waived"]
    failed = counts["deny"] > 0 or (fail_on == "warn" and counts["warn"] > 0)
    return Verdict(
        passed=fail_on == "never" or not failed,
        fail_on=fail_on,
        counts=counts,
        by_rule={k: by_rule[k] for k in sorted(by_rule)},
        by_control={k: by_control[k] for k in sorted(by_control)},
        by_framework={k: by_framework[k] for k in sorted(by_framework)},
    )
