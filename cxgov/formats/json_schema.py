"""The JSON Schema of `-o json` (formats/json.py), printed by `cxgov schema result`.

Kept beside the format it describes; tests validate real results against it, so the two cannot drift.
"""

from __future__ import annotations

from typing import Any

from cxgov.formats.json import SCHEMA_VERSION
from cxgov.model import GATES, SEVERITIES, SUBJECT_KINDS

_STR = {"type": "string"}
_INT = {"type": "integer", "minimum": 0}
_CONTROLS = {"type": "object", "description": "framework -> control ids, e.g. {\"soc2\": [\"CC6.1\"]}",
             "additionalProperties": {"type": "array", "items": _STR}}
_BUCKETS = {"type": "object", "required": ["deny", "warn", "waived"],
            "properties": {k: _INT for k in ("deny", "warn", "waived")}, "additionalProperties": False}


def _object(properties: dict[str, Any], required: list[str] | None = None, *, extra: bool = False,
            description: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": properties,
                           "required": sorted(required if required is not None else properties),
                           "additionalProperties": extra}
    if description:
        out["description"] = description
    return out


def result_schema() -> dict[str, Any]:
    location = _object({
        "file": {"type": ["string", "null"],
                 "description": "a path relative to the run's root, a URI (https://..., models:/...), - for stdin"},
        "line": {"type": ["integer", "null"], "minimum": 1},
    })
    subject = _object({
        "kind": {"enum": sorted(SUBJECT_KINDS)}, "id": _STR, "origin": {"$ref": "#/$defs/location"},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    })
    waiver = _object({
        "rule": _STR, "subject": _STR, "reason": _STR, "approved_by": _STR, "requested_by": _STR, "ticket": _STR,
        "expires": _STR, "source": {"$ref": "#/$defs/location"}, "resource": _STR,
        "kind": {"enum": ["inline", "annotation", "baseline"],
                 "description": "present for a suppression: a comment or annotation next to the line, or a baseline"},
    }, ["rule", "subject", "reason", "approved_by", "requested_by", "ticket", "expires", "source"],
        description="the waiver (waivers file) or suppression that applies; the finding does not gate")
    finding = _object({
        "rule_id": _STR, "title": _STR, "severity": {"enum": list(SEVERITIES)}, "gate": {"enum": list(GATES)},
        "message": _STR, "subject": _STR, "location": {"$ref": "#/$defs/location"}, "controls": _CONTROLS,
        "remediation": _STR, "query": _STR, "pre_enforcement": {"type": "boolean"},
        "metadata": {"type": "object"}, "waiver": {"oneOf": [{"type": "null"}, {"$ref": "#/$defs/waiver"}]},
        "resource": _STR, "path": _STR,
    })
    rule = _object({
        "id": _STR, "title": _STR, "description": _STR, "severity": {"enum": list(SEVERITIES)},
        "gate": {"enum": list(GATES)}, "frameworks": _CONTROLS, "remediation": _STR,
        "effective_from": {"type": ["string", "null"]}, "package": _STR, "rule": _STR,
        "source": {"$ref": "#/$defs/location"}, "builtin": {"type": "boolean"},
        "applies_to": {"type": "array", "items": _STR},
    })
    counts = {
        "type": "object",
        "required": ["findings", "deny", "warn", "waived", "pre_enforcement", "tests", "successes", "exceptions"],
        "properties": {k: _INT for k in ("findings", "deny", "warn", "waived", "pre_enforcement", "tests",
                                         "successes", "exceptions", "suppressed", "baselined", "below_severity")},
        "additionalProperties": _INT,
        "description": "computed once by the gate: findings = deny + warn + waived; of the waived, `suppressed` and "
                       "`baselined` (when any); `below_severity`: unwaived findings below --severity, not gating; "
                       "tests/successes/exceptions are conftest-style tallies",
    }
    verdict = _object({
        "passed": {"type": "boolean"}, "fail_on": {"enum": ["deny", "warn", "never"]}, "counts": counts,
        "by_rule": {"type": "object", "additionalProperties": _BUCKETS},
        "by_control": {"type": "object", "additionalProperties": _BUCKETS},
        "by_framework": {"type": "object", "additionalProperties": _BUCKETS},
    })
    run = _object({
        "tool_version": _STR, "engine": _STR, "engine_version": _STR,
        "evaluation_date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "policy_digest": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "root": {"const": ".", "description": "every path is relative to where the run was made"},
        "allow_nondeterministic": {"const": True},
    }, ["tool_version", "engine", "engine_version", "evaluation_date", "policy_digest", "root"])
    check = _object({"subject": _STR, "namespace": _STR, "successes": _INT,
                     "exceptions": {"type": "array", "items": _STR}})
    shard = {"type": "object", "description": "set when the result covers one shard of a split run (--shard I/N)"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://github.com/cxgov/cxgov/schemas/result-v{SCHEMA_VERSION}.json",
        "title": "cxgov result",
        "description": "What `cxgov check -o json` (and merge, models check, wcag, audit -o json) writes.",
        **_object({
            "schema_version": {"const": SCHEMA_VERSION},
            "cxgov": {"$ref": "#/$defs/run"},
            "verdict": {"$ref": "#/$defs/verdict"},
            "subjects": {"type": "array", "items": {"$ref": "#/$defs/subject"}},
            "not_judged": {"type": "array", "items": {"allOf": [{"$ref": "#/$defs/subject_fields"}, _object(
                {"reason": _STR}, ["reason"], extra=True)]},
                "description": "subjects no selected rule judged: never a pass"},
            "checks": {"type": "array", "items": {"$ref": "#/$defs/check"}},
            "findings": {"type": "array", "items": {"$ref": "#/$defs/finding"}},
            "rules": {"type": "object", "additionalProperties": {"$ref": "#/$defs/rule"}},
            "shard": shard,
        }, ["schema_version", "cxgov", "verdict", "subjects", "not_judged", "checks", "findings", "rules"]),
        "$defs": {
            "location": location, "subject": subject, "waiver": waiver, "finding": finding, "rule": rule,
            "verdict": verdict, "run": run, "check": check,
            "subject_fields": {**subject, "additionalProperties": True},
        },
    }
