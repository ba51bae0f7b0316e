"""`cxgov check`: files -> engine -> formats."""

from __future__ import annotations

import dataclasses
import gc
from pathlib import Path

import click

from cxgov import pipeline
from cxgov.errors import UsageError
from cxgov.formats._common import RenderOptions, rendering
from cxgov.paths import display_path
from cxgov.selection import Selection, policy_paths, rejudge, restrict
from cxgov.suppressions import GOV_005, Baseline, apply_inline, load_baseline
from cxgov.commands.outputs import Outputs, show_warnings
from cxgov.gate import GateOptions
from cxgov.progress import progress_for
from cxgov.engine.choice import EngineChoice
from cxgov.sources.live import LiveOptions

LARGE_RUN = 400  # subjects from which the collector's full passes over the parsed documents show


def run_check(*, paths, policy, data, namespaces, all_namespaces, builtin, combine, parser, include, exclude,
              outputs: Outputs, gate: GateOptions, jobs, limits, live: LiveOptions = LiveOptions(),
              read_models: bool = True, ui_artifacts: str | None = None, no_ui: bool = False,
              engine: EngineChoice = EngineChoice(), shard=None, selection: Selection = Selection(),
              baseline: str | None = None, render: RenderOptions = RenderOptions()) -> int:
    from cxgov.engine.policyset import load
    from cxgov.shard import ShardInfo
    from cxgov.sources.files import FileSource, Limits

    root = Path.cwd()
    if shard is not None and combine:
        raise UsageError("--shard cannot split a --combine run", hint="--combine evaluates all documents as one input")
    evaluator = engine.create(jobs)  # before any work: bad engine options are a usage error
    if not policy and Path("policy").is_dir():
        policy = ["policy"]  # conftest's default policy directory
    policy, builtin = policy_paths(selection, list(policy), builtin)
    if not policy and not builtin:
        raise UsageError("no policies to evaluate", hint="give -p/--policy, or drop --no-builtin")
    known = load_baseline(Path(baseline), display_path(baseline, root)) if baseline else None  # fail before work
    policies = load(policy, data, builtin=builtin, root=root, allow_nondeterministic=engine.allow_nondeterministic)
    policies = restrict(policies, selection)
    show_warnings(policies.warnings)
    limits = Limits(**{k: v for k, v in limits.items() if v is not None})
    source = FileSource(paths, root=root, include=include, exclude=exclude, parser=parser, limits=limits, shard=shard)
    files = list(source.subjects())
    if not files and not (shard is not None and source.all_files):  # a shard may get no files; a run may not
        raise UsageError("no documents found in " + ", ".join(paths),
                         hint="check the paths and --include/--exclude globs")
    # the model versions a descriptor deploys, so the system view compares it with the registry, and
    # its UI entry points, scanned like any other source (selenium only when there are some)
    from cxgov.sources.declared_ui import DeclaredUI
    from cxgov.sources.deployed_models import DeployedModels
    from cxgov.sources.interface import Given

    declared = [DeployedModels(files, tracking_uri=live.tracking_uri, read=read_models, timeout=live.mlflow_timeout,
                               retries=live.mlflow_retries),
                DeclaredUI(files, live.ui(ui_artifacts), no_ui=no_ui)]
    sources = [Given(files), *declared]
    subjects = pipeline.read(sources)  # read once: the registry and the UI are not asked again
    system_from = None
    if shard is not None and any(s.kind == "descriptor" for s in subjects):
        # the shard holding the descriptor builds the system view over every file, as an unsplit run does
        system_from = [FileSource(paths, root=root, include=include, exclude=exclude, parser=parser,
                                  limits=limits), *declared]
    options = pipeline.options_for(
        gate, root, namespaces=namespaces, all_namespaces=all_namespaces, combine=combine,
        has_descriptor=(system_from is not None or source.declares_descriptor()) if shard is not None else None,
    )
    if len(subjects) >= LARGE_RUN:
        # the documents live until the command exits: out of the cyclic collector's sight, its full
        # collections no longer walk them again and again (a fifth of a large run's own time). Here, in
        # the command, not in the engine: a long-lived process that embeds the pipeline keeps its GC
        gc.freeze()
    with progress_for(len(subjects), "evaluating") as progress:
        result = pipeline.run(sources, policies, evaluator, options, progress, system_from=system_from)
    if shard is not None:
        mine = len(shard.pick(source.all_files))
        result = dataclasses.replace(result, shard=ShardInfo.of(shard, source.all_files, mine))
    result = judged(result, subjects, root, selection, known)
    with rendering(render):
        outputs.write(result, subjects=subjects)
    return result.verdict.exit_code


def judged(result, subjects, root: Path, selection: Selection, baseline: Baseline | None):
    """The result after inline suppressions, the baseline and the rule selection, with its verdict
    computed again (cxgov.selection.rejudge)."""
    findings, problems = apply_inline(result, subjects, root)
    if baseline is not None:
        findings, gone = baseline.apply(findings)
        if gone:
            click.echo(f"cxgov: note: {gone} finding(s) of the baseline {baseline.display} no longer occur; "
                       "refresh it to keep them from coming back unnoticed", err=True)
    return rejudge(result, findings + problems, selection, extra_rules=[GOV_005] if problems else [])
