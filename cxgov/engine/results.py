"""Conftest semantics: what an engine's raw rule values mean as findings and tallies.

Every engine returns, per subject and package, the value of each control rule and the names
`exception` turned off; this module alone turns those into Findings and Checks, so the embedded
engine and an OPA server give identical results by construction.
"""

from __future__ import annotations

from typing import Any

from cxgov.errors import PolicyError
from cxgov.model import Check, Finding, Location, RuleInfo, Subject
from cxgov.engine.policyset import NamespacePlan
from cxgov.engine.metadata import default_gate
from cxgov.sources.locate import parse_path

_PREFIXES = ("violation_", "deny_", "warn_")
_RESERVED = frozenset({"msg", "_loc", "_controls", "_path", "resource"})  # result fields with a Finding field


def exception_name(rule: str) -> str:
    """The name an `exception` rule uses for a control rule: `deny_foo` -> `foo`, `deny` -> `deny`."""
    for prefix in _PREFIXES:
        if rule.startswith(prefix):
            return rule[len(prefix):]
    return rule


def exception_names(value: Any) -> set[str]:
    """The names in an `exception` rule's value (a set of arrays of rule names)."""
    names: set[str] = set()
    if isinstance(value, list):
        for entry in value:
            if isinstance(entry, list):
                names.update(x for x in entry if isinstance(x, str))
    return names


def grouped(rows: Any) -> dict[str, dict[str, Any]]:
    """A collector rule's `[package, rule, value]` rows as {package: {rule: value}} (absent: undefined)."""
    by_package: dict[str, dict[str, Any]] = {}
    for package, name, value in rows or []:
        by_package.setdefault(package, {})[name] = value
    return by_package


def judge_subject(subject: Subject, plans: list[NamespacePlan], by_package: dict[str, dict[str, Any]],
                  rules: dict[tuple[str, str], RuleInfo], evaluation_date: str) -> tuple[list[Check], list[Finding]]:
    """Checks and findings for one subject over every plan that judges its kind, from the rule values
    an engine read for it ({package: {rule: value}})."""
    checks: list[Check] = []
    findings: list[Finding] = []
    for plan in plans:
        if not plan.applies(subject.kind):
            continue
        values = dict(by_package.get(plan.package, {}))
        exceptions = exception_names(values.pop("exception", None))
        check, found = judge(subject, plan, values, exceptions, rules, evaluation_date)
        checks.append(check)
        findings += found
    return checks, findings


def judge(subject: Subject, plan: NamespacePlan, values: dict[str, Any], exceptions: set[str],
          rules: dict[tuple[str, str], RuleInfo], evaluation_date: str) -> tuple[Check, list[Finding]]:
    """Findings and the conftest tally for one subject in one package.

    `values[rule]` is the rule's value, or None when undefined. A control rule must be a set of
    strings or of objects with a string `msg`; anything else is a policy error, never a pass.
    """
    findings: list[Finding] = []
    excepted: list[str] = []
    successes = 0
    for rule in plan.rules:
        if exception_name(rule) in exceptions:
            excepted.append(rule)
            continue
        value = values.get(rule)
        if value is None:
            continue
        query = f"data.{plan.package}.{rule}"
        if not isinstance(value, list):
            raise PolicyError(f"{query} is {type(value).__name__}, not a set of messages",
                              hint=f"write `{rule} contains msg if {{ ... }}`")
        if not value:
            successes += 1
            continue
        info = rules.get((plan.package, rule))
        for item in value:
            findings.append(_finding(subject, query, rule, item, info, evaluation_date))
    total = len(findings) + len(excepted) + successes
    if total < plan.rule_count:
        successes += plan.rule_count - total
    return Check(subject.id, plan.package, successes, tuple(excepted)), findings


def _finding(subject: Subject, query: str, rule: str, item: Any, info: RuleInfo | None, evaluation_date: str) -> Finding:
    metadata: dict[str, Any] = {}
    location = subject.origin
    resource = path = ""
    if isinstance(item, str):
        message = item
    elif isinstance(item, dict):
        message = item.get("msg")
        if not isinstance(message, str):
            raise PolicyError(f"a result of {query} has no string `msg` field", hint="return a string or an object with msg")
        loc = item.get("_loc")
        location = _location(loc, location)
        # `_path` is a field of the subject's own document; `_loc.path` one of the document `_loc` names
        path = parse_path(loc.get("path")) if isinstance(loc, dict) and "path" in loc else parse_path(item.get("_path"))
        resource = item["resource"] if isinstance(item.get("resource"), str) else ""
        extra_controls = item.get("_controls")
        metadata = {k: v for k, v in sorted(item.items()) if k not in _RESERVED}
    else:
        raise PolicyError(f"a result of {query} is {type(item).__name__}, not a message", hint="return a string or an object with msg")
    controls = _merge_controls(info.frameworks if info else {}, extra_controls if isinstance(item, dict) else None)
    gate = info.gate if info else default_gate(rule)
    pre_enforcement = bool(info and info.effective_from and gate == "deny" and evaluation_date < info.effective_from)
    return Finding(
        rule_id=info.id if info else query.removeprefix("data."),
        title=info.title if info else query.removeprefix("data."),
        severity=info.severity if info else ("high" if gate == "deny" else "medium"),
        gate="warn" if pre_enforcement else gate,
        message=message,
        subject=subject.id,
        location=location,
        controls=controls,
        remediation=info.remediation if info else "",
        query=query,
        pre_enforcement=pre_enforcement,
        metadata=metadata,
        resource=resource,
        path=path,
    )


def _merge_controls(declared: dict[str, list[str]], extra: Any) -> dict[str, list[str]]:
    """The rule's declared controls plus those one result names in `_controls` (e.g. the WCAG
    success criteria of the axe rule a finding is about), each framework's list sorted."""
    if not isinstance(extra, dict):
        return declared
    merged = {k: list(v) for k, v in declared.items()}
    for framework, ids in extra.items():
        if isinstance(framework, str) and isinstance(ids, list):
            merged[framework] = sorted(set(merged.get(framework, [])) | {i for i in ids if isinstance(i, str)})
    return {k: v for k, v in sorted(merged.items()) if v}


def _location(loc: Any, default: Location) -> Location:
    """Conftest's `_loc: {file, line}` in a result object overrides the document's location."""
    if not isinstance(loc, dict):
        return default
    file = loc.get("file") if isinstance(loc.get("file"), str) else default.file
    line = loc.get("line")
    try:
        line = int(line) if line is not None else None
    except (TypeError, ValueError):
        line = None
    return Location(file, line)
