"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Output is the same on every machine: locations are repository-relative against %SRCROOT%, whose
absolute value (run.root) is deliberately left out.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from cxgov.formats._common import control_tags, is_uri, not_judged, not_judged_text, ordered, sorted_keys, waiver_note
from cxgov.formats.interface import Format
from cxgov.model import Finding, Location, Result, RuleInfo, sha256_of

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/cxgov/cxgov"
LEVELS = {"deny": "error", "warn": "warning"}
#: GitHub code scanning's security-severity scale (critical >= 9.0, high >= 7.0, medium >= 4.0, low > 0)
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}
FINGERPRINT = "cxgovFinding/v2"  # v2: the finding key (rule, subject, resource, field)


def _camel(title: str, fallback: str) -> str:
    """A rule's `name`: its title in CamelCase ("Data stays in the EU" -> DataStaysInTheEU)."""
    words = re.findall(r"[A-Za-z0-9]+", title)
    return "".join(w[0].upper() + w[1:] for w in words) or fallback


def _rule_of(finding: Finding, rules: dict[str, RuleInfo]) -> RuleInfo:
    """The catalog entry for a finding's rule, or one made from the finding when the catalog lacks it."""
    if finding.rule_id in rules:
        return rules[finding.rule_id]
    return RuleInfo(
        id=finding.rule_id,
        title=finding.title,
        severity=finding.severity,
        gate=finding.gate,
        frameworks=finding.controls,
        remediation=finding.remediation,
    )


def _descriptor(rule: RuleInfo) -> dict:
    title = rule.title or rule.id
    help_text = rule.remediation or rule.description or title
    tags = control_tags(rule.frameworks)
    help_markdown = help_text + ("\n\n**Controls:** " + ", ".join(f"`{t}`" for t in tags) if tags else "")
    return {
        "id": rule.id,
        "name": _camel(rule.title, rule.id),
        "shortDescription": {"text": title},
        "fullDescription": {"text": rule.description or title},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": LEVELS.get(rule.gate, "warning")},
        "properties": {
            "security-severity": SECURITY_SEVERITY.get(rule.severity, "0.0"),
            "precision": "very-high",
            "tags": ["security", "compliance", *tags],
        },
    }


def _location(location: Location) -> list[dict]:
    """SARIF locations for a finding: none when its file is unknown."""
    if location.file is None:
        return []
    if is_uri(location.file):
        artifact = {"uri": location.file}
    else:
        # a repository path as a relative URI reference: '/' separators, ':' and spaces percent-encoded
        uri = quote(location.file.replace("\\", "/"), safe="/@!$&'()*+,;=")
        artifact = {"uri": uri, "uriBaseId": "%SRCROOT%"}
    physical: dict = {"artifactLocation": artifact}
    if location.line and location.line > 0:
        physical["region"] = {"startLine": location.line}
    return [{"physicalLocation": physical}]


def _result(finding: Finding, index: int) -> dict:
    entry: dict = {
        "ruleId": finding.rule_id,
        "ruleIndex": index,
        "level": LEVELS.get(finding.gate, "warning"),
        "message": {"text": finding.message},
    }
    locations = _location(finding.location)
    if locations:
        entry["locations"] = locations
    # the finding's identity; its message only when the rule names neither resource nor field (a plain
    # conftest string), since messages may carry counts that change from one day to the next
    identity = list(finding.key()) + ([] if finding.resource or finding.path else [finding.message])
    entry["partialFingerprints"] = {FINGERPRINT: sha256_of(identity)}
    entry["properties"] = {
        "subject": finding.subject,
        **({"resource": finding.resource} if finding.resource else {}),
        **({"path": finding.path} if finding.path else {}),
        "severity": finding.severity,
        "gate": finding.gate,
        "controls": sorted_keys({k: sorted(v) for k, v in finding.controls.items()}),
        "pre_enforcement": finding.pre_enforcement,
    }
    w = finding.waiver
    if w is not None:
        entry["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": waiver_note(w),
                "properties": {
                    "ticket": w.ticket,
                    "approved_by": w.approved_by,
                    "requested_by": w.requested_by,
                    "expires": w.expires,
                },
            }
        ]
    return entry


def _not_judged(result: Result) -> list[dict]:
    """A tool execution notification per file and kind no selected rule judged: never a pass, and not a
    result either (no rule failed), so a SARIF viewer shows it beside the results."""
    out = []
    for file, kind, subjects in not_judged(result):
        first = subjects[0].origin
        out.append({
            "descriptor": {"id": "cxgov/not-judged"},
            "level": "warning",
            "message": {"text": not_judged_text(file, kind, len(subjects))},
            "locations": _location(Location(first.file, first.line)),
            "properties": {"kind": kind, "subjects": [s.id for s in subjects]},
        })
    return out


class SarifFormat(Format):
    """One SARIF run: a rule per rule id found, a result per finding, waived ones suppressed."""

    name = "sarif"
    extension = ".sarif"

    def render(self, result: Result, *, color: bool = False) -> str:
        findings = ordered(result.findings)
        rules: dict[str, RuleInfo] = {}
        for f in findings:
            rules.setdefault(f.rule_id, _rule_of(f, result.rules))
        ids = sorted(rules)
        index = {rule_id: i for i, rule_id in enumerate(ids)}
        run = result.run
        notes = _not_judged(result)
        document = {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "cxgov",
                            "version": run.tool_version,
                            "informationUri": INFORMATION_URI,
                            "rules": [_descriptor(rules[rule_id]) for rule_id in ids],
                        }
                    },
                    "invocations": [{"executionSuccessful": True,
                                     **({"toolExecutionNotifications": notes} if notes else {})}],
                    "results": [_result(f, index[f.rule_id]) for f in findings],
                    "properties": {
                        "evaluation_date": run.evaluation_date,
                        "engine": run.engine,
                        "engine_version": run.engine_version,
                        "policy_digest": run.policy_digest,
                        # the counts every format reads (gate.verdict), and what nothing judged
                        "counts": sorted_keys(result.verdict.counts),
                        "not_judged": sorted(s.id for s in result.unjudged()),
                    },
                }
            ],
        }
        return json.dumps(document, indent=2) + "\n"
