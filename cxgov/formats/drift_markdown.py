"""`drift check -o markdown`: a drift run for a pull request, an issue or a step summary; everything
from the inputs is inert text (cell(), code())."""

from __future__ import annotations

from cxgov.drift.outcome import Outcome
from cxgov.formats.drift_text import trust_text
from cxgov.formats.interface import Format
from cxgov.formats.markdown import cell, code, table


class DriftMarkdownFormat(Format[Outcome]):
    """The headline with an icon, the baseline line, then a table per kind of difference."""

    name = "markdown"
    extension = ".md"

    def render(self, o: Outcome, *, color: bool = False) -> str:
        d = o.drift
        icon = {"ok": "✅", "drift": "❌" if d is not None and d.fails_gate else "⚠️", "errored": "🛑"}[o.status]
        accepted = trust_text((o.trust or {}).get("baseline"))
        out = [f"## {icon} cxgov drift: {cell(o.headline())}", "",
               f"baseline {code(o.baseline)}" + (f" ({cell(accepted)})" if accepted else "")
               + (f" · run {o.run_id}" if o.run_id else "") + f" · finished {o.finished}"]
        if d is None or not d.drifted:
            return "\n".join(out) + "\n"
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
