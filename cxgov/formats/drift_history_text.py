"""`drift history` (text): the runs, newest first, then each finding's first sighting, resolution and
time to remediate."""

from __future__ import annotations

from cxgov.drift.history import HistoryView
from cxgov.formats.interface import Format

KINDS = ("new", "changed", "waiver-expired", "resolved", "controls", "aliases", "digests", "inputs")


class DriftHistoryTextFormat(Format[HistoryView]):
    name = "text"

    def render(self, view: HistoryView, *, color: bool = False) -> str:
        lines = ["Runs (newest first):", f"  {'run':>5}  {'finished':<20}  {'status':<7}  exit  summary"]
        for r in view.runs:
            c = r["counts"]
            summary = r["error"] or ", ".join(f"{c[k]} {k}" for k in KINDS if c.get(k))
            baseline = (r.get("trust") or {}).get("baseline") or {}
            flag = {"untrusted": " [baseline UNTRUSTED]", "unsigned": " [baseline UNSIGNED]"}.get(baseline.get("trust"), "")
            lines.append(f"  {r['id']:>5}  {r['finished']:<20}  {r['status']:<7}  {r['exit_code']:>4}  "
                         f"{summary or 'no drift'} ({r['finding_count']} findings){flag}")
        lines += ["", "Findings (first seen, resolved, time to remediate):"]
        for e in view.episodes:
            resolved = (f"resolved run {e['resolved_run']} {e['resolved_at']}  after {duration(e['time_to_remediate'])}"
                        if e["resolved_run"] else "open")
            lines.append(f"  {e['rule_id']:<16} {e['subject']}\n      first seen run {e['first_run']} {e['first_seen']}"
                         f"  {resolved}")
        if not view.episodes:
            lines.append("  (none)")
        return "\n".join(lines) + "\n"


def duration(seconds: float) -> str:
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m {secs}s"
