"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

What GitHub needs to accept an upload, and what it shows:

- every result has a location, and every location is a repository-relative file (code scanning
  rejects the whole analysis otherwise). A finding about a model version, a scanned UI state or a
  live endpoint points at the descriptor (or cxgov.yaml) line declaring it (cxgov.anchors); the URI
  goes to the message and to `properties.uri`;
- fingerprints are the finding's identity (rule, subject, resource, field path), never the message,
  which may carry day counts; findings sharing an identity are numbered in message order;
- a rule of the builtin packs links its documentation (`helpUri`, docs/rules/<ID>.md);
- `automationDetails.id` is the category when one is given ($CXGOV_SARIF_CATEGORY, which the
  Action sets from `sarif-category`); without one it is left out, so upload-sarif's `category`
  applies (it fills only a missing id);
- at most 25,000 results a run: beyond that the least severe are left out, with a notification
  saying how many (the JSON output keeps them all).

Output is the same on every machine: locations are relative against %SRCROOT%, whose absolute value
(run.root) is deliberately left out.
"""

from __future__ import annotations

import json
import os
import re
from urllib.parse import quote

from cxgov.anchors import Anchor, Anchors
from cxgov.formats._common import (control_tags, not_judged, not_judged_text, ordered, severity_rank, sorted_keys,
                                   waiver_kind, waiver_note)
from cxgov.formats.interface import Format
from cxgov.model import Finding, Result, RuleInfo, sha256_of

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/cxgov/cxgov"
#: a builtin rule's documentation (docs/rules/<ID>.md, written by scripts/rule_docs.py)
RULE_DOCS = INFORMATION_URI + "/blob/main/docs/rules/{id}.md"
LEVELS = {"deny": "error", "warn": "warning"}
#: GitHub code scanning's security-severity scale (critical >= 9.0, high >= 7.0, medium >= 4.0, low > 0)
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}
FINGERPRINT = "cxgovFinding/v2"  # v2: the finding key (rule, subject, resource, field)
CATEGORY_ENV = "CXGOV_SARIF_CATEGORY"
#: GitHub code scanning's limits per run: results accepted, tags read per rule
MAX_RESULTS = 25_000
MAX_TAGS = 20
#: SARIF suppression kinds: a waivers file or a baseline is external to the source, a comment is in it
SUPPRESSION_KINDS = {"waiver": "external", "baseline": "external", "inline": "inSource", "annotation": "inSource"}


def _camel(title: str, fallback: str) -> str:
    """A rule's `name`: its title in CamelCase ("Data stays in the EU" -> DataStaysInTheEU)."""
    words = re.findall(r"[A-Za-z0-9]+", title)
    return "".join(w[0].upper() + w[1:] for w in words) or fallback


def _rule_of(finding: Finding, rules: dict[str, RuleInfo]) -> RuleInfo:
    """The catalog entry for a finding's rule, or one made from the finding when the catalog lacks it."""
    if finding.rule_id in rules:
        return rules[finding.rule_id]
    return RuleInfo(id=finding.rule_id, title=finding.title, severity=finding.severity, gate=finding.gate,
                    frameworks=finding.controls, remediation=finding.remediation)


def _descriptor(rule: RuleInfo) -> dict:
    title = rule.title or rule.id
    help_text = rule.remediation or rule.description or title
    tags = control_tags(rule.frameworks)
    help_markdown = help_text + ("\n\n**Controls:** " + ", ".join(f"`{t}`" for t in tags) if tags else "")
    out = {
        "id": rule.id,
        "name": _camel(rule.title, rule.id),
        "shortDescription": {"text": title},
        "fullDescription": {"text": rule.description or title},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": LEVELS.get(rule.gate, "warning")},
        "properties": {
            "security-severity": SECURITY_SEVERITY.get(rule.severity, "0.0"),
            "precision": "very-high",
            "tags": ["security", "compliance", *tags][:MAX_TAGS],
        },
    }
    if rule.builtin:
        out["helpUri"] = RULE_DOCS.format(id=quote(rule.id, safe=""))
    return out


def _uri(file: str) -> str:
    """A repository path as a relative URI reference: '/' separators, ':' and spaces percent-encoded."""
    return quote(file.replace("\\", "/"), safe="/@!$&'()*+,;=")


def location(anchor: Anchor) -> dict:
    physical: dict = {"artifactLocation": {"uri": _uri(anchor.file), "uriBaseId": "%SRCROOT%"}}
    if anchor.line and anchor.line > 0:
        physical["region"] = {"startLine": anchor.line}
    return {"physicalLocation": physical}


def with_uri(message: str, anchor: Anchor) -> str:
    """The message of a finding about a live source, naming its URI (unless it already does)."""
    if anchor.uri is None or anchor.uri in message:
        return message
    return f"{anchor.uri}: {message}"


def _result(finding: Finding, index: int, anchor: Anchor, occurrence: int) -> dict:
    entry: dict = {
        "ruleId": finding.rule_id,
        "ruleIndex": index,
        "level": LEVELS.get(finding.gate, "warning"),
        "message": {"text": with_uri(finding.message, anchor)},
        "locations": [location(anchor)],
    }
    # the finding's identity, never its message (it may carry counts that change from one day to the
    # next); findings sharing an identity (plain conftest messages) are numbered in message order
    identity = list(finding.key()) + ([occurrence] if occurrence else [])
    entry["partialFingerprints"] = {FINGERPRINT: sha256_of(identity)}
    entry["properties"] = {
        "subject": finding.subject,
        **({"uri": anchor.uri} if anchor.uri else {}),
        **({"resource": finding.resource} if finding.resource else {}),
        **({"path": finding.path} if finding.path else {}),
        "severity": finding.severity,
        "gate": finding.gate,
        "controls": sorted_keys({k: sorted(v) for k, v in finding.controls.items()}),
        "pre_enforcement": finding.pre_enforcement,
    }
    w = finding.waiver
    if w is not None:
        kind = waiver_kind(w)
        suppression = {"kind": SUPPRESSION_KINDS.get(kind, "external"), "status": "accepted",
                       "justification": waiver_note(w)}
        if kind == "waiver":
            suppression["properties"] = {"ticket": w.ticket, "approved_by": w.approved_by,
                                         "requested_by": w.requested_by, "expires": w.expires}
        else:
            suppression["properties"] = {"suppressed_by": kind, "source": str(w.source)}
        entry["suppressions"] = [suppression]
        if kind == "baseline":
            entry["baselineState"] = "unchanged"
    return entry


def _not_judged(result: Result, anchors: Anchors) -> list[dict]:
    """A tool execution notification per file and kind no selected rule judged: never a pass, and not a
    result either (no rule failed), so a SARIF viewer shows it beside the results."""
    out = []
    for file, kind, subjects in not_judged(result):
        out.append({
            "descriptor": {"id": "cxgov/not-judged"},
            "level": "warning",
            "message": {"text": not_judged_text(file, kind, len(subjects))},
            "locations": [location(anchors.of_subject(subjects[0]))],
            "properties": {"kind": kind, "subjects": [s.id for s in subjects]},
        })
    return out


def within_limit(findings: list[Finding], limit: int) -> tuple[list[Finding], int]:
    """At most `limit` findings, the most important kept (unwaived first, deny before warn, most severe
    first), in their usual order; and how many were left out."""
    if len(findings) <= limit:
        return findings, 0
    rank = sorted(range(len(findings)), key=lambda i: (findings[i].waiver is not None, findings[i].gate != "deny",
                                                       severity_rank(findings[i].severity), i))
    kept = sorted(rank[:limit])
    return [findings[i] for i in kept], len(findings) - limit


class SarifFormat(Format[Result]):
    """One SARIF run: a rule per rule id found, a result per finding, waived and suppressed ones
    marked as suppressions."""

    name = "sarif"
    extension = ".sarif"

    def render(self, result: Result, *, color: bool = False) -> str:
        everything = ordered(result.findings)
        findings, left_out = within_limit(everything, MAX_RESULTS)
        rules: dict[str, RuleInfo] = {}
        for f in findings:
            rules.setdefault(f.rule_id, _rule_of(f, result.rules))
        ids = sorted(rules)
        index = {rule_id: i for i, rule_id in enumerate(ids)}
        anchors = Anchors(result)
        occurrence, seen = [0] * len(findings), {}
        for i in sorted(range(len(findings)), key=lambda i: (findings[i].key(), findings[i].message, i)):
            occurrence[i] = seen[findings[i].key()] = seen.get(findings[i].key(), -1) + 1
        results = [_result(f, index[f.rule_id], anchors.of(f), occurrence[i]) for i, f in enumerate(findings)]
        run = result.run
        notes = _not_judged(result, anchors)
        if left_out:
            notes.append({
                "descriptor": {"id": "cxgov/results-limit"},
                "level": "warning",
                "message": {"text": f"{left_out} of {len(everything)} results left out: GitHub code scanning accepts "
                                    f"at most {MAX_RESULTS:,} results a run, so the least severe were cut; "
                                    "the JSON output (-o json) has every finding"},
            })
        document_run: dict = {
            "tool": {"driver": {"name": "cxgov", "version": run.tool_version, "informationUri": INFORMATION_URI,
                                "rules": [_descriptor(rules[rule_id]) for rule_id in ids]}},
            "invocations": [{"executionSuccessful": True, **({"toolExecutionNotifications": notes} if notes else {})}],
            "results": results,
            "properties": {
                "evaluation_date": run.evaluation_date,
                "engine": run.engine,
                "engine_version": run.engine_version,
                "policy_digest": run.policy_digest,
                # the counts every format reads (gate.verdict), and what nothing judged
                "counts": sorted_keys(result.verdict.counts),
                "not_judged": sorted(s.id for s in result.unjudged()),
                **({"results_left_out": left_out} if left_out else {}),
            },
        }
        category = os.environ.get(CATEGORY_ENV, "").strip()
        if category:
            document_run["automationDetails"] = {"id": category if category.endswith("/") else category + "/"}
        document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [document_run]}
        return json.dumps(document, indent=2) + "\n"
