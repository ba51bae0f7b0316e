"""Which rules a run evaluates and which findings fail its gate: the habits of conftest, checkov and
trivy users (`--rule/--skip-rule`, `--pack`, `--severity`), and the verdict after inline suppressions
and a baseline.

- `--pack NAME` (repeatable): only these builtin packs (residency, gdpr, soc2, ai_act, wcag,
  governance, shadow_ai), as `policies.builtin: [...]` does in cxgov.yaml.
- `--rule ID|GLOB` / `--skip-rule ID|GLOB` (repeatable): a builtin rule that is not selected is not
  evaluated at all (each builtin rule is its own package); a finding of a deselected rule of your own
  packages (which may hold several rules) is dropped after evaluation. A pattern matching no rule
  is a usage error, never an empty pass.
- `--severity LEVEL`: the lowest severity that fails the gate, as checkov's `--hard-fail-on`. Findings
  below it stay in every output; the counts say how many did not gate (`below_severity`).

The verdict is computed once more, by gate.verdict(), over the findings as they stand; the counts it
returns gain `suppressed`, `baselined` and `below_severity` when there are any.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
from dataclasses import dataclass

from cxgov import gate
from cxgov.errors import UsageError
from cxgov.model import SEVERITIES, Finding, Result
from cxgov.packs import PACKS

#: findings about the gate itself (a broken waiver, a suppression without a reason): never deselected
GATE_RULES = frozenset({"GOV-002", "GOV-005"})


@dataclass(frozen=True)
class Selection:
    rules: tuple[str, ...] = ()  # ids or globs to run; empty: all
    skip_rules: tuple[str, ...] = ()
    packs: tuple[str, ...] = ()  # builtin packs to run; empty: all (with --builtin)
    severity: str | None = None  # the lowest severity that fails the gate

    def __post_init__(self):
        unknown = [p for p in self.packs if p not in PACKS]
        if unknown:
            near = difflib.get_close_matches(unknown[0], PACKS, n=1)
            raise UsageError(f"unknown pack {unknown[0]!r}", hint=(f"did you mean {near[0]!r}? " if near else "")
                             + "packs: " + ", ".join(PACKS))
        if self.severity is not None and self.severity not in SEVERITIES:
            raise UsageError(f"unknown severity {self.severity!r}", hint="choose from " + ", ".join(SEVERITIES))

    def wants(self, rule_id: str) -> bool:
        if rule_id in GATE_RULES:
            return True
        if self.rules and not any(fnmatch.fnmatchcase(rule_id, p) for p in self.rules):
            return False
        return not any(fnmatch.fnmatchcase(rule_id, p) for p in self.skip_rules)

    def gates(self, finding: Finding) -> bool:
        """Whether the finding's severity is at or above the threshold."""
        if self.severity is None:
            return True
        rank = {s: i for i, s in enumerate(SEVERITIES)}
        return rank.get(finding.severity, len(SEVERITIES)) <= rank[self.severity]


def policy_paths(selection: Selection, policy: list[str], builtin: bool) -> tuple[list, bool]:
    """(policy paths, builtin flag) for policyset.load: a subset of packs is named by path, so it
    stays builtin (its data and stricter lint come with it)."""
    if not selection.packs or set(selection.packs) == set(PACKS):
        return list(policy), builtin
    if not builtin:
        raise UsageError("--pack chooses builtin packs, but --no-builtin turns them off", hint="drop one of them")
    from cxgov.engine.policyset import builtin_pack_paths

    return [*builtin_pack_paths([p for p in PACKS if p in selection.packs]), *policy], False


def restrict(policies, selection: Selection):
    """The PolicySet without the builtin packages whose every rule is deselected; a --rule or
    --skip-rule pattern that names no rule of the set is a usage error."""
    if not selection.rules and not selection.skip_rules:
        return policies
    ids = sorted({info.id for info in policies.rules.values()})
    for pattern in (*selection.rules, *selection.skip_rules):
        if not any(fnmatch.fnmatchcase(i, pattern) for i in ids):
            near = difflib.get_close_matches(pattern, ids, n=1)
            raise UsageError(f"no rule matches {pattern!r}",
                             hint=f"did you mean {near[0]}?" if near else "`cxgov controls` lists the rule ids")
    by_package: dict[str, set[str]] = {}
    for (package, _), info in policies.rules.items():
        by_package.setdefault(package, set()).add(info.id)
    builtin_packages = {m.package for m in policies.modules if m.path in policies.builtin_paths}
    dropped = {p for p, rule_ids in by_package.items()
               if p in builtin_packages and not any(selection.wants(i) for i in rule_ids)}
    if not dropped:
        return policies
    return dataclasses.replace(
        policies,
        modules=[m for m in policies.modules if m.package not in dropped],
        rules={k: v for k, v in policies.rules.items() if k[0] not in dropped},
    )


def rejudge(result: Result, findings: list[Finding], selection: Selection, extra_rules=()) -> Result:
    """`result` with these findings (deselected rules dropped) and their verdict: computed by
    gate.verdict(), passed only by the findings at or above --severity, with the sub-counts."""
    from cxgov.suppressions import kind_of

    findings = sorted((f for f in findings if selection.wants(f.rule_id)), key=Finding.sort_key)
    fail_on = result.verdict.fail_on
    verdict = gate.verdict(findings, result.checks, fail_on)
    counts = dict(verdict.counts)
    kinds = [kind_of(f.waiver) for f in findings]
    for name, wanted in (("suppressed", ("inline", "annotation")), ("baselined", ("baseline",))):
        n = sum(k in wanted for k in kinds)
        if n:
            counts[name] = n
    passed = verdict.passed
    if selection.severity is not None:
        gating = [f for f in findings if selection.gates(f)]
        passed = gate.verdict(gating, result.checks, fail_on).passed
        failing = {"deny": ("deny",), "warn": ("deny", "warn"), "never": ()}[fail_on]
        below = sum(1 for f in findings if f.waiver is None and f.gate in failing and not selection.gates(f))
        if below:
            counts["below_severity"] = below
    rules = dict(result.rules)
    for info in extra_rules:
        rules.setdefault(info.id, info)
    rules = {k: rules[k] for k in sorted(rules) if selection.wants(k) or any(f.rule_id == k for f in findings)}
    return dataclasses.replace(result, findings=findings, rules=rules,
                               verdict=dataclasses.replace(verdict, passed=passed, counts=counts))

