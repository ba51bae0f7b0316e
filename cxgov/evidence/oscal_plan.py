"""The bundle's OSCAL assessment plan and what it rests on: profile, system security plan, plan.

OSCAL's assessment plan imports a system security plan, which imports a profile, which selects
controls from a catalog. So the bundle holds the chain, each document beside the next under oscal/:

- profile.json: the controls this audit covers (every control the run's rules map), selected from
  catalog.json;
- system-security-plan.json: the system as far as the audit knows it. cxgov does not document how
  the system implements a control; each implemented requirement says which rules check it and
  points at component-definition.json;
- assessment-plan.json: cxgov as the assessing tool, the reviewed controls, the subjects (every
  evaluated input) and one task, the audit; its back matter names the catalog (with its sha256),
  the component definition and the audit configuration.

The assessment results (oscal.py) import the plan. Everything is a pure function of the view.
"""

from __future__ import annotations

import hashlib
from typing import Any

from cxgov import __version__
from cxgov.evidence.oscal_catalog import NO_CONTROL, bundle_catalog, run_controls
from cxgov.evidence.oscal_common import (CATALOG, COMPONENT_DEFINITION, MEDIA_TYPES, PROFILE, PROPS_NS,
                                         SYSTEM_SECURITY_PLAN, checked, derived, line, metadata, prop, root_uuid)
from cxgov.evidence.view import BundleView


def profile(view: BundleView) -> dict[str, Any]:
    root = root_uuid(view, "profile")
    controls = run_controls(view)
    return checked("profile", {"profile": {
        "uuid": str(root),
        "metadata": metadata(f"Controls of the cxgov audit of {view.system}", view,
                             remarks="Every control the audit's rules map, whether or not a rule could judge it."),
        "imports": [{"href": CATALOG, "include-controls": [{"with-ids": controls}]}],
        "merge": {"as-is": True},
    }})


def system_security_plan(view: BundleView) -> dict[str, Any]:
    root = root_uuid(view, "ssp")
    this_system = derived(root, "component", "this-system")
    rules_by_control = _rules_by_control(view)
    requirements = [{
        "uuid": derived(root, "requirement", token),
        "control-id": token,
        "by-components": [{
            "component-uuid": this_system,
            "uuid": derived(root, "by-component", token),
            "description": ("Checked by " + ", ".join(rules_by_control[token]) + f" ({COMPONENT_DEFINITION}); "
                            "how the system meets it is its owners' to document.") if rules_by_control.get(token)
            else "No rule of this run maps a control.",
        }],
    } for token in run_controls(view)]
    return checked("ssp", {"system-security-plan": {
        "uuid": str(root),
        "metadata": metadata(f"{view.system} as audited by cxgov", view),
        "import-profile": {"href": PROFILE},
        "system-characteristics": {
            "system-ids": [{"identifier-type": PROPS_NS, "id": view.system}],
            "system-name": view.system,
            "description": line(f"{view.system}: the customer-experience AI system the audit configuration "
                                "describes (config/cxgov.yaml), through its deployment descriptor, manifests, "
                                "plans, model versions and UI pages (inputs/index.json)."),
            "system-information": {"information-types": [{
                "uuid": derived(root, "information-type", "customer-data"),
                "title": "Customer-service interactions and the personal data in them",
                "description": "The data the system processes, as its deployment descriptor declares it "
                               "(inputs/system.json).",
            }]},
            "status": {"state": "other", "remarks": "cxgov records what was audited, not the system's authorization."},
            "authorization-boundary": {"description": "The deployment files, model versions and UI pages the audit "
                                                      "configuration names; the bundle lists each in inputs/index.json."},
        },
        "system-implementation": {"components": [{
            "uuid": this_system,
            "type": "this-system",
            "title": view.system,
            "description": f"The system {view.system}, as a whole.",
            "status": {"state": "other", "remarks": "As deployed or about to be deployed when the audit ran."},
        }]},
        "control-implementation": {
            "description": "The controls the audit covers. Each names the cxgov rules that check it; the "
                           "assessment results say whether it was met.",
            "implemented-requirements": requirements,
        },
    }})


def assessment_plan(view: BundleView) -> dict[str, Any]:
    from cxgov.evidence.build import dumps

    root = root_uuid(view, "assessment-plan")
    run = view.result.run
    tool = derived(root, "tool", "cxgov")
    catalog_bytes = dumps(bundle_catalog(view))
    controls = run_controls(view)
    document = {
        "uuid": str(root),
        "metadata": metadata(f"cxgov assessment plan: {view.system}", view,
                             props=[prop("system", view.system), prop("evaluation-date", run.evaluation_date)]),
        "import-ssp": {"href": SYSTEM_SECURITY_PLAN},
        "local-definitions": {"components": [{
            "uuid": tool, "type": "software", "title": "cxgov",
            "description": f"cxgov {__version__}: Rego policies over the system's inputs, evaluated with the "
                           f"{run.engine} engine {run.engine_version}",
            "props": [prop("version", __version__), prop("policy-digest", run.policy_digest)],
            "status": {"state": "operational"},
        }]},
        "reviewed-controls": {
            "description": "Every control the audit's rules map (profile.json); the rules checking each are in "
                           "component-definition.json.",
            "control-selections": [{"include-controls": [{"control-id": c} for c in controls]}],
        },
        "assessment-subjects": [{
            "type": "component",
            "description": f"{view.system}: every document the audit evaluated (inputs/index.json), each an "
                           "inventory item of the assessment results.",
            "include-all": {},
        }],
        "tasks": [{
            "uuid": derived(root, "task", "audit"),
            "type": "action",
            "title": line(f"Audit of {view.system} on {run.evaluation_date}"),
            "description": "Evaluate every selected rule on every subject the audit configuration names, "
                           "with the evaluation date fixed for replay.",
            "timing": {"on-date": {"date": view.created}},
        }],
        "back-matter": {"resources": [
            _resource(root, "catalog", "The control catalog the profile selects from", CATALOG,
                      hashlib.sha256(catalog_bytes).hexdigest()),
            _resource(root, "component-definition", "The rules and the controls each checks", COMPONENT_DEFINITION),
            _resource(root, "configuration", "The audit configuration, as recorded", "../config/cxgov.yaml",
                      media_type="application/yaml"),
        ]},
    }
    if controls == [NO_CONTROL]:
        document["reviewed-controls"]["remarks"] = "The audit's rules map no control."
    return checked("assessment_plan", {"assessment-plan": document})


def _resource(root, key: str, title: str, href: str, sha256: str | None = None, media_type: str | None = None):
    rlink: dict[str, Any] = {"href": href, "media-type": media_type or MEDIA_TYPES[href]}
    if sha256:
        rlink["hashes"] = [{"algorithm": "SHA-256", "value": sha256}]
    return {"uuid": derived(root, "resource", key), "title": title, "rlinks": [rlink]}


def _rules_by_control(view: BundleView) -> dict[str, list[str]]:
    from cxgov.evidence.controls import control_index, natural_key
    from cxgov.evidence.oscal_catalog import control_token

    return {control_token(fw, c): sorted(rules, key=natural_key)
            for (fw, c), (rules, _) in control_index(view.result).items()}
