#!/usr/bin/env python3
"""Write docs/rules/<ID>.md for every builtin rule (and the rules cxgov itself applies: GOV-002 for
waivers, GOV-005 for inline suppressions), and docs/rules/README.md listing them. SARIF links each
builtin rule's `helpUri` here, so GitHub code scanning shows the page beside an alert.

    python scripts/rule_docs.py           # write the pages
    python scripts/rule_docs.py --check   # exit 1 and name the pages that are out of date

Run it after changing a builtin rule's METADATA; tests/formats/test_sarif_github.py fails when a page is
missing or stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DOCS = ROOT / "docs" / "rules"
FRAMEWORKS = {"gdpr": "GDPR", "soc2": "SOC 2", "eu-ai-act": "EU AI Act", "wcag22": "WCAG 2.2",
              "en301549": "EN 301 549", "eaa": "European Accessibility Act"}


def rules():
    from cxgov.engine.policyset import load
    from cxgov.suppressions import GOV_005
    from cxgov.waivers import GOV_002

    catalog = load([], builtin=True, root=ROOT).catalog()
    return sorted([*(r for r in catalog.values() if r.builtin), GOV_002, GOV_005], key=lambda r: r.id)


def page(rule) -> str:
    out = [f"# {rule.id}: {rule.title}", ""]
    facts = [("severity", rule.severity), ("gate", rule.gate)]
    if rule.effective_from:
        facts.append(("enforced from", f"{rule.effective_from} (before: reported as warn, pre-enforcement)"))
    if rule.applies_to:
        facts.append(("judges", ", ".join(rule.applies_to)))
    if rule.file:
        facts.append(("source", f"`{rule.file}`"))
    else:
        facts.append(("source", f"cxgov itself (`{rule.package}`)"))
    out += [f"- **{name}:** {value}" for name, value in facts]
    if rule.frameworks:
        out += ["", "## Controls", ""]
        out += [f"- {FRAMEWORKS.get(fw, fw)}: {', '.join(ids)}" for fw, ids in sorted(rule.frameworks.items()) if ids]
    if rule.description:
        out += ["", "## What it checks", "", rule.description.strip()]
    if rule.remediation:
        out += ["", "## How to fix it", "", rule.remediation.strip()]
    out += ["", "## When it does not apply", "",
            f"Waive it for a subject in `waivers.yaml` (rule `{rule.id}`, with a reason, a ticket, an approver who is not "
            f"the requester, and an expiry at most 90 days ahead), or suppress it next to the line with "
            f"`# cxgov:ignore {rule.id} <reason>`. Both stay visible in every report."]
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def index(all_rules) -> str:
    out = ["# Rules", "", "Every rule of cxgov's builtin packs, and the rules cxgov applies itself.", "",
           "| id | severity | gate | title |", "|---|---|---|---|"]
    out += [f"| [{r.id}]({r.id}.md) | {r.severity} | {r.gate} | {_cell(r.title)} |" for r in all_rules]
    return "\n".join(out) + "\n"


def expected() -> dict[Path, str]:
    all_rules = rules()
    pages = {DOCS / f"{r.id}.md": page(r) for r in all_rules}
    pages[DOCS / "README.md"] = index(all_rules)
    return pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the pages are up to date")
    args = parser.parse_args()
    pages = expected()
    stale = sorted(p for p, text in pages.items() if not p.is_file() or p.read_text(encoding="utf-8") != text)
    extra = sorted(p for p in DOCS.glob("*.md") if p not in pages) if DOCS.is_dir() else []
    if args.check:
        for p in stale:
            print(f"out of date: {p.relative_to(ROOT)}")
        for p in extra:
            print(f"no such rule: {p.relative_to(ROOT)}")
        return 1 if stale or extra else 0
    DOCS.mkdir(parents=True, exist_ok=True)
    for p in stale:
        p.write_text(pages[p], encoding="utf-8")
    for p in extra:
        p.unlink()
    print(f"{len(pages)} pages, {len(stale)} written, {len(extra)} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
