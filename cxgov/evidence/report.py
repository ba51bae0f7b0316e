"""report.html: the bundle for a person — the verdict and what to fix first, the key that signed it
and the command that verifies it, charts and the control matrix, findings grouped by framework and
rule (UI findings merged across states), model cards, WCAG screenshots and waivers.

`render_report` is a pure function of the view and the manifest: this module and report_rows.py
(finding rows, places and JSON-pointer evidence links), report_summary.py (top causes, grouping,
signing, dates) and report_charts.py (SVG geometry) prepare plain data, and a sandboxed, autoescaping
Jinja2 template (templates/report.html.j2, with templates/report_charts.html.j2) lays it out. The
page is self-contained — inline CSS and SVG, no script, no font or image from the network (a
Content-Security-Policy forbids it) — and links only to files inside the bundle, by relative path,
with a JSON pointer (RFC 6901) fragment to the exact entry where there is one. Long parts are
collapsed in native <details>. It is written to pass WCAG 2.2 AA: landmarks, a skip link, headings
in order, table headers with scope, text labels beside every colour, a text alternative and a
table for every chart, visible focus, 4.5:1 contrast, 24 px targets.

`manifest` is the bundle's manifest.json as a dict; the report reads its scalar fields (format,
created, versions, signature, ...) and its `files`, as a list of `{path, sha256, size}` or a mapping
`path -> {sha256, size}`. From the view it also reads, when present, `collected` (source kind ->
RFC 3339 time it was collected) and `drift_history` (drift runs, for the trend chart).
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from cxgov import __version__
from cxgov.evidence import report_charts, report_summary
from cxgov.evidence.controls import control_matrix
from cxgov.evidence.report_rows import finding_rows, href, slug as _slug, status_of as _status
from cxgov.evidence.view import BundleView
from cxgov.formats._common import conftest_summary, not_judged, not_judged_hint
from cxgov.model import Finding, Subject

__all__ = ["href", "render_report", "report_context"]

STATUS_LABELS = {
    "satisfied": "Satisfied",
    "not-satisfied": "Not satisfied",
    "not-assessed": "Not assessed",
    "deny": "Fail",
    "warn": "Warning",
    "waived": "Waived",
}
#: text symbols beside each status, so no status is told by colour alone
STATUS_SYMBOLS = {"satisfied": "✓", "not-satisfied": "✗", "not-assessed": "–", "deny": "✗", "warn": "!", "waived": "≈"}


def render_report(view: BundleView, manifest: dict[str, Any]) -> str:
    return _template().render(report_context(view, manifest))


def report_context(view: BundleView, manifest: dict[str, Any]) -> dict[str, Any]:
    """Everything the template shows, as plain data in a fixed order."""
    result = view.result
    matrix = control_matrix(view)
    findings = sorted(result.findings, key=Finding.sort_key)
    models = [_model_card(view, s) for s in view.of_kind("model-version") if isinstance(s.document, dict)]
    rows = finding_rows(view)
    cards = {m["id"]: m["slug"] for m in models}
    for row in rows:  # a model version's findings also lead to its card
        for subject in sorted({f.subject for f in row.findings} & set(cards)):
            row.evidence.append({"href": f"#model-{cards[subject]}", "label": f"model card of {subject}"})
    frameworks = sorted((_framework(view, fw) for fw in matrix["frameworks"]),
                        key=lambda fw: report_summary.framework_order(fw["id"]))
    causes = report_summary.top_causes(rows)
    verdict = result.verdict
    return {
        "system": view.system,
        "created": view.created,
        "times": report_summary.times(view, result.run.evaluation_date),
        "signing": report_summary.signing(manifest),
        "run": result.run.to_dict(),
        "tool_version": __version__,
        # the counts every format reads (gate.verdict), never recounted here
        "verdict": {"passed": verdict.passed, "fail_on": verdict.fail_on, "counts": verdict.counts},
        "conftest": conftest_summary(verdict.counts).removeprefix("conftest-style: "),
        "not_judged": [{"file": file, "kind": kind, "count": len(subjects), "hint": not_judged_hint(kind),
                        "subjects": [s.id for s in subjects]} for file, kind, subjects in not_judged(result)],
        "summary": matrix["summary"],
        "frameworks": frameworks,
        "top_causes": causes,
        # failing rows "What to fix first" leaves out
        "more_deny": sum(r.status == "deny" for r in rows) - sum(len(c["places"]) for c in causes),
        "rows": len(rows),
        "groups": report_summary.grouped(rows),
        "charts": {
            "findings": report_charts.findings_chart(result.findings, [(fw["id"], fw["title"]) for fw in frameworks]),
            "controls": report_charts.controls_chart(frameworks),
            # a drift history, when the bundle carries one: the trend of open findings
            "trend": report_charts.trend_chart(view.drift_history),
        },
        "subject_count": len(result.subjects),
        "models": models,
        # each page's states in the order they were scanned (closed, open, ... as a user meets them)
        "scans": [_scan(view, s) for s in sorted(view.of_kind("ui-scan"), key=_scan_order) if isinstance(s.document, dict)],
        "waivers": _waivers(findings, result.run.evaluation_date),
        "ai": _ai_services(view),
        "manifest": _manifest(manifest),
        "labels": STATUS_LABELS,
        "symbols": STATUS_SYMBOLS,
    }


@functools.lru_cache(maxsize=1)
def _template():
    from importlib.resources import files

    from jinja2 import FunctionLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    templates = files("cxgov.evidence").joinpath("templates")
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                               keep_trailing_newline=True,
                               loader=FunctionLoader(lambda name: templates.joinpath(name).read_text(encoding="utf-8")))
    env.filters["href"] = href
    return env.get_template("report.html.j2")


def _framework(view: BundleView, framework: dict[str, Any]) -> dict[str, Any]:
    rules_anchored = {f.rule_id for f in view.result.findings}
    controls = []
    for c in framework["controls"]:
        controls.append({
            "id": c["id"],
            "status": c["status"],
            "counts": c["counts"],
            "findings_text": ", ".join(f"{n} {k}" for k, n in c["counts"].items() if n) or "none",
            "rules": [{"id": r["id"], "title": r["title"], "assessed": r["assessed"],
                       "anchor": f"rule-{_slug(r['id'])}" if r["id"] in rules_anchored else None}
                      for r in c["rules"]],
            "evidence": c["evidence"],
        })
    return {"id": framework["id"], "title": framework["title"], "slug": _slug(framework["id"]),
            # findings that map to the framework, each counted once (the verdict's by_framework)
            "counts": framework["counts"],
            "summary": framework["summary"], "controls": controls}


def _model_card(view: BundleView, subject: Subject) -> dict[str, Any]:
    doc = subject.document
    run = doc.get("run") or {}
    run_tags = run.get("tags") or {}
    tags = doc.get("tags") or {}
    registered = doc.get("registered_model") or {}
    facts = [
        ("Status", doc.get("status")),
        ("Aliases", ", ".join(map(str, doc.get("aliases") or [])) or "none"),
        ("Approved by", tags.get("approved_by") or "not recorded"),
        ("Approval ticket", tags.get("approval_ticket") or "not recorded"),
        ("Author (run user)", run_tags.get("mlflow.user") or "not recorded"),
        ("Git commit", run_tags.get("mlflow.source.git.commit") or "not recorded"),
        ("Run", doc.get("run_id")),
        ("Source", doc.get("source")),
        ("Tracking server", doc.get("tracking_uri")),
    ]
    model = doc.get("model") or {}
    flavors = model.get("flavors")
    if isinstance(flavors, dict):
        flavors = sorted(flavors)
    if flavors:
        facts.append(("Flavors", ", ".join(map(str, flavors))))
    datasets = [{"name": i.get("name"), "context": i.get("context") or "unspecified", "digest": i.get("digest") or "none",
                 "source": i.get("source") or ""}
                for i in run.get("inputs") or [] if isinstance(i, dict)]
    findings = [f for f in view.result.findings if f.subject == subject.id]
    return {
        "id": subject.id,
        "slug": _slug(subject.id),
        "name": doc.get("name"),
        "version": doc.get("version"),
        "description": doc.get("description") or registered.get("description") or "",
        "facts": [(k, str(v)) for k, v in facts if v not in (None, "")],
        "params": sorted((str(k), str(v)) for k, v in (run.get("params") or {}).items()),
        "metrics": sorted((str(k), _number(v)) for k, v in (run.get("metrics") or {}).items()),
        "tags": sorted((str(k), str(v)) for k, v in tags.items()),
        "datasets": datasets,
        "findings": [(f.rule_id, _status(f), f.message) for f in sorted(findings, key=Finding.sort_key)],
        "evidence": view.evidence(subject.id),
    }


#: axe-core's impacts, worst first: a reader meets the blocking failures first
IMPACT_ORDER = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3}


def _scan_order(subject: Subject) -> tuple:
    doc = subject.document if isinstance(subject.document, dict) else {}
    index = doc.get("state_index")
    return (str(doc.get("url") or subject.id), index if isinstance(index, int) else 1 << 30, subject.id)


def _scan(view: BundleView, subject: Subject) -> dict[str, Any]:
    doc = subject.document
    axe = doc.get("axe") or {}
    engine = axe.get("testEngine") or {}
    viewport = doc.get("viewport") or {}
    size = f"{viewport.get('width')}×{viewport.get('height')}" if viewport.get("width") else "unknown size"
    files = view.evidence(subject.id)
    screenshot = next((f for f in files if f.endswith(".png")), None)
    page, state = doc.get("page") or doc.get("url"), doc.get("state") or "default"
    violations = [{"id": v.get("id"), "impact": v.get("impact") or "unknown", "help": v.get("help") or "",
                   "targets": [", ".join(map(str, n.get("target") or [])) for n in v.get("nodes") or [] if isinstance(n, dict)]}
                  for v in axe.get("violations") or [] if isinstance(v, dict)]
    return {
        "id": subject.id,
        "slug": _slug(subject.id),
        "page": page,
        "state": state,
        "url": doc.get("url"),
        "viewport": size,
        "timestamp": doc.get("timestamp") or "",
        "engine": f"{engine.get('name', 'axe-core')} {engine.get('version', '(version not recorded)')}",
        "violations": sorted(violations, key=lambda v: (IMPACT_ORDER.get(v["impact"], len(IMPACT_ORDER)), str(v["id"]))),
        "incomplete": len(axe.get("incomplete") or []),
        "passes": axe.get("passes_count"),
        "screenshot": screenshot,
        "alt": f"Screenshot of {page}, state “{state}”, at {size} pixels",
        "evidence": files,
    }


def _ai_services(view: BundleView) -> dict[str, Any]:
    """The descriptor's AI providers and the undeclared AI usage the shadow-AI rules found
    (cxgov/evidence/aibom.py reads them from the findings, as the SBOM does)."""
    from cxgov.evidence import aibom

    descriptor = view.descriptor() or {}
    declared = [{"name": str(p.get("name")), "service": p.get("service"), "region": p.get("region")}
                for p in descriptor.get("ai_providers") or [] if isinstance(p, dict) and p.get("name")]
    found = [dict(u.to_dict(), where=u.where) for u in aibom.usages(view.result.findings) if u.declared is not True]
    return {"declared": declared, "found": found, "has_descriptor": bool(descriptor)}


def _waivers(findings: list[Finding], evaluation_date: str) -> list[dict[str, Any]]:
    today = date.fromisoformat(evaluation_date)
    by_waiver: dict[tuple, dict[str, Any]] = {}
    for f in findings:
        if f.waiver is None:
            continue
        w = f.waiver
        key = (w.rule, w.subject, w.ticket, w.expires)
        entry = by_waiver.setdefault(key, {**w.to_dict(), "covers": []})
        entry["covers"].append(f"{f.rule_id} on {f.subject}")
        try:
            entry["days_left"] = (date.fromisoformat(w.expires) - today).days
        except ValueError:
            entry["days_left"] = None
    return [by_waiver[k] for k in sorted(by_waiver)]


def _manifest(manifest: dict[str, Any]) -> dict[str, Any]:
    files = manifest.get("files") or []
    if isinstance(files, dict):
        entries = [{"path": p, **(v if isinstance(v, dict) else {"sha256": v})} for p, v in files.items()]
        jq = '.files | to_entries[] | "\\(.value.sha256)  \\(.key)"'
        jq_paths = ".files | keys[]"
    else:
        entries = [e for e in files if isinstance(e, dict)]
        jq = '.files[] | "\\(.sha256)  \\(.path)"'
        jq_paths = ".files[].path"
    facts = [(k, str(v)) for k, v in sorted(manifest.items()) if isinstance(v, (str, int, float, bool)) and k != "files"]
    signature = manifest.get("signature")  # an unsigned bundle says so in its report, not by omission
    facts = sorted(facts + [("signature", f"ed25519, key {signature.get('keyid')}" if isinstance(signature, dict)
                                          else "UNSIGNED")])
    return {
        "facts": facts,
        "files": sorted(({"path": str(e.get("path")), "sha256": str(e.get("sha256", "")), "size": e.get("size")}
                         for e in entries), key=lambda e: e["path"]),
        "jq": jq,
        "jq_paths": jq_paths,
    }


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)
