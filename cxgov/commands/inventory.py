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
Its text, JSON and CycloneDX outputs are formats (cxgov/formats/inventory_*.py) of the one writer.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from cxgov.errors import UsageError


def run_inventory(*, paths: list[str], outputs, evaluation_date: str, jobs: int | None) -> int:
    """`outputs`: Outputs of formats.INVENTORY_FORMATS."""
    from cxgov.evidence.aibom import Inventory, usages

    result, subjects = evaluate(paths, evaluation_date, jobs)
    inventory = Inventory(tuple(usages(result.findings)), result.run, any(s.kind == "descriptor" for s in subjects))
    outputs.write(inventory, subjects=subjects)
    return 0


def evaluate(paths: list[str], evaluation_date: str, jobs: int | None):
    """The one evaluation: the files as `check` reads them, the shadow-AI pack, records asked for."""
    from cxgov.sources.files import FileSource

    root = Path.cwd()
    subjects = list(FileSource(paths, root=root).subjects())
    if not subjects:
        raise UsageError("no documents found in " + ", ".join(paths), hint="check the paths")
    return evaluate_subjects(subjects, evaluation_date, root, jobs), subjects


def evaluate_subjects(subjects, evaluation_date: str, root: Path, jobs: int | None = None):
    """The Result of the shadow-AI pack on these subjects, with its inventory records (`cxgov init`
    drafts ai_providers from the same call)."""
    from cxgov import pipeline
    from cxgov.engine.choice import EngineChoice
    from cxgov.engine.policyset import builtin_pack_paths, load, overlay
    from cxgov.evidence.aibom import RECORDS_DATA
    from cxgov.sources.interface import Given

    evaluator = EngineChoice().create(jobs)
    policies = load(builtin_pack_paths(["shadow_ai"]), [], root=root)
    policies = dataclasses.replace(policies, data=overlay(policies.data, RECORDS_DATA))
    options = pipeline.Options(evaluation_date=evaluation_date, root=root)
    return pipeline.run([Given(subjects)], policies, evaluator, options)
