"""The top of the report: what to fix first, who signed the bundle and how to verify it, and the
times that date it; and the findings grouped by framework and by rule below it.

Pure functions of the report's rows (cxgov.evidence.report_rows), the view and the manifest.
"""

from __future__ import annotations

from typing import Any

from cxgov.evidence.controls import framework_title, natural_key
from cxgov.evidence.report_rows import STATUS_ORDER, Row, slug, status_of

#: how many causes "What to fix first" lists: a first screen, not a second findings table
TOP_CAUSES = 5
#: the frameworks a reader looks for first; others follow by id
REPORT_ORDER = ("gdpr", "soc2", "eu-ai-act", "wcag22", "eaa", "en301549")
OTHER = "other"
#: how each kind of source reads in the sentence "collected ..."
SOURCE_NAMES = {"ui-scan": "UI scans", "model-version": "model registry", "files": "files",
                "kubernetes": "Kubernetes manifests", "terraform-plan": "Terraform plan", "descriptor": "descriptor"}


def framework_order(framework: str) -> tuple:
    return (REPORT_ORDER.index(framework) if framework in REPORT_ORDER else len(REPORT_ORDER), framework)


def top_causes(rows: list[Row], limit: int = TOP_CAUSES, places: int = 3) -> list[dict[str, Any]]:
    """The highest-severity unwaived deny causes (rows are already in that order), one per rule: its
    rule, remediation and the first few places it fails at (resource, file and line)."""
    causes: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row.status != "deny":
            continue
        cause = causes.get(row.rule_id)
        if cause is None:
            if len(causes) == limit:
                continue
            cause = causes[row.rule_id] = {"rule_id": row.rule_id, "title": row.title, "severity": row.severity,
                                           "remediation": row.remediation, "anchor": row.anchor, "places": [], "more": 0}
        if len(cause["places"]) < places:
            cause["places"].append(row)
        else:
            cause["more"] += 1
    return list(causes.values())


def _primary_framework(row: Row) -> str:
    named = {fw for f in row.findings for fw, controls in f.controls.items() if controls}
    return min(named, key=framework_order) if named else OTHER


def grouped(rows: list[Row]) -> list[dict[str, Any]]:
    """Frameworks (in REPORT_ORDER), each with its rules and their rows. A rule sits under the first
    framework it maps to, so each row appears once; its summary names all its controls."""
    by_rule: dict[str, list[Row]] = {}
    for row in rows:
        by_rule.setdefault(row.rule_id, []).append(row)
    frameworks: dict[str, list[dict[str, Any]]] = {}
    for rule_id, rule_rows in by_rule.items():
        frameworks.setdefault(_primary_framework(rule_rows[0]), []).append(_rule_group(rule_id, rule_rows))
    out = []
    for fw in sorted(frameworks, key=lambda k: (k == OTHER, framework_order(k))):
        rules = sorted(frameworks[fw], key=lambda g: (g["order"], natural_key(g["id"])))
        counts = {k: sum(g["counts"][k] for g in rules) for k in ("deny", "warn", "waived")}
        out.append({"id": fw, "slug": slug(fw),
                    "title": "Rules that name no framework" if fw == OTHER else framework_title(fw),
                    "rules": rules, "counts": counts, "findings": sum(counts.values())})
    return out


def _rule_group(rule_id: str, rows: list[Row]) -> dict[str, Any]:
    counts = {"deny": 0, "warn": 0, "waived": 0}
    for row in rows:
        for f in row.findings:
            counts[status_of(f)] += 1
    status = next(s for s in ("deny", "warn", "waived") if counts[s]) if any(counts.values()) else "warn"
    remediations = {r.remediation for r in rows}
    controls = sorted({c for r in rows for c in r.controls}, key=natural_key)
    first = rows[0]
    return {"id": rule_id, "anchor": f"rule-{slug(rule_id)}", "title": first.title, "severity": first.severity,
            "status": status, "order": (STATUS_ORDER[status], min(r.order()[1] for r in rows)),
            "counts": counts, "findings": sum(counts.values()), "rows": rows, "controls": controls,
            # one remediation per rule, told once, unless its findings carry their own
            "remediation": first.remediation if len(remediations) == 1 else "",
            "merged": any(r.states for r in rows)}


def signing(manifest: dict[str, Any]) -> dict[str, Any]:
    """The key that signed the bundle and the one command that checks it, run in the bundle's directory."""
    signature = manifest.get("signature")
    if isinstance(signature, dict) and signature.get("keyid"):
        keyid = str(signature["keyid"])
        return {"signed": True, "keyid": keyid, "algorithm": str(signature.get("algorithm") or "ed25519"),
                "command": f"cxgov evidence verify . --public-key sha256:{keyid}"}
    return {"signed": False, "keyid": None, "algorithm": None, "command": "cxgov evidence verify . --allow-unsigned"}


def times(view, evaluation_date: str) -> dict[str, Any]:
    """The evaluation date (the day the policies judge as of), when the bundle was written, and when
    each source was collected, when the bundle records it."""
    sources = [{"kind": str(k), "name": SOURCE_NAMES.get(str(k), str(k)), "time": str(v)}
               for k, v in sorted(view.collected.items()) if v]
    return {"evaluation_date": evaluation_date, "created": view.created, "collected": sources}
