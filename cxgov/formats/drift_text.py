"""`drift check -o text`: a drift run for a terminal or a log, read from its Outcome."""

from __future__ import annotations

from cxgov.drift.outcome import Outcome
from cxgov.formats.interface import Format

_SIGNS = {"new": "+", "resolved": "-", "changed": "~", "waiver-expired": "!"}


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


class DriftTextFormat(Format[Outcome]):
    """The baseline (and how it was accepted), the current run, each difference by kind, the headline."""

    name = "text"
    extension = ".txt"

    def render(self, o: Outcome, *, color: bool = False) -> str:
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
                    lines.append(f"  {_SIGNS[c.change]} {c.change:<14} {c.rule_id:<16} {c.before:>6} -> "
                                 f"{c.after:<6} {c.severity:<8} {c.location}{resource}{extra}{gate}")
                    lines.extend(f"      {m}" for m in c.messages)
            sections = [
                ("Controls:", [f"  {c.control:<24} {c.before} -> {c.after}  ({', '.join(c.rules)})"
                               for c in d.controls]),
                ("Model aliases:", [f"  {a.model}@{a.alias}: {a.before or '(none)'} -> {a.after or '(none)'}"
                                    for a in d.aliases]),
                ("Digests:", [f"  {g.name}: {g.before[:12]} -> {g.after[:12]}" for g in d.digests]),
                ("Inputs:", [f"  {i.change:<8} {i.kind:<15} {i.subject}" for i in d.inputs]),
            ]
            for title, body in sections:
                if body:
                    lines += ["", title, *body]
            lines.append("")
        lines.append(o.headline())
        return "\n".join(lines) + "\n"
