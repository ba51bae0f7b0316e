"""The records every stage shares: Subject in, Finding out, Result for the formats.

They are frozen dataclasses rather than pydantic models because the hot path creates one Subject per
document (tens of thousands in a large run); user-facing inputs (descriptor, config, waivers) are
pydantic models where validation messages matter.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cxgov.shard import ShardInfo

SEVERITIES = ("critical", "high", "medium", "low", "info")
GATES = ("deny", "warn")
SUBJECT_KINDS = frozenset({"descriptor", "kubernetes", "terraform-plan", "config", "model-version", "ui-scan", "system",
                           "combined", "dependencies", "dotenv"})


def canonical_json(value: Any) -> bytes:
    """The byte form hashes are taken over: sorted keys, no whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_of(value: Any) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()


def field_of(path: str) -> str:
    """A field path without list indexes: what a finding's identity keeps (an index shifts when an
    item is added above it; the resource already names which item)."""
    return ".".join(p for p in path.split(".") if p and not p.isdigit())


def finding_key(f: dict) -> tuple[str, str, str, str]:
    """A finding's identity (of its dict form): rule, subject, the resource it judges and the field.
    Drift, `evidence diff`, baselines, SARIF fingerprints and waivers all use it."""
    return (f["rule_id"], f["subject"], f.get("resource") or "", field_of(f.get("path") or ""))


def findings_by_key(findings: Iterable[dict]) -> dict[tuple[str, str, str, str], list[dict]]:
    """Finding dicts (Finding.to_dict()) per finding_key: the unit `evidence diff` and drift compare."""
    groups: dict[tuple[str, str, str, str], list[dict]] = defaultdict(list)
    for f in findings:
        groups[finding_key(f)].append(f)
    return groups


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding points: a file (repo-relative) or URI, and a 1-based line when known."""

    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.file is None:
            return "-"
        return f"{self.file}:{self.line}" if self.line else self.file

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line}


@dataclass(frozen=True, slots=True)
class Subject:
    """One thing a policy judges; `document` becomes the Rego input."""

    kind: str  # one of SUBJECT_KINDS
    id: str
    origin: Location
    document: Any

    def digest(self) -> str:
        return sha256_of(self.document)

    def ref(self) -> SubjectRef:
        return SubjectRef(self.kind, self.id, self.origin, self.digest())


@dataclass(frozen=True, slots=True)
class SubjectRef:
    """What the outputs need to know of a subject, without its document."""

    kind: str
    id: str
    origin: Location
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "origin": self.origin.to_dict(), "sha256": self.sha256}


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """A rule as the catalog, SARIF and reports describe it; read from its METADATA."""

    id: str
    title: str
    description: str = ""
    severity: str = "high"
    gate: str = "deny"
    frameworks: dict[str, list[str]] = field(default_factory=dict)
    remediation: str = ""
    effective_from: str | None = None
    package: str = "main"
    rule: str = "deny"
    file: str | None = None
    line: int | None = None
    builtin: bool = False
    applies_to: tuple[str, ...] = ()  # subject kinds the rule judges; empty: every kind

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "severity": self.severity,
            "gate": self.gate,
            "frameworks": self.frameworks,
            "remediation": self.remediation,
            "effective_from": self.effective_from,
            "package": self.package,
            "rule": self.rule,
            "source": Location(self.file, self.line).to_dict(),
            "builtin": self.builtin,
            "applies_to": list(self.applies_to),
        }


@dataclass(frozen=True, slots=True)
class Waiver:
    """An accepted exception to a rule for matching subjects, until it expires."""

    rule: str
    subject: str
    reason: str
    approved_by: str
    requested_by: str
    ticket: str
    expires: str
    source: Location = Location()
    resource: str = ""  # a glob over the finding's resource (one data store, one vendor); empty: any

    def to_dict(self) -> dict[str, Any]:
        out = {
            "rule": self.rule,
            "subject": self.subject,
            "reason": self.reason,
            "approved_by": self.approved_by,
            "requested_by": self.requested_by,
            "ticket": self.ticket,
            "expires": self.expires,
            "source": self.source.to_dict(),
        }
        if self.resource:
            out["resource"] = self.resource
        return out


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's judgement on one subject."""

    rule_id: str
    title: str
    severity: str
    gate: str
    message: str
    subject: str
    location: Location
    controls: dict[str, list[str]] = field(default_factory=dict)
    remediation: str = ""
    query: str = ""  # the Rego rule that produced it, e.g. data.main.deny
    pre_enforcement: bool = False
    metadata: dict[str, Any] = field(default_factory=dict)
    waiver: Waiver | None = None
    resource: str = ""  # what in the subject it judges: a store, vendor, container, Terraform address
    path: str = ""  # the field it judged, dotted (spec.template.spec.containers.0.image)

    def sort_key(self) -> tuple:
        return (self.location.file or "", self.location.line or 0, self.subject, self.rule_id, self.message)

    def key(self) -> tuple[str, str, str, str]:
        return finding_key({"rule_id": self.rule_id, "subject": self.subject, "resource": self.resource,
                            "path": self.path})

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "title": self.title,
            "severity": self.severity,
            "gate": self.gate,
            "message": self.message,
            "subject": self.subject,
            "location": self.location.to_dict(),
            "controls": self.controls,
            "remediation": self.remediation,
            "query": self.query,
            "pre_enforcement": self.pre_enforcement,
            "metadata": self.metadata,
            "waiver": self.waiver.to_dict() if self.waiver else None,
            "resource": self.resource,
            "path": self.path,
        }


@dataclass(frozen=True, slots=True)
class Check:
    """Conftest-style tallies for one subject in one namespace."""

    subject: str
    namespace: str
    successes: int
    exceptions: tuple[str, ...] = ()  # rule names an `exception` rule turned off

    def to_dict(self) -> dict[str, Any]:
        return {"subject": self.subject, "namespace": self.namespace, "successes": self.successes,
                "exceptions": list(self.exceptions)}


@dataclass(frozen=True, slots=True)
class Verdict:
    """Pass or fail per the gate options, with the counts behind it."""

    passed: bool
    fail_on: str  # "deny", "warn" or "never"
    counts: dict[str, int]
    by_rule: dict[str, dict[str, int]]
    by_control: dict[str, dict[str, int]]
    by_framework: dict[str, dict[str, int]]

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "fail_on": self.fail_on,
            "counts": self.counts,
            "by_rule": self.by_rule,
            "by_control": self.by_control,
            "by_framework": self.by_framework,
        }


@dataclass(frozen=True, slots=True)
class RunInfo:
    """Facts about the run that every output records."""

    tool_version: str
    engine: str
    engine_version: str
    evaluation_date: str
    policy_digest: str
    root: str  # the directory locations are relative to
    allow_nondeterministic: bool = False  # network, clock and random builtins were allowed

    def to_dict(self) -> dict[str, Any]:
        out = {"tool_version": self.tool_version, "engine": self.engine, "engine_version": self.engine_version,
               "evaluation_date": self.evaluation_date, "policy_digest": self.policy_digest, "root": self.root}
        if self.allow_nondeterministic:  # recorded only when allowed, so ordinary results stay byte-stable
            out["allow_nondeterministic"] = True
        return out


@dataclass(frozen=True, slots=True)
class Result:
    """The one structure every output format reads; no format recomputes anything."""

    run: RunInfo
    subjects: list[SubjectRef]
    checks: list[Check]
    findings: list[Finding]
    rules: dict[str, RuleInfo]
    verdict: Verdict
    shard: ShardInfo | None = None  # set when this result covers one shard of a split run (--shard)
    # (file, line of the document, field path) -> line, for every finding location a path decided;
    # a bundle records them so a replay, which has no original files, points at the same lines
    lines: dict[tuple[str, int, str], int] = field(default_factory=dict)

    def active(self) -> list[Finding]:
        """Findings no waiver covers."""
        return [f for f in self.findings if f.waiver is None]

    def unjudged(self) -> list[SubjectRef]:
        """Subjects no selected rule judged (no package applies to their kind): never a pass, listed by
        every format. A descriptor is judged through the system view built from it."""
        judged = {c.subject for c in self.checks} | {f.subject for f in self.findings}
        system = any(s.kind == "system" and s.id in judged for s in self.subjects)
        return [s for s in self.subjects
                if s.id not in judged and not (s.kind == "descriptor" and system)]
