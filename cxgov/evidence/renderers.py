"""The bundle's views for people and other tools: control matrix, SBOM, OSCAL, HTML report.

Each is a pure function of a BundleView (cxgov/evidence/view.py) in its own module. They are
looked up here by name so the bundle writer has one call site; a renderer whose module is not part
of this installation is left out of the bundle and listed in the manifest's `omitted`, never faked.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from cxgov.errors import CxgovError
from cxgov.evidence import bundle as layout

# bundle file -> (module, function); all take a BundleView and return a JSON-able dict
JSON_RENDERERS = {
    layout.CONTROLS: ("cxgov.evidence.controls", "control_matrix"),
    "sbom.cdx.json": ("cxgov.evidence.sbom", "build_sbom"),
    "oscal/assessment-results.json": ("cxgov.evidence.oscal", "assessment_results"),
    # what the results import and resolve against (oscal_common.py: the chain of hrefs)
    "oscal/assessment-plan.json": ("cxgov.evidence.oscal_plan", "assessment_plan"),
    "oscal/system-security-plan.json": ("cxgov.evidence.oscal_plan", "system_security_plan"),
    "oscal/profile.json": ("cxgov.evidence.oscal_plan", "profile"),
    "oscal/catalog.json": ("cxgov.evidence.oscal_catalog", "bundle_catalog"),
    "oscal/component-definition.json": ("cxgov.evidence.oscal_component", "component_definition"),
}
REPORT = ("report.html", "cxgov.evidence.report", "render_report")  # (view, manifest) -> str


def available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def missing() -> list[str]:
    """Bundle files this installation cannot render."""
    wanted = [(f, m) for f, (m, _) in JSON_RENDERERS.items()] + [(REPORT[0], REPORT[1])]
    if not available("cxgov.evidence.view"):
        return sorted(f for f, _ in wanted)
    return sorted(f for f, m in wanted if not available(m))


def render(inp, finding_dicts: list[dict], subjects: list, evidence_files: dict[str, list[str]],
           collected: dict[str, str], files: dict[str, bytes], manifest_for) -> dict[str, bytes]:
    """The rendered files from the redacted findings and subjects (`collected`: subject kind -> when
    that source was collected); `manifest_for(files)` gives the manifest the report describes (every
    file but the report itself)."""
    if not available("cxgov.evidence.view"):
        return {}
    from dataclasses import replace

    from cxgov.evidence.build import dumps
    from cxgov.evidence.times import rfc3339
    from cxgov.formats.json_read import finding_from_dict
    from cxgov.evidence.view import BundleView
    result = replace(inp.result, findings=[finding_from_dict(d) for d in finding_dicts])
    view = BundleView(result=result, system=inp.system, created=rfc3339(inp.epoch), subjects=subjects,
                      files={k: list(v) for k, v in evidence_files.items()},
                      collected=collected, drift_history=inp.drift_history)
    out: dict[str, bytes] = {}
    for name, (module, function) in JSON_RENDERERS.items():
        if available(module):
            out[name] = dumps(_call(name, module, function, view))
    name, module, function = REPORT
    if available(module):
        html = _call(name, module, function, view, manifest_for({**files, **out}))
        out[name] = html.encode("utf-8")
    return out


def _call(name: str, module: str, function: str, *args: Any) -> Any:
    try:
        return getattr(importlib.import_module(module), function)(*args)
    except CxgovError:
        raise
    except Exception as exc:  # a renderer bug must fail the audit, not drop a file silently
        raise CxgovError(f"could not write {name}: {type(exc).__name__}: {exc}", where=f"{module}.{function}") from exc
