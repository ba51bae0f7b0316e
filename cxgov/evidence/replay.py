"""`cxgov evidence replay`: re-evaluate a bundle's inputs with its own policies and data.

The subjects (ids, locations, redacted documents, the system view as it was evaluated), the Rego
sources, the merged data, the waivers, the UI baseline and the evaluation date all come from the bundle; the one
pipeline runs them on the embedded engine, and the findings, redacted the same way, must equal
findings.json byte for byte. Nothing is read from the machine the bundle was made on.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cxgov.errors import InputError
from cxgov.evidence import bundle as layout
from cxgov.evidence.bundle import Bundle
from cxgov.model import Location, Subject, canonical_json, sha256_of


@dataclass
class ReplayOutcome:
    reproduced: bool
    expected: bytes
    actual: bytes
    policy_digest_matches: bool
    verdict_matches: bool
    differences: list[str] = field(default_factory=list)


def bundled_subjects(bundle: Bundle) -> list[Subject]:
    """The evaluated subjects, in evaluation order, from inputs/index.json and the files it points at."""
    opened: dict[str, object] = {}
    subjects = []
    for entry in bundle.json(layout.INPUTS_INDEX)["subjects"]:
        path = entry["file"]
        if path not in opened:
            opened[path] = bundle.json(path)
        doc = opened[path] if entry["index"] is None else opened[path]["documents"][entry["index"]]
        if sha256_of(doc) != entry["sha256"]:
            raise InputError(f"{path}: the document of {entry['id']} does not match its sha256 in {layout.INPUTS_INDEX}",
                             where=bundle.source)
        origin = entry["origin"]
        subjects.append(Subject(entry["kind"], entry["id"], Location(origin["file"], origin["line"]), doc))
    return subjects


def bundled_lines(bundle: Bundle):
    """The lines the audit resolved findings' paths to (inputs/index.json), as a locator."""
    from cxgov.sources.locate import RecordedLocator

    table = {}
    for entry in bundle.json(layout.INPUTS_INDEX)["subjects"]:
        origin = entry["origin"]
        for path, line in (entry.get("lines") or {}).items():
            table[(origin["file"], origin["line"] or 1, path)] = line
    return RecordedLocator(table)


def bundled_policies(bundle: Bundle):
    from cxgov.engine.policyset import from_sources

    modules = bundle.json(layout.POLICIES_INDEX)["modules"]
    sources = [(m["path"], bundle.read(m["file"]).decode("utf-8"), m["builtin"]) for m in modules]
    return from_sources(sources, bundle.json(layout.POLICY_DATA), include_tests=True)


def replay(bundle: Bundle, jobs: int | None = None) -> ReplayOutcome:
    from cxgov import pipeline
    from cxgov.engine.embedded import EmbeddedEngine
    from cxgov.evidence.build import findings_document, redacted_findings
    from cxgov.evidence.redact import Redactor
    from cxgov.sources.interface import Given

    manifest = bundle.manifest
    evaluation = manifest["evaluation"]
    policies = bundled_policies(bundle)
    subjects = bundled_subjects(bundle)
    with tempfile.TemporaryDirectory(prefix="cxgov-replay-") as tmp:
        waivers = name = None
        if evaluation.get("waivers"):
            waivers = Path(tmp) / "waivers.yaml"
            waivers.write_bytes(bundle.read(evaluation["waivers"]["file"]))
            name = evaluation["waivers"]["name"]
        baseline = baseline_name = None
        if evaluation.get("ui_baseline"):  # applied after the waivers, as the audit did
            baseline = Path(tmp) / "ui-baseline.yaml"
            baseline.write_bytes(bundle.read(evaluation["ui_baseline"]["file"]))
            baseline_name = evaluation["ui_baseline"]["name"]
        options = pipeline.Options(
            evaluation_date=evaluation["evaluation_date"], namespaces=tuple(evaluation["namespaces"]),
            all_namespaces=evaluation["all_namespaces"], fail_on=evaluation["fail_on"], waivers=waivers,
            waivers_name=name, root=Path(tmp), ui_baseline=baseline, ui_baseline_name=baseline_name,
        )
        result = pipeline.run([Given(subjects)], policies, EmbeddedEngine(jobs), options, prepared=True,
                              locator=bundled_lines(bundle))
    actual = findings_document(redacted_findings(result.findings, Redactor()))
    expected = bundle.read(layout.FINDINGS)
    summary_verdict = bundle.summary["verdict"]
    verdict_matches = canonical_json(result.verdict.to_dict()) == canonical_json(summary_verdict)
    digest_matches = policies.digest() == manifest["policy_digest"]
    differences = _differences(expected, actual)
    if not digest_matches:
        differences.append(f"policy digest {policies.digest()} differs from the manifest's {manifest['policy_digest']}")
    if not verdict_matches:
        differences.append("the verdict differs from summary.json")
    return ReplayOutcome(expected == actual and digest_matches and verdict_matches, expected, actual,
                         digest_matches, verdict_matches, differences)


def _differences(expected: bytes, actual: bytes) -> list[str]:
    if expected == actual:
        return []
    try:
        want = [canonical_json(f) for f in json.loads(expected)["findings"]]
    except (ValueError, KeyError, TypeError):
        return [f"{layout.FINDINGS} is not a findings document"]
    got = [canonical_json(f) for f in json.loads(actual)["findings"]]
    out = []
    for label, items, other in (("not reproduced", want, got), ("new on replay", got, want)):
        for item in sorted(set(items) - set(other)):
            f = json.loads(item)
            out.append(f"{label}: {f['rule_id']} on {f['subject']}: {f['message']}")
    return out or [f"{layout.FINDINGS} holds the same findings in another form (order or formatting)"]
