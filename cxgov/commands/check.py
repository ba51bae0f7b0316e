"""`cxgov check`: files -> engine -> formats."""

from __future__ import annotations

import sys
from pathlib import Path

from cxgov import pipeline
from cxgov.errors import UsageError
from cxgov.commands.models import deployed_model_subjects
from cxgov.commands.outputs import write_outputs, parse_outputs
from cxgov.commands.progress import progress_for


def run_check(*, paths, policy, data, namespaces, all_namespaces, builtin, combine, parser, include, exclude,
              outputs, output_file, fail_on, waivers, evaluation_date, jobs, limits, color, tracking_uri=None,
              read_models=True, mlflow_timeout=10.0, mlflow_retries=3, ui=None, no_ui: bool = False) -> int:
    from cxgov.engine.embedded import EmbeddedEngine
    from cxgov.engine.policyset import load
    from cxgov.sources.files import FileSource, Limits

    root = Path.cwd()
    targets = parse_outputs(outputs, output_file)  # before any work: a bad -o is a usage error
    if not policy and Path("policy").is_dir():
        policy = ["policy"]  # conftest's default policy directory
    if not policy and not builtin:
        raise UsageError("no policies to evaluate", hint="give -p/--policy, or drop --no-builtin")
    policies = load(policy, data, builtin=builtin, root=root)
    limits = Limits(**{k: v for k, v in limits.items() if v is not None})
    source = FileSource(paths, root=root, include=include, exclude=exclude, parser=parser, limits=limits)
    subjects = list(source.subjects())
    if not subjects:
        raise UsageError("no documents found in " + ", ".join(paths),
                         hint="check the paths and --include/--exclude globs")
    # the model versions a descriptor deploys, so the system view compares it with the registry
    subjects += deployed_model_subjects(subjects, tracking_uri=tracking_uri, read=read_models,
                                        timeout=mlflow_timeout, retries=mlflow_retries)
    # a descriptor's UI entry points are scanned like any other source (selenium only when there are some)
    from cxgov.commands.wcag import UIOptions, declared_ui_subjects

    subjects += declared_ui_subjects(subjects, ui or UIOptions(), no_ui=no_ui)
    options = pipeline.Options(
        evaluation_date=evaluation_date, namespaces=namespaces, all_namespaces=all_namespaces, combine=combine,
        fail_on=fail_on, waivers=Path(waivers) if waivers else None, root=root,
    )
    with progress_for(len(subjects), "evaluating") as progress:
        result = pipeline.run(subjects, policies, EmbeddedEngine(jobs), options, progress)
    write_outputs(result, targets, color=color, stdout=sys.stdout)
    return result.verdict.exit_code
