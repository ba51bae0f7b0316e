"""Building a bundle's files in memory: inputs, findings, policies, summary, manifest, attestation.

Everything here is a pure function of the audit (no clock: `created` and the sources' read times come
in with BundleInputs; no absolute paths of this machine in what replay reads), so the same inputs give
the same bytes; writing them to disk is `evidence.write`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxgov import __version__
from cxgov.evidence import bundle as layout
from cxgov.evidence.redact import Redactor
from cxgov.evidence.sign import ALGORITHM, PREDICATE_TYPE, STATEMENT_TYPE, SigningKey, envelope
from cxgov.evidence.times import collected, rfc3339
from cxgov.model import Finding, Result, Subject, canonical_json, sha256_of


@dataclass(frozen=True)
class BundleInputs:
    """What a bundle is built from; cxgov/audit.py fills it from an AuditRun."""

    system: str
    result: Result
    subjects: list[Subject]  # as evaluated, system view included
    policy_sources: list[tuple[str, str, bool]]  # (path as evaluated, Rego source, builtin)
    policy_data: dict[str, Any]
    builtin_dir: Path | None
    evaluation: dict[str, Any]  # evaluation_date, fail_on, namespaces, all_namespaces
    config_text: str
    waivers: tuple[str, bytes] | None  # (name findings use, file bytes)
    epoch: int
    skipped: dict[str, str] = field(default_factory=dict)
    artifacts_dir: Path | None = None
    git: dict | None = None
    ci: dict | None = None
    read_at: dict[str, int] = field(default_factory=dict)  # source (files, models, ui) -> when the audit read it
    drift_history: list[dict] | None = None  # this system's drift runs (evidence.drift_history), oldest first
    ui_baseline: tuple[str, bytes] | None = None  # (name as the config gives it, file bytes)


def dumps(value: Any) -> bytes:
    """The one JSON form of every bundle file: sorted keys, two-space indent, UTF-8, final newline."""
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def findings_document(findings: list[dict]) -> bytes:
    """findings.json: redacted findings in a fixed order; replay must produce exactly these bytes."""
    ordered = sorted(findings, key=lambda f: (f["location"]["file"] or "", f["location"]["line"] or 0, f["subject"],
                                              f["rule_id"], f["message"], canonical_json(f)))
    return dumps({"findings": ordered})


def redacted_findings(findings: list[Finding], redactor: Redactor) -> list[dict]:
    return [redactor.document(f.to_dict()) for f in findings]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "x"


def _safe(path: str) -> str:
    """A display path as a bundle path: no leading /, no `..` (a file outside the audited tree)."""
    parts = [("__" if p == ".." else p) for p in path.replace("\\", "/").split("/") if p not in ("", ".")]
    return "/".join(parts) or "_"


def subject_file(subject: Subject, taken: set[str]) -> tuple[str, bool]:
    """Where a subject's document lives in the bundle, and whether that file groups several (one per source file)."""
    doc = subject.document if isinstance(subject.document, dict) else {}
    if subject.kind == "model-version":
        base = f"models/{_slug(str(doc.get('name', subject.id)))}-{_slug(str(doc.get('version', '')))}"
    elif subject.kind == "ui-scan":
        base = "wcag/" + _slug(subject.id.split("://", 1)[-1])
    elif subject.kind == "system":
        base = "inputs/system"
    else:
        return f"inputs/{_safe(subject.origin.file or subject.id)}.json", True
    name, n = base, 2
    while f"{name}.json" in taken:
        name, n = f"{base}-{n}", n + 1
    return f"{name}.json", False


def assemble(inp: BundleInputs, key: SigningKey | None, *, render: bool = True) -> dict[str, bytes]:
    """Every file of the bundle, manifest and attestation included, by bundle path."""
    from cxgov.evidence import renderers

    redactor = Redactor()
    files: dict[str, bytes] = {}
    index, subjects, evidence_files = _inputs(inp, redactor, files)
    files[layout.INPUTS_INDEX] = dumps({"subjects": index})
    finding_dicts = redacted_findings(inp.result.findings, redactor)
    files[layout.FINDINGS] = findings_document(finding_dicts)
    files.update(_policies(inp))
    files[layout.CONFIG] = redactor.text(inp.config_text).encode()
    if inp.waivers is not None:
        files[layout.WAIVERS] = redactor.text(inp.waivers[1].decode("utf-8")).encode()
    if inp.ui_baseline is not None:
        files[layout.UI_BASELINE] = redactor.text(inp.ui_baseline[1].decode("utf-8")).encode()
    if inp.drift_history is not None:
        files[layout.DRIFT_HISTORY] = dumps({"runs": redactor.document(inp.drift_history)})
    files[layout.SUMMARY] = dumps(summary(inp, finding_dicts, index))
    omitted = renderers.missing() if render else sorted(renderers.JSON_RENDERERS) + [renderers.REPORT[0]]
    when = collected(inp.subjects, inp.read_at)
    if render:
        files.update(renderers.render(inp, finding_dicts, subjects, evidence_files, when, files,
                                      lambda fs: build_manifest(inp, fs, redactor.count, key, omitted, when)))
    files[layout.MANIFEST] = dumps(build_manifest(inp, files, redactor.count, key, omitted, when))
    from cxgov.evidence.attest_subjects import deployed_subjects

    deployed = deployed_subjects(subjects, inp.git, files, evidence_files)
    files[layout.ATTESTATION] = dumps(envelope(statement(inp, files, finding_dicts, deployed), key))
    return files


def _inputs(inp: BundleInputs, redactor: Redactor, files: dict[str, bytes]):
    """inputs/, models/ and wcag/: each evaluated document once, redacted, and the index replay reads."""
    index, grouped, evidence_files, subjects = [], {}, {}, []
    taken: set[str] = set()
    lines_by_document: dict[tuple, dict[str, int]] = {}
    for (file, doc_line, path), line in inp.result.lines.items():
        lines_by_document.setdefault((file, doc_line), {})[path] = line
    for s in inp.subjects:
        doc = redactor.document(s.document)
        subjects.append(Subject(s.kind, s.id, s.origin, doc))
        path, is_group = subject_file(s, taken)
        taken.add(path)
        entry = {"kind": s.kind, "id": s.id, "origin": s.origin.to_dict(), "file": path, "index": None,
                 "sha256": sha256_of(doc)}
        lines = lines_by_document.get((s.origin.file, s.origin.line or 1))
        if lines:  # the lines findings' paths resolved to in this document, for replay
            entry["lines"] = dict(sorted(lines.items()))
        if is_group:
            group = grouped.setdefault(path, [])
            entry["index"] = len(group)
            group.append(doc)
        else:
            files[path] = dumps(doc)
        evidence_files.setdefault(s.id, []).append(path)
        if s.kind == "ui-scan":  # the screenshot and axe's raw results the scan left beside it
            for key, suffix in (("screenshot", ".png"), ("results", ".axe.json")):
                data = _artifact(s, key, inp.artifacts_dir)
                if data is not None:
                    files[path[: -len(".json")] + suffix] = data
                    evidence_files[s.id].append(path[: -len(".json")] + suffix)
        index.append(entry)
    for path, docs in grouped.items():
        files[path] = dumps({"documents": docs})
    return index, subjects, evidence_files


def _artifact(subject: Subject, key: str, artifacts_dir: Path | None) -> bytes | None:
    """A file a source wrote for a subject (`document[key] = {file, sha256}`), checked against its hash."""
    import hashlib

    from cxgov.errors import InputError

    ref = subject.document.get(key) if isinstance(subject.document, dict) else None
    if not isinstance(ref, dict) or not ref.get("file"):
        return None
    path = (artifacts_dir or Path(".")) / ref["file"]
    try:
        data = path.read_bytes()
    except OSError:
        raise InputError(f"the {key} file of this scan is missing", where=str(path)) from None
    if ref.get("sha256") and hashlib.sha256(data).hexdigest() != ref["sha256"]:
        raise InputError(f"the {key} file changed after the scan (sha256 differs)", where=str(path))
    return data


def _policies(inp: BundleInputs) -> dict[str, bytes]:
    """The exact Rego sources evaluated, each under policies/builtin/ or policies/user/, and the merged data."""
    out, index = {}, []
    for path, source, builtin in sorted(inp.policy_sources):
        rel = None
        if builtin and inp.builtin_dir is not None:
            try:
                rel = Path(path).resolve().relative_to(inp.builtin_dir.resolve()).as_posix()
            except ValueError:
                rel = None
        file = f"policies/builtin/{rel}" if rel else f"policies/user/{_safe(path)}"
        out[file] = source.encode()
        index.append({"path": path, "file": file, "builtin": builtin})
    out[layout.POLICIES_INDEX] = dumps({"modules": index})
    out[layout.POLICY_DATA] = dumps(inp.policy_data)
    return out


def summary(inp: BundleInputs, findings: list[dict], index: list[dict]) -> dict:
    kinds = Counter(s.kind for s in inp.subjects)
    unjudged = {s.id for s in inp.result.unjudged()}
    waivers = {canonical_json(f["waiver"]): f["waiver"] for f in findings if f["waiver"]}
    listed = [{"id": e["id"], "kind": e["kind"], "origin": e["origin"], "sha256": e["sha256"]} for e in index]
    return {
        "system": inp.system,
        "evaluation_date": inp.evaluation["evaluation_date"],
        "verdict": inp.result.verdict.to_dict(),
        "subject_counts": {"total": len(inp.subjects), "by_kind": dict(sorted(kinds.items()))},
        # sha256 of each document as stored here (after redaction), in evaluation order
        "subjects": listed,
        "rules": len(inp.result.rules),
        "findings": len(findings),
        "waivers_applied": [waivers[k] for k in sorted(waivers)],
        "skipped_sources": inp.skipped,
        # documents no selected rule judged: never a pass, listed like the subjects
        "not_judged": [s for s in listed if s["id"] in unjudged],
    }


def build_manifest(inp: BundleInputs, files: dict[str, bytes], redactions: int, key: SigningKey | None,
                   omitted: list[str], collected_at: dict[str, str]) -> dict:
    """`collected_at`: subject kind -> when that source was collected (times.collected)."""
    import hashlib

    counts = inp.result.verdict.counts
    return {
        "format": layout.FORMAT,
        "format_version": layout.FORMAT_VERSION,
        "created": rfc3339(inp.epoch),
        "collected": collected_at,
        "system": inp.system,
        "cxgov": {"version": __version__},
        "engine": {"name": inp.result.run.engine, "version": inp.result.run.engine_version},
        "policy_digest": inp.result.run.policy_digest,
        "evaluation": {**inp.evaluation,
                       "waivers": {"file": layout.WAIVERS, "name": inp.waivers[0]} if inp.waivers else None,
                       **({"ui_baseline": {"file": layout.UI_BASELINE, "name": inp.ui_baseline[0]}}
                          if inp.ui_baseline else {})},
        "verdict": {"passed": inp.result.verdict.passed, "deny": counts["deny"], "warn": counts["warn"],
                    "waived": counts["waived"]},
        "git": inp.git,
        "ci": inp.ci,
        "redactions": redactions,
        "skipped_sources": inp.skipped,
        "omitted": omitted,  # views this installation could not render
        "signature": {"algorithm": ALGORITHM, "keyid": key.keyid, "public_key": key.public_pem} if key else None,
        "files": [{"path": p, "sha256": hashlib.sha256(files[p]).hexdigest(), "size": len(files[p])}
                  for p in sorted(files) if p not in layout.UNLISTED],
    }


def statement(inp: BundleInputs, files: dict[str, bytes], findings: list[dict], deployed: list[dict] = ()) -> bytes:
    """The in-toto Statement v1 (test-result predicate): manifest.json first, then what was deployed."""
    import hashlib

    def digest(p: str) -> dict:
        return {"sha256": hashlib.sha256(files[p]).hexdigest()}

    failed = sorted({f"{f['rule_id']} {f['subject']}" for f in findings if not f["waiver"] and f["gate"] == "deny"})
    warned = sorted({f"{f['rule_id']} {f['subject']}" + (" (waived)" if f["waiver"] else "")
                     for f in findings if f["waiver"] or f["gate"] == "warn"})
    found = {f["rule_id"] for f in findings}
    verdict = inp.result.verdict
    predicate = {
        "result": "FAILED" if not verdict.passed else ("WARNED" if warned else "PASSED"),
        "configuration": [{"name": p, "digest": digest(p)} for p in (layout.CONFIG, layout.POLICIES_INDEX,
                                                                     layout.POLICY_DATA, layout.WAIVERS) if p in files],
        "passedTests": sorted(r for r in inp.result.rules if r not in found),
        "warnedTests": warned,
        "failedTests": failed,
    }
    if inp.ci and inp.ci.get("url"):
        predicate["url"] = inp.ci["url"]
    subjects = [{"name": layout.MANIFEST, "digest": digest(layout.MANIFEST)}, *deployed]  # the manifest first
    return canonical_json({"_type": STATEMENT_TYPE, "subject": subjects, "predicateType": PREDICATE_TYPE,
                           "predicate": predicate})
