"""Drift reports in text, JSON and Markdown, all read from one Outcome; byte-stable for the same one."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cxgov.drift.compare import Drift
from cxgov.formats.markdown import cell, code, table

FORMATS = ("text", "json", "markdown")
_SIGNS = {"new": "+", "resolved": "-", "changed": "~", "waiver-expired": "!"}


@dataclass(frozen=True)
class Outcome:
    """One drift run: clean (ok), drifted, or errored (could not check; never clean)."""

    status: str  # "ok", "drift", "errored"
    exit_code: int
    started: str
    finished: str
    baseline: str
    drift: Drift | None = None
    error: str | None = None
    run_id: int | None = None  # the history row, when --state is given
    # how the baseline (and a --current bundle) were accepted: {"baseline": {"trust": "trusted", ...}}
    trust: dict | None = None

    def to_dict(self) -> dict:
        return {"status": self.status, "exit_code": self.exit_code, "run_id": self.run_id, "started": self.started,
                "finished": self.finished, "baseline": self.baseline, "error": self.error,
                "trust": self.trust, "drift": self.drift.to_dict() if self.drift else None}


def trust_text(accepted: dict | None) -> str:
    """How a baseline or current bundle was accepted, in words."""
    if not accepted:
        return ""
    kind = accepted.get("trust")
    if kind == "trusted":
        return f"signed by trusted key {str(accepted.get('keyid'))[:16]} ({accepted.get('trusted_keys_from')})"
    if kind == "untrusted":
        return (f"signed by key {str(accepted.get('keyid'))[:16]}, NOT checked against a trusted key "
                "(accepted with --allow-untrusted)")
    if kind == "unsigned":
        return "UNSIGNED (accepted with --allow-unsigned)"
    if kind == "report":
        return "a JSON report: not signed, nothing shows who made it"
    return str(kind)


def render(outcome: Outcome, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(outcome.to_dict(), indent=2, sort_keys=True) + "\n"
    if fmt == "markdown":
        return _markdown(outcome)
    return _text(outcome)


def headline(outcome: Outcome) -> str:
    """One line: what this run found."""
    d = outcome.drift
    if outcome.status == "errored":
        return f"ERRORED: could not check against the baseline: {outcome.error}"
    if d is None or not d.drifted:
        return "NO DRIFT: the current run matches the approved baseline"
    gate = "fails the gate" if d.fails_gate else "does not fail the gate"
    return f"DRIFT: {d.summary()} ({gate})"


def _text(o: Outcome) -> str:
    lines = [f"baseline  {o.baseline}"]
    if o.trust and o.trust.get("baseline"):
        lines.append(f"          {trust_text(o.trust['baseline'])}")
    d = o.drift
    if d is not None:
        lines.append(f"current   {d.current.source} (evaluated {d.current.evaluation_date})")
    lines.append("")
    if d is not None and d.drifted:
        if d.findings:
            lines.append("Findings (per rule, subject and resource):")
            for c in d.findings:
                extra = f" (waiver expired {c.waiver_expired_on})" if c.waiver_expired_on else ""
                gate = "  FAILS GATE" if c.fails_gate else ""
                resource = f" [{c.resource}]" if c.resource else ""
                lines.append(f"  {_SIGNS[c.change]} {c.change:<14} {c.rule_id:<16} {c.before:>6} -> {c.after:<6} "
                             f"{c.severity:<8} {c.location}{resource}{extra}{gate}")
                lines.extend(f"      {m}" for m in c.messages)
        sections = [
            ("Controls:", [f"  {c.control:<24} {c.before} -> {c.after}  ({', '.join(c.rules)})" for c in d.controls]),
            ("Model aliases:", [f"  {a.model}@{a.alias}: {a.before or '(none)'} -> {a.after or '(none)'}"
                                for a in d.aliases]),
            ("Digests:", [f"  {g.name}: {g.before[:12]} -> {g.after[:12]}" for g in d.digests]),
            ("Inputs:", [f"  {i.change:<8} {i.kind:<15} {i.subject}" for i in d.inputs]),
        ]
        for title, body in sections:
            if body:
                lines += ["", title, *body]
        lines.append("")
    lines.append(headline(o))
    return "\n".join(lines) + "\n"


def _markdown(o: Outcome) -> str:
    d = o.drift
    icon = {"ok": "✅", "drift": "❌" if d is not None and d.fails_gate else "⚠️", "errored": "🛑"}[o.status]
    accepted = trust_text((o.trust or {}).get("baseline"))
    out = [f"## {icon} cxgov drift: {cell(headline(o))}", "",
           f"baseline {code(o.baseline)}" + (f" ({cell(accepted)})" if accepted else "")
           + (f" · run {o.run_id}" if o.run_id else "") + f" · finished {o.finished}"]
    if d is not None and d.drifted:
        if d.findings:
            rows = [[cell(c.change), code(c.rule_id), code(c.subject), cell(c.resource), f"{c.before} → {c.after}",
                     cell(c.severity), code(c.location), cell("; ".join(c.messages)), "yes" if c.fails_gate else ""]
                    for c in d.findings]
            out += ["", "### Findings", "",
                    *table(["change", "rule", "subject", "resource", "status", "severity", "location", "message",
                            "fails gate"], rows)]
        if d.controls:
            out += ["", "### Controls", "", *table(["control", "before", "now", "rules"], [
                [code(c.control), cell(c.before), cell(c.after), cell(", ".join(c.rules))] for c in d.controls])]
        if d.aliases:
            out += ["", "### Model aliases", "", *table(["model", "alias", "before", "now"], [
                [code(a.model), code(a.alias), cell(a.before or "(none)"), cell(a.after or "(none)")]
                for a in d.aliases])]
        if d.digests:
            out += ["", "### Digests", "", *table(["what", "before", "now"], [
                [cell(g.name), code(g.before[:12]), code(g.after[:12])] for g in d.digests])]
        if d.inputs:
            out += ["", "### Inputs", "", *table(["change", "kind", "subject"], [
                [cell(i.change), cell(i.kind), code(i.subject)] for i in d.inputs])]
    return "\n".join(out) + "\n"
