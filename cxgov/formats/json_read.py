"""Reading a `-o json` result back into a Result (for `cxgov merge`): the exact inverse of formats/json.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cxgov.errors import InputError
from cxgov.formats.json import SCHEMA_VERSION
from cxgov.model import Check, Finding, Location, Result, RuleInfo, RunInfo, SubjectRef, Verdict, Waiver
from cxgov.shard import ShardInfo


def read_result(path: Path) -> Result:
    """A Result from a file `cxgov check -o json` wrote; InputError naming the file for anything else."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"not a readable JSON file: {exc}", where=str(path)) from None
    try:
        return result_from_dict(document)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"not a cxgov JSON result (missing or malformed {exc})", where=str(path),
                         hint="give files written by `cxgov check -o json=FILE`") from None


def result_from_dict(doc: dict[str, Any]) -> Result:
    """The Result of any schema version so far (1 had no `schema_version` and an absolute root)."""
    if int(doc.get("schema_version", 1)) > SCHEMA_VERSION:
        raise ValueError(f"schema_version {doc['schema_version']} (this cxgov reads up to {SCHEMA_VERSION})")
    run = doc["cxgov"]
    verdict = doc["verdict"]
    return Result(
        run=RunInfo(run["tool_version"], run["engine"], run["engine_version"], run["evaluation_date"],
                    run["policy_digest"], run["root"], bool(run.get("allow_nondeterministic"))),
        subjects=[SubjectRef(s["kind"], s["id"], _location(s["origin"]), s["sha256"]) for s in doc["subjects"]],
        checks=[Check(c["subject"], c["namespace"], int(c["successes"]), tuple(c["exceptions"])) for c in doc["checks"]],
        findings=[finding_from_dict(f) for f in doc["findings"]],
        rules={rule_id: _rule(r) for rule_id, r in doc["rules"].items()},
        verdict=Verdict(bool(verdict["passed"]), verdict["fail_on"], verdict["counts"], verdict["by_rule"],
                        verdict["by_control"], verdict["by_framework"]),
        shard=ShardInfo.from_dict(doc["shard"]) if doc.get("shard") is not None else None,
    )


def finding_from_dict(f: dict[str, Any]) -> Finding:
    w = f.get("waiver")
    waiver = None
    if w is not None:
        fields = (w["rule"], w["subject"], w["reason"], w["approved_by"], w["requested_by"], w["ticket"], w["expires"],
                  _location(w["source"]), w.get("resource") or "")
        if w.get("kind"):  # an inline suppression or a baselined finding (cxgov.suppressions)
            from cxgov.suppressions import Suppression

            waiver = Suppression(*fields, kind=w["kind"])
        else:
            waiver = Waiver(*fields)
    return Finding(f["rule_id"], f["title"], f["severity"], f["gate"], f["message"], f["subject"],
                   _location(f["location"]), f["controls"], f["remediation"], f["query"], bool(f["pre_enforcement"]),
                   f["metadata"], waiver, f.get("resource") or "", f.get("path") or "")


def _rule(r: dict[str, Any]) -> RuleInfo:
    source = r.get("source") or {}
    return RuleInfo(r["id"], r["title"], r["description"], r["severity"], r["gate"], r["frameworks"],
                    r["remediation"], r["effective_from"], r["package"], r["rule"], source.get("file"),
                    source.get("line"), bool(r["builtin"]), tuple(r["applies_to"]))


def _location(raw: dict[str, Any]) -> Location:
    return Location(raw["file"], raw["line"])
