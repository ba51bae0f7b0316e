"""`cxgov inventory [PATHS]`: every AI service the deployment files use, with its evidence.

How it works, and why this way. Detection is Rego, in the shadow-AI pack (policies/shadow_ai/
_detect.rego), and nothing in Python reads a file for it or repeats it. This command makes the one
evaluation `cxgov check` makes, of the same files read by the same sources, with the shadow-AI pack
alone, and with the policy datum `data.cxgov.inventory.records` set. The engine queries only control
rules, so the results reach Python as findings:

- with a descriptor, SHADOW-AI-02's `warn_inventory` rule gives one record per usage, declared or
  not (the same comparison with `ai_providers` that its deny makes). Without the datum, as in `check`
  and `audit`, the rule is empty, so declared usage never adds a line to their outputs;
- without a descriptor, SHADOW-AI-01 already lists every usage (nothing declares any).

Every such finding carries the usage as metadata (provider, vendor, usage kind, evidence, host,
region, asset, declared) and points at its file and line; cxgov/evidence/aibom.py reads them, and
renders them for `-o cyclonedx` as the bundle's SBOM does. The inventory is a listing, not a gate:
exit 0 whatever it finds (`cxgov check` is the gate), 2 when the files cannot be read or judged.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

from cxgov.errors import UsageError

FORMATS = ("text", "json", "cyclonedx")
INVENTORY_VERSION = 1


def run_inventory(*, paths: list[str], outputs: list[str], output_file: str | None, evaluation_date: str,
                  jobs: int | None, engine=None, color: bool = False) -> int:
    from cxgov.commands.outputs import Redaction, parse_outputs, write_atomically

    targets = parse_outputs(outputs, output_file, choices=FORMATS)
    result, subjects = evaluate(paths, evaluation_date, jobs, engine)
    from cxgov.evidence import aibom

    found = aibom.usages(result.findings)
    has_descriptor = any(s.kind == "descriptor" for s in subjects)
    redaction = Redaction(subjects)
    for target in targets:
        text = redaction.text(render(target.format, found, result, has_descriptor, color and target.file is None))
        if target.file is None:
            sys.stdout.write(text)
        else:
            write_atomically(target.file, text)
    return 0


def evaluate(paths: list[str], evaluation_date: str, jobs: int | None, engine=None):
    """The one evaluation: the files as `check` reads them, the shadow-AI pack, records asked for."""
    from cxgov.sources.files import FileSource

    root = Path.cwd()
    subjects = list(FileSource(paths, root=root).subjects())
    if not subjects:
        raise UsageError("no documents found in " + ", ".join(paths), hint="check the paths")
    return evaluate_subjects(subjects, evaluation_date, root, jobs, engine), subjects


def evaluate_subjects(subjects, evaluation_date: str, root: Path, jobs: int | None = None, engine=None):
    """The Result of the shadow-AI pack on these subjects, with its inventory records (`cxgov init`
    drafts ai_providers from the same call)."""
    from cxgov import pipeline
    from cxgov.engine.choice import EngineChoice
    from cxgov.engine.policyset import builtin_pack_paths, load, overlay
    from cxgov.evidence.aibom import RECORDS_DATA
    from cxgov.sources.interface import Given

    evaluator = (engine or EngineChoice()).create(jobs)
    policies = load(builtin_pack_paths(["shadow_ai"]), [], root=root)
    policies = dataclasses.replace(policies, data=overlay(policies.data, RECORDS_DATA))
    options = pipeline.Options(evaluation_date=evaluation_date, root=root)
    return pipeline.run([Given(subjects)], policies, evaluator, options)


def render(fmt: str, found, result, has_descriptor: bool, color: bool = False) -> str:
    from cxgov.evidence import aibom

    if fmt == "json":
        return json.dumps({"inventory_version": INVENTORY_VERSION, "run": result.run.to_dict(),
                           "has_descriptor": has_descriptor, "services": [u.to_dict() for u in found]},
                          indent=2, sort_keys=True) + "\n"
    if fmt == "cyclonedx":
        from datetime import datetime, timezone

        stamp = datetime.fromisoformat(result.run.evaluation_date).replace(tzinfo=timezone.utc)
        return json.dumps(aibom.standalone_bom(found, "cxgov-inventory", stamp), indent=2, sort_keys=True) + "\n"
    return text(found, has_descriptor, color)


def text(found, has_descriptor: bool, color: bool = False) -> str:
    from cxgov.evidence.aibom import declared_text

    undeclared = sum(u.declared is not True for u in found)
    head = f"AI services in use: {len(found)}, {undeclared} not declared"
    if not has_descriptor:
        head += " (no descriptor: nothing declares which AI services are approved)"
    lines = [head]
    for u in found:
        status = declared_text(u)
        if color and u.declared is not True:
            status = f"\x1b[33m{status}\x1b[0m"
        who = f"{u.provider} ({u.vendor or 'self-hosted or framework'})"
        where = " ".join(x for x in (u.host, u.region) if x)
        lines.append(f"  {u.where}  {status}  {who}  {u.evidence} ({u.usage})" + (f"  [{where}]" if where else ""))
    if not found:
        lines.append("  none found")
    return "\n".join(lines) + "\n"
