"""OPA `# METADATA` annotations, read from policy source.

The embedded engine returns nothing for `rego.metadata.*`, so cxgov reads the annotations itself:
a comment block that starts with `# METADATA`, followed by YAML. Package-scope annotations (above
`package`, or `scope: package`) are defaults for every rule of the package; rule-scope annotations
override them field by field.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import yaml

from cxgov.errors import PolicyError
from cxgov.model import GATES, SEVERITIES, SUBJECT_KINDS, RuleInfo
from cxgov.engine.rego_source import Module, Rule, Token

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONTROL_RULE = re.compile(r"^(deny|violation|warn)(_[a-zA-Z0-9]+)*$")


def annotation(comments: list[Token], path: str) -> dict[str, Any] | None:
    """The YAML of the METADATA block in `comments`, or None when there is none."""
    lines = [c.text[1:] for c in comments]
    try:
        start = next(i for i, text in enumerate(lines) if text.strip() == "METADATA")
    except StopIteration:
        return None
    body = lines[start + 1 :]
    indent = min((len(t) - len(t.lstrip()) for t in body if t.strip()), default=0)
    text = "\n".join(t[indent:] for t in body)
    where = f"{path}:{comments[start].line}"
    try:
        value = yaml.load(text, Loader=_LOADER) or {}
    except yaml.YAMLError as exc:
        raise PolicyError(f"METADATA block is not valid YAML: {str(exc).splitlines()[0]}", where=where) from None
    if not isinstance(value, dict):
        raise PolicyError("METADATA block must be a YAML mapping", where=where)
    value["_line"] = comments[start].line
    return value


def is_control_rule(name: str) -> bool:
    """deny, violation, warn and their `_suffix` variants: the rules conftest (and cxgov) query."""
    return _CONTROL_RULE.match(name) is not None


def default_gate(name: str) -> str:
    return "warn" if name.startswith("warn") else "deny"


def rule_infos(module: Module, *, builtin: bool = False, dates: dict[str, str] | None = None) -> dict[str, RuleInfo]:
    """RuleInfo for every control rule of a module, keyed by rule name. `dates` resolves named
    `effective_from` values (e.g. `ai_act_highrisk`, which the Digital Omnibus moves)."""
    package_meta: dict[str, Any] = {}
    pkg_stmt = next(s for s in module.statements if s.code() and s.keyword == "package")
    first = annotation(pkg_stmt.comments, module.path)
    if first is not None:
        package_meta = first
    per_rule: dict[str, tuple[dict[str, Any], Rule]] = {}
    for rule in module.rules:
        meta = annotation(rule.statement.comments, module.path)
        if meta is not None and meta.get("scope") in ("package", "subpackages"):
            package_meta = {**package_meta, **meta}
            meta = None
        if not is_control_rule(rule.name) or rule.is_default or rule.is_function:
            continue
        if rule.name in per_rule:
            previous, _ = per_rule[rule.name]
            if meta is not None and previous and _identity(meta) != _identity(previous):
                raise PolicyError(
                    f"rule {rule.name!r} of package {module.package} has two METADATA blocks with different ids",
                    where=f"{module.path}:{rule.line}",
                    hint=f"give each its own rule name ({rule.name}_<name>) or package",
                )
            if meta is None or previous:
                continue
        per_rule[rule.name] = (meta or {}, rule)
    return {
        name: _info(module, rule, {**package_meta, **meta}, package_meta, meta, builtin, dates or {})
        for name, (meta, rule) in per_rule.items()
    }


def _identity(meta: dict[str, Any]) -> Any:
    return (meta.get("custom") or {}).get("id")


def _info(module: Module, rule: Rule, merged: dict, package_meta: dict, rule_meta: dict, builtin: bool,
          dates: dict[str, str]) -> RuleInfo:
    custom = {**(package_meta.get("custom") or {}), **(rule_meta.get("custom") or {})}
    where = f"{module.path}:{rule_meta.get('_line') or package_meta.get('_line') or rule.line}"
    severity = str(custom.get("severity", "high" if default_gate(rule.name) == "deny" else "medium")).lower()
    if severity not in SEVERITIES:
        raise PolicyError(f"custom.severity {severity!r} is not one of {', '.join(SEVERITIES)}", where=where)
    gate = str(custom.get("gate", "deny")).lower()
    if gate not in GATES:
        raise PolicyError(f"custom.gate {gate!r} is not deny or warn", where=where)
    if default_gate(rule.name) == "warn":
        gate = "warn"
    effective = custom.get("effective_from")
    effective = dates.get(effective, effective) if isinstance(effective, str) else effective
    if isinstance(effective, date):
        effective = effective.isoformat()
    elif effective is not None:
        try:
            effective = date.fromisoformat(str(effective)).isoformat()
        except ValueError:
            raise PolicyError(f"custom.effective_from {effective!r} is not a YYYY-MM-DD date or a named date"
                              f" ({', '.join(sorted(dates)) or 'none defined'})", where=where) from None
    frameworks = custom.get("frameworks") or {}
    if not isinstance(frameworks, dict) or not all(isinstance(v, list) for v in frameworks.values()):
        raise PolicyError("custom.frameworks must map a framework to a list of controls", where=where)
    applies_to = custom.get("applies_to") or []
    if isinstance(applies_to, str):
        applies_to = [applies_to]
    unknown = sorted(set(applies_to) - SUBJECT_KINDS)
    if unknown:
        raise PolicyError(f"custom.applies_to names unknown subject kinds {unknown}", where=where,
                          hint="use " + ", ".join(sorted(SUBJECT_KINDS)))
    return RuleInfo(
        applies_to=tuple(sorted(applies_to)),
        id=str(custom.get("id") or f"{module.package}.{rule.name}"),
        title=str(merged.get("title") or f"{module.package}.{rule.name}"),
        description=str(merged.get("description") or "").strip(),
        severity=severity,
        gate=gate,
        frameworks={str(k): [str(c) for c in v] for k, v in sorted(frameworks.items())},
        remediation=str(custom.get("remediation") or "").strip(),
        effective_from=effective,
        package=module.package,
        rule=rule.name,
        file=module.path,
        line=rule.line,
        builtin=builtin,
    )
