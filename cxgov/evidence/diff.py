"""`cxgov evidence diff A B`: what changed between two bundles, control by control and finding by finding.

Findings are compared per identity (rule, subject, resource, field): present only in B is new, only
in A is resolved, in both with different findings (message, gate, severity, waiver) is changed.
Controls are compared by their status in controls.json: satisfied, not-satisfied or not-assessed,
nothing else. A control one bundle's policies do not map is not-assessed there (no rule of that run
could assess it); only a control whose status moved is listed. A bundle without controls.json has no
statuses to compare: the diff says so instead of guessing. Inputs are compared by subject sha256.
"""

from __future__ import annotations

from cxgov.evidence.bundle import INPUTS_INDEX, Bundle
from cxgov.model import canonical_json, findings_by_key

#: the status of a control one side's policies do not map: nothing in that run could assess it
NOT_ASSESSED = "not-assessed"


def diff(a: Bundle, b: Bundle) -> dict:
    fa, fb = findings_by_key(a.findings), findings_by_key(b.findings)
    findings = {"new": [], "resolved": [], "changed": []}
    for key in sorted(set(fa) | set(fb)):
        entry = {"rule_id": key[0], "subject": key[1], "resource": key[2], "field": key[3]}
        if key not in fa:
            findings["new"].append({**entry, "after": fb[key]})
        elif key not in fb:
            findings["resolved"].append({**entry, "before": fa[key]})
        elif sorted(map(canonical_json, fa[key])) != sorted(map(canonical_json, fb[key])):
            findings["changed"].append({**entry, "before": fa[key], "after": fb[key]})
    ca, cb = a.summary["verdict"]["by_control"], b.summary["verdict"]["by_control"]
    sa, sb = _matrix(a), _matrix(b)
    controls = []
    if sa is not None and sb is not None:
        for control in sorted(set(sa) | set(sb)):
            before, after = sa.get(control, NOT_ASSESSED), sb.get(control, NOT_ASSESSED)
            if before != after:
                controls.append({"control": control, "before": before, "after": after,
                                 "counts_before": ca.get(control), "counts_after": cb.get(control)})
    ia, ib = _inputs(a), _inputs(b)
    inputs = {"added": sorted(set(ib) - set(ia)), "removed": sorted(set(ia) - set(ib)),
              "changed": sorted(k for k in set(ia) & set(ib) if ia[k] != ib[k])}
    ma, mb = a.manifest, b.manifest
    return {
        "a": {"system": ma.get("system"), "created": ma.get("created"), "passed": ma["verdict"]["passed"]},
        "b": {"system": mb.get("system"), "created": mb.get("created"), "passed": mb["verdict"]["passed"]},
        "policy_digest_changed": ma.get("policy_digest") != mb.get("policy_digest"),
        "controls_compared": sa is not None and sb is not None,
        "controls": controls,
        "findings": findings,
        "inputs": inputs,
    }


def _matrix(bundle: Bundle) -> dict[str, str] | None:
    """framework:control -> satisfied / not-satisfied / not-assessed from controls.json; None without one."""
    matrix = bundle.controls
    if not isinstance(matrix, dict):
        return None
    return {f"{fw['id']}:{c['id']}": c["status"] for fw in matrix.get("frameworks", []) for c in fw.get("controls", [])}


def _inputs(bundle: Bundle) -> dict[str, str]:
    if INPUTS_INDEX not in bundle.files:
        return {}
    return {s["id"]: s["sha256"] for s in bundle.json(INPUTS_INDEX)["subjects"]}


def has_differences(d: dict) -> bool:
    return bool(d["controls"] or any(d["findings"].values()) or any(d["inputs"].values()) or d["policy_digest_changed"])


def render_text(d: dict) -> str:
    lines = [f"A: {d['a']['system']} {d['a']['created']} ({'passed' if d['a']['passed'] else 'failed'})",
             f"B: {d['b']['system']} {d['b']['created']} ({'passed' if d['b']['passed'] else 'failed'})"]
    if d["policy_digest_changed"]:
        lines.append("policies: changed (different policy digest)")
    lines.append("")
    if d.get("controls_compared", True):
        lines.append(f"controls ({len(d['controls'])} changed)")
    else:
        lines.append("controls: not compared (a bundle has no controls.json)")
    for c in d["controls"]:
        lines.append(f"  {c['control']}: {c['before']} -> {c['after']}")
    f = d["findings"]
    lines.append("")
    lines.append(f"findings: {len(f['new'])} new, {len(f['resolved'])} resolved, {len(f['changed'])} changed")
    for label, key in (("NEW", "after"), ("RESOLVED", "before"), ("CHANGED", "after")):
        for item in f[label.lower()]:
            messages = "; ".join(sorted({x["message"] for x in item[key]}))
            lines.append(f"  {label:8} {item['rule_id']} {item['subject']}: {messages}")
    i = d["inputs"]
    lines.append("")
    lines.append(f"inputs: {len(i['added'])} added, {len(i['removed'])} removed, {len(i['changed'])} changed")
    for label in ("added", "removed", "changed"):
        lines += [f"  {label:8} {s}" for s in i[label]]
    return "\n".join(lines) + "\n"
