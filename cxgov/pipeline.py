"""The one pipeline: sources -> subjects -> engine -> findings -> waivers (and a UI baseline) -> verdict
-> Result.

Every command is this function with different sources in front and different outputs behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from cxgov import __version__, gate, system_view, waivers
from cxgov.gate import GateOptions
from cxgov.errors import InputError, PolicyError
from cxgov.model import Finding, Location, Result, RunInfo, Subject
from cxgov.paths import display_path
from cxgov.engine.interface import Engine, Progress
from cxgov.engine.policyset import PolicySet
from cxgov.sources.interface import Source
from cxgov.sources.locate import Locator


@dataclass(frozen=True)
class Options:
    evaluation_date: str
    namespaces: tuple[str, ...] = ("main",)
    all_namespaces: bool = False
    combine: bool = False
    fail_on: str = "deny"
    waivers: Path | None = None
    root: Path = field(default_factory=Path.cwd)
    waivers_name: str | None = None  # how findings name the waivers file; default: its path from root
    # known UI violations (`cxgov wcag --baseline`, cxgov.yaml ui.baseline), applied after the waivers
    ui_baseline: Path | None = None
    ui_baseline_name: str | None = None  # how findings name it; default: its path from root
    # the system has a descriptor (data.cxgov.run.has_descriptor); None: when the subjects hold one. A
    # shard without the descriptor file sets it, since another shard evaluates the system view
    has_descriptor: bool | None = None


def read(sources: Iterable[Source]) -> list[Subject]:
    """Every subject of every source, in the order of the sources."""
    return [subject for source in sources for subject in source.subjects()]


def options_for(gate: GateOptions, root: Path, **more) -> Options:
    """The pipeline's options for a command's gate options (cxgov.gate.GateOptions)."""
    return Options(evaluation_date=gate.evaluation_date, fail_on=gate.fail_on or "deny", waivers=gate.waivers,
                   root=root, **more)


def subjects_for(sources: Iterable[Source], options: Options, *,
                 system_from: Iterable[Source] | None = None) -> list[Subject]:
    """The subjects a run evaluates: combined when asked, plus the system view when there is a descriptor.

    `system_from`: the sources the system view is built from when they hold more than those evaluated
    (a shard evaluates its own files, but the descriptor is compared with all of them)."""
    subjects = read(sources)
    if options.combine:  # one input: the descriptor inside it is no longer a subject of its own
        subjects = [combine(subjects)]
    system_subjects = read(system_from) if system_from is not None else subjects
    system = system_view.build(system_subjects, options.root, options.evaluation_date)
    return [*subjects, system] if system is not None else subjects


def run(sources: Sequence[Source], policies: PolicySet, engine: Engine, options: Options,
        progress: Progress | None = None, *, prepared: bool = False,
        system_from: Sequence[Source] | None = None, locator: Locator | None = None) -> Result:
    """Read the sources; evaluate, waive, judge. `prepared`: the sources hold subjects that already
    went through subjects_for() (an audit keeps them for its bundle; a replay brings the bundled
    ones, system view included). `locator` finds the line of the field a finding names (default: in
    the files under options.root)."""
    subjects = read(sources) if prepared else subjects_for(sources, options, system_from=system_from)
    if not policies.plan(list(options.namespaces), all_namespaces=options.all_namespaces):
        wanted = "any namespace" if options.all_namespaces else "namespace " + ", ".join(options.namespaces)
        raise PolicyError(f"no deny, violation or warn rules in {wanted}",
                          hint="choose namespaces with -n/--namespace or use --all-namespaces")
    # only the packages that judge the kinds of subject at hand are compiled and queried
    plans = policies.plan(list(options.namespaces), all_namespaces=options.all_namespaces,
                          kinds={s.kind for s in subjects})
    evaluations: list = [([], []) for _ in subjects]
    if plans:
        engine.prepare(policies, plans, options.evaluation_date,
                       has_descriptor=options.has_descriptor if options.has_descriptor is not None
                       else any(s.kind == "system" for s in subjects))
        evaluations = engine.evaluate(subjects, progress)
    checks = [c for cs, _ in evaluations for c in cs]
    locator = locator if locator is not None else Locator(options.root)
    findings: list[Finding] = [located(f, locator) for _, fs in evaluations for f in fs]
    rules = policies.catalog()
    if options.waivers is not None:
        name = options.waivers_name or display_path(options.waivers, options.root)
        waiver_set = waivers.load(options.waivers, options.evaluation_date, name)
        findings = waiver_set.apply(findings) + list(waiver_set.problems)
        if waiver_set.problems:
            rules[waivers.GOV_002.id] = waivers.GOV_002
    findings.sort(key=Finding.sort_key)
    result = Result(
        run=RunInfo(__version__, engine.name, engine.version(), options.evaluation_date, policies.digest(),
                    options.root.as_posix(), policies.allow_nondeterministic),
        subjects=[s.ref() for s in subjects],
        checks=checks,
        findings=findings,
        rules={k: rules[k] for k in sorted(rules)},
        verdict=gate.verdict(findings, checks, options.fail_on),
        lines=dict(locator.resolved),
    )
    if options.ui_baseline is not None:
        from cxgov.sources import ui_baseline

        result = ui_baseline.apply(result, options.ui_baseline, options.evaluation_date,
                                   options.ui_baseline_name or display_path(options.ui_baseline, options.root))
    unjudged = result.unjudged()
    if subjects and len(unjudged) == len(result.subjects):
        raise InputError(nothing_judged(unjudged), hint=(
            "give Kubernetes manifests, Terraform plans (terraform show -json) or .tf files, or a cxgov "
            "descriptor (cxgov init drafts one); for other YAML/JSON, give your own policies with -p"))
    return result


def nothing_judged(unjudged) -> str:
    files = sorted({s.origin.file or s.id for s in unjudged})
    shown = ", ".join(files[:5]) + (f" and {len(files) - 5} more" if len(files) > 5 else "")
    kinds = ", ".join(sorted({s.kind for s in unjudged}))
    return f"no selected rule judges any input ({kinds}): {shown}"


def located(finding: Finding, locator: Locator) -> Finding:
    """The finding pointing at the line of the field it names, when it names one the file has."""
    if not finding.path:
        return finding
    line = locator.line(finding.location.file, finding.location.line, finding.path)
    if line is None or line == finding.location.line:
        return finding
    return replace(finding, location=Location(finding.location.file, line))


def combine(subjects: Sequence[Subject]) -> Subject:
    """Conftest's --combine: one input, a list of {path, contents} in file order."""
    by_file: dict[str, list] = {}
    for s in subjects:
        by_file.setdefault(s.origin.file or s.id, []).append(s.document)
    contents = [{"path": path, "contents": docs[0] if len(docs) == 1 else docs} for path, docs in by_file.items()]
    return Subject("combined", "combined", Location(None, None), contents)

