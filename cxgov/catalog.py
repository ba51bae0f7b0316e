"""The control catalog: every rule with its id, title, severity, gate and the controls it serves."""

from __future__ import annotations

import json

from cxgov.model import RuleInfo


def catalog(policy_paths: list[str], builtin: bool) -> list[RuleInfo]:
    from cxgov.engine.policyset import load

    policies = load(policy_paths, builtin=builtin)
    return sorted(policies.catalog().values(), key=lambda r: (not r.builtin, r.id))


def select(rules: list[RuleInfo], framework: str | None, control: str | None) -> list[RuleInfo]:
    out = []
    for r in rules:
        if framework and framework not in r.frameworks:
            continue
        pool = r.frameworks.get(framework, []) if framework else [c for cs in r.frameworks.values() for c in cs]
        if control and control not in pool:
            continue
        out.append(r)
    return out


def render_catalog(policy_paths: list[str], builtin: bool, framework: str | None, control: str | None, output: str) -> str:
    rules = select(catalog(policy_paths, builtin), framework, control)
    if output == "json":
        return json.dumps([r.to_dict() for r in rules], indent=2, sort_keys=True) + "\n"
    return _table(rules)


def _table(rules: list[RuleInfo]) -> str:
    rows = [("ID", "SEVERITY", "GATE", "FROM", "CONTROLS", "TITLE")]
    for r in rules:
        controls = "; ".join(f"{fw} {', '.join(cs)}" for fw, cs in r.frameworks.items())
        rows.append((r.id, r.severity, r.gate, r.effective_from or "-", controls or "-", r.title))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1] for row in rows]
    lines.append(f"\n{len(rules)} rule(s)")
    return "\n".join(line.rstrip() for line in lines) + "\n"
