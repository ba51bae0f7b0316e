"""The bundle's oscal/component-definition.json: which controls each evaluated rule checks.

One component for the builtin policy packs and one for the team's own policies (when the run has
any), each with one control implementation against the bundle's catalog (catalog.json beside it).
Its implemented requirements are one per control: the control's catalog id, the rules that check
it in the description and, one prop per rule, `rule-id`. The component's own `rule-id` props name
every rule with its title in the remarks, so a rule that maps no control is listed too.
"""

from __future__ import annotations

from typing import Any

from cxgov import __version__
from cxgov.evidence.oscal_catalog import control_token
from cxgov.evidence.oscal_common import CATALOG, checked, derived, line, metadata, prop, root_uuid
from cxgov.evidence.view import BundleView
from cxgov.model import RuleInfo


def component_definition(view: BundleView) -> dict[str, Any]:
    root = root_uuid(view, "component-definition")
    rules = list(view.result.rules.values())
    components = []
    for builtin, title, purpose in (
        (True, "cxgov builtin policy packs", "Check a customer-experience AI system against EU data residency, "
                                             "GDPR, SOC 2, EU AI Act and accessibility requirements"),
        (False, f"{view.system} team policies", "The team's own Rego policies, evaluated beside the builtin packs"),
    ):
        chosen = sorted((r for r in rules if r.builtin == builtin), key=lambda r: r.id)
        if chosen:
            components.append(_component(root, "builtin" if builtin else "team", title, purpose, chosen, view))
    document = {
        "uuid": str(root),
        "metadata": metadata(f"cxgov rules and the controls they check: {view.system}", view,
                             props=[prop("cxgov-version", __version__),
                                    prop("policy-digest", view.result.run.policy_digest)]),
    }
    if components:
        document["components"] = components
    return checked("component", {"component-definition": document})


def _component(root, key: str, title: str, purpose: str, rules: list[RuleInfo], view: BundleView) -> dict[str, Any]:
    from cxgov.evidence.controls import natural_key, rule_controls

    by_control: dict[str, dict[str, Any]] = {}
    for rule in rules:
        for framework, controls in rule_controls(rule).items():
            for control in controls:
                token = control_token(framework, control)
                entry = by_control.setdefault(token, {"framework": framework, "control": control, "rules": {}})
                entry["rules"][rule.id] = rule
    requirements = []
    for token in sorted(by_control, key=natural_key):
        entry = by_control[token]
        checked_by = sorted(entry["rules"].values(), key=lambda r: natural_key(r.id))
        requirements.append({
            "uuid": derived(root, key, "requirement", token),
            "control-id": token,
            "description": f"{entry['framework']} {entry['control']} is checked by "
                           + "; ".join(f"{r.id} ({line(r.title)})" for r in checked_by) + ".",
            "props": [prop("rule-id", r.id) for r in checked_by],
        })
    component: dict[str, Any] = {
        "uuid": derived(root, key, "component"),
        "type": "software",
        "title": title,
        "description": f"{len(rules)} rule(s) evaluated by cxgov {__version__} with the {view.result.run.engine} "
                       f"engine {view.result.run.engine_version}.",
        "purpose": purpose,
        "props": [prop("rule-id", r.id, remarks=line(r.title) or r.id) for r in rules],
    }
    if requirements:
        component["control-implementations"] = [{
            "uuid": derived(root, key, "implementation"),
            "source": CATALOG,
            "description": "The controls these rules check, by their id in the bundle's catalog.",
            "implemented-requirements": requirements,
        }]
    return component
