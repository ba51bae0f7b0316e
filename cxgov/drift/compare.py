"""What changed between an approved baseline and the current run: pure functions over snapshots.

Findings are compared per identity (rule, subject, resource, field); controls per `framework:control`
by their status in the control matrix (satisfied, not-satisfied, not-assessed); model aliases per
registered model; digests of policies, data and config by name; inputs per subject digest.
Nothing here reads files, the clock or the network, so every case is a unit test.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from cxgov.drift.snapshot import Snapshot
from cxgov.model import SEVERITIES, findings_by_key, sha256_of

#: a (rule, subject) pair's status, worst first; "pass" means no finding
STATUSES = ("deny", "warn", "waived", "pass")
#: a control's status, as the control matrix (evidence/controls.py) decides it
CONTROL_STATUSES = ("satisfied", "not-satisfied", "not-assessed")
#: subject kinds derived from other subjects (the system view also ages daily): never input drift
DERIVED_KINDS = frozenset({"system", "combined"})


@dataclass(frozen=True)
class FindingChange:
    change: str  # "new", "resolved", "changed", "waiver-expired"
    rule_id: str
    subject: str
    title: str
    before: str  # a STATUSES value
    after: str
    severity: str
    location: str
    messages: tuple[str, ...]  # the current messages, or the baseline's for a resolved pair
    fails_gate: bool  # the pair fails the gate now and did not in the baseline
    waiver_expired_on: str | None = None
    resource: str = ""  # with rule and subject (and field), the finding's identity
    field: str = ""


@dataclass(frozen=True)
class ControlChange:
    control: str  # "framework:control"
    before: str  # a CONTROL_STATUSES value: "satisfied", "not-satisfied" or "not-assessed"
    after: str
    rules: tuple[str, ...]  # the rules of its unwaived findings now (or before, when it has none now)


@dataclass(frozen=True)
class AliasChange:
    model: str  # registered model name
    alias: str
    before: str | None  # version, None when the alias did not exist
    after: str | None


@dataclass(frozen=True)
class DigestChange:
    name: str  # "policy", "data", "config"
    before: str
    after: str


@dataclass(frozen=True)
class InputChange:
    subject: str
    kind: str
    change: str  # "added", "removed", "changed"


@dataclass(frozen=True)
class Drift:
    baseline: Snapshot
    current: Snapshot
    findings: tuple[FindingChange, ...]
    controls: tuple[ControlChange, ...]
    aliases: tuple[AliasChange, ...]
    digests: tuple[DigestChange, ...]
    inputs: tuple[InputChange, ...]

    @property
    def drifted(self) -> bool:
        return bool(self.findings or self.controls or self.aliases or self.digests or self.inputs)

    @property
    def fails_gate(self) -> bool:
        return any(c.fails_gate for c in self.findings)

    def counts(self) -> dict[str, int]:
        counts = {k: 0 for k in ("new", "resolved", "changed", "waiver-expired")}
        for c in self.findings:
            counts[c.change] += 1
        counts.update(controls=len(self.controls), aliases=len(self.aliases), digests=len(self.digests),
                      inputs=len(self.inputs), fails_gate=sum(c.fails_gate for c in self.findings))
        return counts

    def summary(self) -> str:
        """What drifted, in words: "2 new, 1 resolved, 1 alias changed" (the report's headline and the alert)."""
        counts = self.counts()
        parts = [f"{counts[k]} {k}" for k in ("new", "changed", "waiver-expired", "resolved") if counts[k]]
        parts += [f"{counts[k]} {one if counts[k] == 1 else k} changed" for k, one in
                  (("controls", "control"), ("aliases", "alias"), ("digests", "digest"), ("inputs", "input"))
                  if counts[k]]
        return ", ".join(parts)

    def fingerprint(self) -> str:
        """Identity of this drift, stable across runs that see the same drift (messages and subject
        digests left out: a message that counts days or a page scanned at a new time is the same drift)."""
        return sha256_of({
            "findings": [[c.change, c.rule_id, c.subject, c.after, c.severity] for c in self.findings],
            "aliases": [[a.model, a.alias, a.after] for a in self.aliases],
            "digests": [[d.name, d.after] for d in self.digests],
            "inputs": [[i.subject, i.change] for i in self.inputs],
            "controls": [[c.control, c.after] for c in self.controls],
        })

    def to_dict(self) -> dict:
        def side(s: Snapshot) -> dict:
            return {"source": s.source, "system": s.system, "created": s.created,
                    "evaluation_date": s.evaluation_date, "digests": dict(sorted(s.digests.items()))}

        return {
            "drifted": self.drifted,
            "fails_gate": self.fails_gate,
            "fail_on": self.current.fail_on,
            "fingerprint": self.fingerprint(),
            "counts": self.counts(),
            "baseline": side(self.baseline),
            "current": side(self.current),
            "findings": [{**asdict(c), "messages": list(c.messages)} for c in self.findings],
            "controls": [{**asdict(c), "rules": list(c.rules)} for c in self.controls],
            "aliases": [asdict(a) for a in self.aliases],
            "digests": [asdict(d) for d in self.digests],
            "inputs": [asdict(i) for i in self.inputs],
        }


def compare(baseline: Snapshot, current: Snapshot, *, fail_on: str | None = None) -> Drift:
    fail_on = fail_on or baseline.fail_on
    return Drift(
        baseline=baseline,
        current=current,
        findings=tuple(finding_changes(baseline.findings, current.findings, current.evaluation_date, fail_on)),
        controls=tuple(control_changes(baseline, current)),
        aliases=tuple(alias_changes(baseline.models, current.models)),
        digests=tuple(digest_changes(baseline.digests, current.digests)),
        inputs=tuple(input_changes(baseline.subjects, current.subjects)),
    )


def status(finding: dict) -> str:
    """The bucket one finding counts in, as the gate counts it."""
    return "waived" if finding.get("waiver") else finding["gate"]


def _fails(state: str, fail_on: str) -> bool:
    return state == "deny" and fail_on != "never" or state == "warn" and fail_on == "warn"


def _worst(findings: list[dict]) -> str:
    return min((status(f) for f in findings), key=STATUSES.index, default="pass")


def _severity(findings: list[dict]) -> str:
    return min((f["severity"] for f in findings), key=lambda s: SEVERITIES.index(s) if s in SEVERITIES else 99)


def _where(f: dict) -> str:
    loc = f.get("location") or {}
    if not loc.get("file"):
        return f["subject"]
    return f"{loc['file']}:{loc['line']}" if loc.get("line") else loc["file"]


def finding_changes(before: Iterable[dict], after: Iterable[dict], evaluation_date: str,
                    fail_on: str = "deny") -> list[FindingChange]:
    """Per finding identity (rule, subject, resource, field): new, resolved, changed (status, severity or
    messages), or waiver-expired (waived in the baseline by a waiver that has expired by
    `evaluation_date`, active now). A resource newly failing an already-failing rule is new."""
    old, new = findings_by_key(before), findings_by_key(after)
    changes = []
    for pair in sorted(old.keys() | new.keys()):
        was, now = old.get(pair, []), new.get(pair, [])
        was_status, now_status = _worst(was), _worst(now)
        shown = now or was
        messages = tuple(sorted({f["message"] for f in shown}))
        if not was:
            change = "new"
        elif not now:
            change = "resolved"
        elif (was_status, _severity(was), sorted({f["message"] for f in was})) != (now_status, _severity(now),
                                                                                   list(messages)):
            change = "changed"
        else:
            continue
        expired = _expired_waiver(was, evaluation_date) if now_status in ("deny", "warn") else None
        if expired and change == "changed":
            change = "waiver-expired"
        first = min(shown, key=lambda f: (STATUSES.index(status(f)), _where(f)))
        changes.append(FindingChange(
            change=change, rule_id=pair[0], subject=pair[1], title=first.get("title", ""), before=was_status,
            after=now_status, severity=_severity(shown), location=_where(first), messages=messages,
            fails_gate=_fails(now_status, fail_on) and not _fails(was_status, fail_on),
            waiver_expired_on=expired if change == "waiver-expired" else None, resource=pair[2], field=pair[3],
        ))
    return changes


def _expired_waiver(findings: list[dict], evaluation_date: str) -> str | None:
    """The expiry date of a baseline waiver that no longer holds on `evaluation_date`."""
    dates = [f["waiver"]["expires"] for f in findings if f.get("waiver") and f["waiver"].get("expires")]
    expired = [d for d in dates if evaluation_date and d < evaluation_date]  # ISO dates compare as text
    return min(expired) if expired else None


def control_rules(findings: Iterable[dict]) -> dict[str, tuple[str, ...]]:
    """`framework:control` -> the rules of the unwaived findings that name it (what keeps it not-satisfied)."""
    rules: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        if f.get("waiver"):
            continue
        for framework, controls in (f.get("controls") or {}).items():
            for control in controls:
                rules[f"{framework}:{control}"].add(f["rule_id"])
    return {control: tuple(sorted(ids)) for control, ids in rules.items()}


def control_changes(before: Snapshot, after: Snapshot) -> list[ControlChange]:
    """Controls whose status in the control matrix moved, between its three statuses only: a control
    one side's policies do not map is not-assessed there (nothing in that run could assess it). Both
    sides must carry the matrix (bundles, audits and JSON reports do); without it nothing is guessed."""
    if not before.controls or not after.controls:
        return []
    old_rules, new_rules = control_rules(before.findings), control_rules(after.findings)
    changes = []
    for control in sorted(before.controls.keys() | after.controls.keys()):
        was, now = before.controls.get(control, "not-assessed"), after.controls.get(control, "not-assessed")
        if was != now:
            changes.append(ControlChange(control, was, now, new_rules.get(control) or old_rules.get(control, ())))
    return changes


def aliases_of(models: dict[str, dict]) -> dict[str, dict[str, str]]:
    """Registered model name -> {alias: version}, from model-version documents' registered_model."""
    result: dict[str, dict[str, str]] = {}
    for document in models.values():
        registered = document.get("registered_model") or {}
        name = registered.get("name") or document.get("name")
        if name:
            result.setdefault(name, {}).update({a: str(v) for a, v in (registered.get("aliases") or {}).items()})
    return result


def alias_changes(before: dict[str, dict], after: dict[str, dict]) -> list[AliasChange]:
    """Aliases that point elsewhere, appeared or disappeared, for models seen on both sides."""
    old, new = aliases_of(before), aliases_of(after)
    changes = []
    for model in sorted(old.keys() & new.keys()):
        for alias in sorted(old[model].keys() | new[model].keys()):
            was, now = old[model].get(alias), new[model].get(alias)
            if was != now:
                changes.append(AliasChange(model, alias, was, now))
    return changes


def digest_changes(before: dict[str, str], after: dict[str, str]) -> list[DigestChange]:
    """Digests both sides recorded that differ."""
    return [DigestChange(k, before[k], after[k]) for k in sorted(before.keys() & after.keys()) if before[k] != after[k]]


def input_changes(before: dict[str, dict], after: dict[str, dict]) -> list[InputChange]:
    """Subjects added, removed or with another digest (derived subjects left out). The stable digest
    (without per-run fields such as a UI scan's time) is compared when both sides have one."""
    changes = []
    for sid in sorted(before.keys() | after.keys()):
        was, now = before.get(sid), after.get(sid)
        kind = (now or was)["kind"]
        if kind in DERIVED_KINDS:
            continue
        if was is None:
            changes.append(InputChange(sid, kind, "added"))
        elif now is None:
            changes.append(InputChange(sid, kind, "removed"))
        elif (was["stable"] != now["stable"]) if was.get("stable") and now.get("stable") else (
                was["sha256"] != now["sha256"]):
            changes.append(InputChange(sid, kind, "changed"))
    return changes
