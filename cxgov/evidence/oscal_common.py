"""What the bundle's OSCAL documents share: props, metadata, derived UUIDs and trestle validation.

The bundle's OSCAL documents sit together under `oscal/` and name each other by hrefs relative to
that directory, so an OSCAL tool resolves the whole chain offline:

    assessment-results.json -> assessment-plan.json -> system-security-plan.json -> profile.json
    -> catalog.json <- component-definition.json

Every UUID is a version 5 UUID derived from the content and every timestamp is the bundle's
`created`, so the same view gives the same bytes.
"""

from __future__ import annotations

import uuid
import weakref
from typing import Any

from cxgov.evidence.sbom import NAMESPACE
from cxgov.evidence.view import BundleView
from cxgov.model import sha256_of

#: the namespace of cxgov's own OSCAL props
PROPS_NS = "https://github.com/cxgov/cxgov/ns/oscal"
#: the hrefs the OSCAL documents use for each other (relative to oscal/, where the bundle keeps them)
CATALOG = "catalog.json"
PROFILE = "profile.json"
COMPONENT_DEFINITION = "component-definition.json"
SYSTEM_SECURITY_PLAN = "system-security-plan.json"
ASSESSMENT_PLAN = "assessment-plan.json"
#: the media types OSCAL registers for its JSON documents
MEDIA_TYPES = {CATALOG: "application/oscal.catalog+json", PROFILE: "application/oscal.profile+json",
               COMPONENT_DEFINITION: "application/oscal.component-definition+json",
               SYSTEM_SECURITY_PLAN: "application/oscal.ssp+json", ASSESSMENT_PLAN: "application/oscal.ap+json"}


def oscal_version() -> str:
    from trestle.oscal import OSCAL_VERSION

    return OSCAL_VERSION


def line(text: str) -> str:
    """OSCAL titles are one line."""
    return " ".join(text.split())


def prop(name: str, value: Any, *, remarks: str | None = None, ns: str | None = PROPS_NS) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "value": str(value)}
    if ns:
        out["ns"] = ns
    if remarks:
        out["remarks"] = remarks
    return out


#: (view, its content digest) for the view last asked about: a bundle renders its OSCAL documents from
#: one view in turn, and the digest serialises every subject and finding
_last_digest: tuple[weakref.ref, str] | None = None


def content_digest(view: BundleView) -> str:
    """sha256 over what the run's OSCAL documents describe: the same run gives the same UUIDs."""
    global _last_digest
    last = _last_digest
    if last is not None and last[0]() is view:
        return last[1]
    result = view.result
    digest = sha256_of({
        "system": view.system, "created": view.created, "run": result.run.to_dict(),
        "subjects": [s.to_dict() for s in result.subjects], "findings": [f.to_dict() for f in result.findings],
    })
    _last_digest = (weakref.ref(view), digest)
    return digest


def root_uuid(view: BundleView, kind: str) -> uuid.UUID:
    """The UUID of one of the run's OSCAL documents; every UUID inside it derives from this one."""
    return uuid.uuid5(NAMESPACE, f"oscal-{kind}:" + content_digest(view))


def derived(root: uuid.UUID, *parts: str) -> str:
    return str(uuid.uuid5(root, "\x1f".join(parts)))


def metadata(title: str, view: BundleView, **extra: Any) -> dict[str, Any]:
    return {"title": line(title), "last-modified": view.created, "published": view.created,
            "version": view.result.run.evaluation_date, "oscal-version": oscal_version(), **extra}


def validate(model: str, document: dict[str, Any]) -> list[str]:
    """Errors from parsing `document` with trestle's OSCAL model `model` (`catalog`, `profile`,
    `component`, `ssp`, `assessment_plan`, `assessment_results`); empty when it is valid."""
    import importlib

    from pydantic import ValidationError

    module = importlib.import_module(f"trestle.oscal.{model}")
    try:
        module.Model.model_validate(document)
    except ValidationError as exc:
        return [f"{'/'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    return []


def checked(model: str, document: dict[str, Any]) -> dict[str, Any]:
    """`document` when trestle accepts it; a bundle never holds an OSCAL document that does not parse."""
    errors = validate(model, document)
    if errors:
        raise ValueError(f"invalid OSCAL {model}: " + "; ".join(errors[:5]))
    return document
