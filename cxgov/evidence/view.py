"""What the bundle's renderers read: one audit run, as it is recorded in the bundle.

The bundle writer builds one BundleView and hands it to the pure renderers (controls.json,
sbom.cdx.json, oscal/assessment-results.json, report.html); none of them reads a file or the clock,
so the same view always renders the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cxgov.evidence.times import parse_rfc3339
from cxgov.model import Result, Subject


@dataclass(frozen=True)
class BundleView:
    #: the pipeline's result: findings (waived ones with their waiver), rules, checks, verdict, run facts
    result: Result
    #: the name of the system under audit (the descriptor's metadata.name, or the config's)
    system: str
    #: when the bundle was written, RFC 3339 UTC (`2026-12-04T19:02:59Z`), or SOURCE_DATE_EPOCH when set
    created: str
    #: every evaluated subject, all kinds (descriptor, system, kubernetes, terraform-plan, config,
    #: model-version, ui-scan), with its document as written to the bundle: secrets redacted
    subjects: list[Subject]
    #: subject id -> the bundle-relative files that are its evidence (e.g. `inputs/k8s/api.yaml.json`,
    #: `models/cx-router-7.json`, `wcag/help-open.json` and `wcag/help-open.png`)
    files: dict[str, list[str]]
    #: subject kind -> when that source was collected, RFC 3339 UTC: the newest UI scan's own timestamp,
    #: else when the audit read the source (files, registry); kinds with no recorded time are absent.
    #: `created` is when the bundle was written, after every one of these (unless SOURCE_DATE_EPOCH pins it)
    collected: dict[str, str] = field(default_factory=dict)
    #: this system's drift runs, oldest first ({started, finished, status, finding_count, counts}), when
    #: the config names a drift state file (`evidence.drift_history`): the report's trend chart
    drift_history: list[dict] | None = None

    def of_kind(self, kind: str) -> list[Subject]:
        """Subjects of one kind, in id order."""
        return sorted((s for s in self.subjects if s.kind == kind), key=lambda s: s.id)

    def evidence(self, subject_id: str) -> list[str]:
        """The bundle files behind one subject, sorted; empty when the writer recorded none."""
        return sorted(self.files.get(subject_id, ()))

    def descriptor(self) -> dict[str, Any] | None:
        """The (redacted) descriptor: from the system view subject, else from the descriptor subject."""
        for subject in self.of_kind("system"):
            document = subject.document
            if isinstance(document, dict) and isinstance(document.get("descriptor"), dict):
                return document["descriptor"]
        for subject in self.of_kind("descriptor"):
            if isinstance(subject.document, dict):
                return subject.document
        return None

    def created_at(self) -> datetime:
        """`created` as an aware datetime (UTC)."""
        return parse_rfc3339(self.created)
