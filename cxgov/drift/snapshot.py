"""One shape for both sides of a drift comparison: the approved baseline and the current run.

A snapshot holds what a comparison needs and nothing else: finding dicts (Finding.to_dict()),
subject digests, model-version documents (for aliases), the control matrix's statuses, and the
digests of policies, data and config. It is built from an evidence bundle, a fresh audit run, or a
`cxgov ... -o json` report.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxgov.errors import InputError
from cxgov.model import sha256_of


@dataclass(frozen=True)
class Snapshot:
    source: str  # where it came from, for reports: a bundle path, a report path, "current audit"
    system: str
    created: str  # RFC 3339 UTC, "" when unknown
    evaluation_date: str
    findings: tuple[dict, ...]
    subjects: Mapping[str, dict] = field(default_factory=dict)  # id -> {"kind", "sha256", "stable"?}
    models: Mapping[str, dict] = field(default_factory=dict)  # "models:/<name>/<version>" -> document
    digests: Mapping[str, str] = field(default_factory=dict)  # "policy", "data", "config" -> sha256
    fail_on: str = "deny"
    config_text: str | None = None  # a bundle's recorded cxgov.yaml: what a drift run re-runs
    # "framework:control" -> satisfied / not-satisfied / not-assessed, the control matrix's statuses
    # (evidence.controls.control_statuses); empty when the source records no matrix
    controls: Mapping[str, str] = field(default_factory=dict)
    # how it was accepted: a bundle's verification (trusted, untrusted or unsigned, the key, the flags),
    # {"trust": "report"} for a JSON report (nothing signs one), None for a fresh audit
    trust: Mapping[str, Any] | None = None
    # the redactor that redacted a fresh audit, with the secrets it learnt: drift's outputs use it
    redactor: Any = field(default=None, compare=False, repr=False)


def from_report(document: dict, source: str) -> Snapshot:
    """A `cxgov check -o json` (or audit JSON) report: findings, subject digests, policy digest."""
    try:
        run, findings, subjects = document["cxgov"], document["findings"], document["subjects"]
    except (KeyError, TypeError):
        raise InputError("not a cxgov JSON report (expected cxgov, findings and subjects keys)", where=source,
                         hint="write one with `cxgov check ... -o json=FILE`, or give an evidence bundle") from None
    return Snapshot(
        source=source,
        system=_system_name(s["id"] for s in subjects),
        created=document.get("created", ""),
        evaluation_date=run.get("evaluation_date", ""),
        findings=tuple(findings),
        subjects={s["id"]: {"kind": s["kind"], "sha256": s["sha256"]} for s in subjects},
        digests={"policy": run["policy_digest"]} if run.get("policy_digest") else {},
        fail_on=document.get("verdict", {}).get("fail_on", "deny"),
        controls=_report_controls(document),
        # read only with --allow-unsigned (load()), which the trust records
        trust={"trust": "report", "note": "a JSON report carries no signature: nothing shows who made it",
               "allow_unsigned": True},
    )


def _report_controls(document: dict) -> dict[str, str]:
    """The control statuses of a JSON report, from its rules, checks, subjects and findings as the
    matrix computes them; none when the report lacks what they need."""
    from cxgov.evidence.controls import control_statuses
    from cxgov.formats.json_read import result_from_dict

    try:
        return control_statuses(result_from_dict(document))
    except (KeyError, TypeError, ValueError, AttributeError):
        return {}


def from_bundle(bundle: Any, source: str, trust: Mapping[str, Any] | None = None) -> Snapshot:
    """An evidence bundle opened (and verified) with cxgov.evidence.trust.open_verified.

    Subject digests come from inputs/index.json (taken over the redacted documents the bundle holds);
    model-version and UI-scan documents from their models/ and wcag/ files.
    """
    from cxgov.engine.policyset import policy_digest
    from cxgov.evidence.bundle import INPUTS_INDEX, POLICIES_INDEX, POLICY_DATA

    manifest = bundle.manifest
    index = bundle.json(INPUTS_INDEX)["subjects"] if INPUTS_INDEX in bundle.files else []
    subjects, models = {}, {}
    for entry in index:
        subjects[entry["id"]] = {"kind": entry["kind"], "sha256": entry["sha256"]}
        if entry["kind"] in ("model-version", "ui-scan") and entry.get("index") is None:
            document = bundle.json(entry["file"])
            subjects[entry["id"]]["stable"] = stable_digest(entry["kind"], document)
            if entry["kind"] == "model-version":
                models[entry["id"]] = document
    digests = {}
    if POLICIES_INDEX in bundle.files and POLICY_DATA in bundle.files:
        # recomputed from the bundled sources and data with the one function every run uses
        digests["policy"] = policy_digest([(m["path"], bundle.read(m["file"]).decode("utf-8"))
                                           for m in bundle.json(POLICIES_INDEX)["modules"]], bundle.json(POLICY_DATA))
    elif manifest.get("policy_digest"):
        digests["policy"] = manifest["policy_digest"]
    if POLICY_DATA in bundle.files:
        digests["data"] = sha256_of(bundle.json(POLICY_DATA))
    digests["config"] = sha256_of(bundle.config_text)
    evaluation = manifest.get("evaluation") or {}
    return Snapshot(
        source=source,
        system=manifest.get("system") or _system_name(subjects),
        created=manifest.get("created", ""),
        evaluation_date=evaluation.get("evaluation_date", ""),
        findings=tuple(bundle.findings),
        subjects=subjects,
        models=models,
        digests=digests,
        fail_on=evaluation.get("fail_on", "deny"),
        config_text=bundle.config_text,
        controls={f"{fw['id']}:{c['id']}": c["status"] for fw in (bundle.controls or {}).get("frameworks", [])
                  for c in fw.get("controls", [])},
        trust=trust,
    )


def from_audit(run: Any, *, created: str, source: str, config_text: str | None) -> Snapshot:
    """A fresh audit (cxgov.audit.AuditRun), digested as its bundle would be: documents and
    findings redacted in the bundle's order, so an unchanged input has its baseline's digest."""
    from cxgov.evidence.controls import control_statuses
    from cxgov.evidence.redact import Redactor

    redactor = Redactor()
    documents = [(s, redactor.document(s.document)) for s in run.subjects]
    findings = tuple(redactor.document(f.to_dict()) for f in run.result.findings)
    digests = {"policy": run.result.run.policy_digest, "data": sha256_of(run.policies.data)}
    if config_text is not None:
        digests["config"] = sha256_of(redactor.text(config_text))
    return Snapshot(
        source=source,
        system=run.config.system,
        created=created,
        evaluation_date=run.result.run.evaluation_date,
        findings=findings,
        subjects={s.id: {"kind": s.kind, "sha256": sha256_of(doc),
                         **({"stable": stable_digest(s.kind, doc)} if s.kind in ("model-version", "ui-scan") else {})}
                  for s, doc in documents},
        models={s.id: doc for s, doc in documents if s.kind == "model-version"},
        digests=digests,
        fail_on=run.result.verdict.fail_on,
        controls=control_statuses(run.result),
        redactor=redactor,
    )


#: per subject kind, the top-level keys (and "axe" keys) that differ on every run of an unchanged input
_VOLATILE = {"ui-scan": ({"timestamp", "scanned_url", "screenshot", "results"}, {"testEnvironment"})}


def stable_digest(kind: str, document: Any) -> str:
    """sha256 of a document without what changes on every run of the same input: a UI scan's time,
    the screenshot and raw-results files it wrote, the browser it ran in. Other kinds: the whole document."""
    if kind not in _VOLATILE or not isinstance(document, dict):
        return sha256_of(document)
    top, axe = _VOLATILE[kind]
    kept = {k: v for k, v in document.items() if k not in top}
    if isinstance(kept.get("axe"), dict):
        kept["axe"] = {k: v for k, v in kept["axe"].items() if k not in axe}
    return sha256_of(kept)


def load(path: Path, trust: Any = None) -> Snapshot:
    """A baseline or current run from disk: a JSON report file (only with --allow-unsigned: nothing
    signs a report), or an evidence bundle (directory or .tar.gz) that verifies under `trust`
    (cxgov.evidence.trust.Trust; None trusts no key, so only an explicitly allowed untrusted or
    unsigned bundle is read)."""
    if path.is_file() and path.suffix == ".json":
        if not getattr(trust, "allow_unsigned", False):  # as an unsigned bundle: nothing shows who made it
            raise InputError("a JSON report carries no signature: nothing shows who made it or that it is unchanged",
                             where=str(path), hint="give a signed evidence bundle, or pass --allow-unsigned to "
                                                   "compare with the report anyway (recorded in the drift report)")
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"cannot read the JSON report: {exc}", where=str(path)) from None
        return from_report(document, str(path))
    if not path.exists():
        raise InputError("no such bundle or report", where=str(path),
                         hint="give an evidence bundle (directory or .tar.gz) or a cxgov JSON report")
    from cxgov.evidence.trust import Trust, open_verified

    trust = trust if trust is not None else Trust()
    bundle, report = open_verified(path, trust)
    accepted = {"trust": report.trust, "keyid": report.keyid, **trust.to_dict()}
    return from_bundle(bundle, str(path), accepted)


def _system_name(subject_ids: Iterable[str]) -> str:
    """The descriptor's system name from the system view subject (`system:<name>`), else ""."""
    for sid in subject_ids:
        if sid.startswith("system:"):
            return sid.removeprefix("system:")
    return ""
