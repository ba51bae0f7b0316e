"""Waivers: accepted, time-boxed exceptions to a rule for matching subjects (and, with `resource`,
for one data store, vendor, container or Terraform address of a subject).

A waiver applies only when it is complete, approved by someone other than its requester, not
expired, and expires at most 90 days after the evaluation date (CONTROLS.md, GOV-002). A waiver
that fails any of these does not apply and is itself reported as a GOV-002 finding, so a broken
waiver can never silently pass a gate. Waived findings stay visible in every output.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from cxgov.errors import InputError
from cxgov.model import Finding, Location, RuleInfo, Waiver

MAX_WAIVER_DAYS = 90
FIELDS = ("rule", "subject", "reason", "approved_by", "requested_by", "ticket", "expires")

GOV_002 = RuleInfo(
    id="GOV-002",
    title="Waivers are complete, independently approved and time-boxed",
    description="A waiver must name the rule and subject, give a reason and ticket, be approved by someone "
    f"other than its requester, and expire no more than {MAX_WAIVER_DAYS} days ahead.",
    severity="high",
    gate="deny",
    frameworks={"soc2": ["CC8.1", "CC6.1"]},
    remediation="Fix or remove the waiver; expired waivers must be renewed through review.",
    package="cxgov.waivers",
    rule="deny",
    builtin=True,
)


@dataclass(frozen=True, slots=True)
class WaiverSet:
    valid: tuple[Waiver, ...]
    problems: tuple[Finding, ...]

    def apply(self, findings: list[Finding]) -> list[Finding]:
        """Attach the first matching valid waiver to each finding; waived findings stay in the list."""
        return [self._waive(f) for f in findings]

    def _waive(self, finding: Finding) -> Finding:
        for w in self.valid:
            if fnmatch.fnmatchcase(finding.rule_id, w.rule) and (
                fnmatch.fnmatchcase(finding.subject, w.subject)
                or (finding.location.file is not None and fnmatch.fnmatchcase(finding.location.file, w.subject))
            ) and (not w.resource or fnmatch.fnmatchcase(finding.resource, w.resource)):
                return replace(finding, waiver=w)
        return finding


def load(path: Path, evaluation_date: str, display: str | None = None) -> WaiverSet:
    """Read a waivers file (`waivers:` list, or a bare list) and sort valid waivers from broken ones."""
    from cxgov.sources.readers import read_one

    display = display or path.as_posix()
    document = read_one(path, display)
    doc, lines = document.value, document.item_lines or ()
    entries = doc.get("waivers") if isinstance(doc, dict) else doc
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise InputError("expected a list of waivers under `waivers:`", where=display)
    today = date.fromisoformat(evaluation_date)
    valid, problems = [], []
    for index, entry in enumerate(entries):
        where = Location(display, lines[index] if index < len(lines) else None)
        waiver, problem = _check(entry, today, where)
        if problem:
            problems.append(Finding(
                rule_id=GOV_002.id, title=GOV_002.title, severity=GOV_002.severity, gate="deny",
                message=f"waiver #{index + 1} does not apply: {problem}", subject=f"{display}#{index + 1}",
                location=where, controls=GOV_002.frameworks, remediation=GOV_002.remediation,
                query="cxgov.waivers",
            ))
        else:
            valid.append(waiver)
    return WaiverSet(tuple(valid), tuple(problems))


def _check(entry, today: date, where: Location) -> tuple[Waiver | None, str | None]:
    if not isinstance(entry, dict):
        return None, "it is not a mapping of " + ", ".join(FIELDS)
    missing = [f for f in FIELDS if not str(entry.get(f) or "").strip()]
    if missing:
        return None, "missing " + ", ".join(missing)
    values = {f: str(entry[f]).strip() for f in FIELDS}
    resource = entry.get("resource")
    if resource is not None and (not isinstance(resource, str) or not resource.strip()):
        return None, "resource must be a non-empty glob over the finding's resource (e.g. 'data store acme-*')"
    try:
        expires = date.fromisoformat(values["expires"])
    except ValueError:
        return None, f"expires {values['expires']!r} is not a YYYY-MM-DD date"
    if values["approved_by"].casefold() == values["requested_by"].casefold():
        return None, f"self-approved by {values['approved_by']}"
    if expires < today:
        return None, f"expired on {expires.isoformat()}"
    if (expires - today).days > MAX_WAIVER_DAYS:
        return None, f"expires {expires.isoformat()}, more than {MAX_WAIVER_DAYS} days after {today.isoformat()}"
    return Waiver(**values, source=where, resource=(resource or "").strip()), None
