"""The audit: every source of cxgov.yaml -> the one pipeline -> verdict + evidence bundle.

run_audit() reads and evaluates; write_bundle() turns the run into a bundle on disk. They are
separate so drift can audit without writing, and a test can write the same run twice. The command
(`cxgov audit`, cxgov/commands/audit.py) and drift's re-run of a baseline's audit both call them.
"""

from __future__ import annotations

import io
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cxgov import pipeline
from cxgov.audit_config import AuditConfig
from cxgov.progress import Stages, progress_for
from cxgov.engine.policyset import PolicySet
from cxgov.evidence.attest_subjects import remote_without_credentials
from cxgov.evidence.times import clock
from cxgov.errors import CxgovError, InputError, SourceError, UsageError
from cxgov.model import Result, Subject
from cxgov.sources.interface import Given
from cxgov.sources.live import LiveOptions


@dataclass(frozen=True)
class AuditRun:
    config: AuditConfig
    config_path: Path
    result: Result
    subjects: list[Subject]  # every subject evaluated, the system view included
    artifacts_dir: Path  # screenshots and other files sources left behind for the bundle
    policies: PolicySet | None = None
    options: pipeline.Options | None = None
    stages: Stages | None = field(default=None, compare=False)
    read_at: dict[str, int] = field(default_factory=dict)  # source (files, models, ui) -> when it was read


def run_audit(config: AuditConfig, *, config_path: str | Path, evaluation_date: str, jobs: int | None = None,
              stages: Stages | None = None, live: LiveOptions = LiveOptions()) -> AuditRun:
    """Read every source the config names and evaluate them in one pipeline run; writes nothing."""
    from cxgov.engine.policyset import load
    from cxgov.selection import Selection, policy_paths

    config_path = Path(config_path).resolve()
    root = config_path.parent
    stages = stages or Stages(stage_count(config), stream=io.StringIO())  # quiet unless asked
    with stages.stage("loading policies") as out:
        packs = config.policies.packs()
        paths, builtin = policy_paths(Selection(packs=packs), [root / p for p in config.policies.paths], bool(packs))
        if not paths and not builtin:
            raise UsageError("no policies to evaluate", where=str(config_path),
                             hint="set policies.builtin to true or list your policies under policies.paths")
        policies = load(paths, [root / d for d in config.policies.data], builtin=builtin, root=root)
        out["detail"] = f"{len(policies.modules)} modules, digest {policies.digest()[:12]}"
    subjects: list[Subject] = []
    read_at: dict[str, int] = {}
    if config.file_paths():
        with stages.stage("reading files") as out:
            subjects += _file_subjects(config, root)
            read_at["files"] = clock()
            out["detail"] = f"{len(subjects)} documents"
    artifacts_dir = Path(tempfile.mkdtemp(prefix="cxgov-audit-"))
    try:
        return _evaluate(config, config_path, evaluation_date, jobs, stages, policies, subjects, artifacts_dir, live,
                         read_at)
    except BaseException:
        import shutil

        shutil.rmtree(artifacts_dir, ignore_errors=True)
        raise


def _evaluate(config, config_path, evaluation_date, jobs, stages, policies, subjects, artifacts_dir, live,
              read_at) -> AuditRun:
    from cxgov.engine.embedded import EmbeddedEngine

    root = config_path.parent
    files = list(subjects)
    if _reads_models(config):
        with stages.stage("reading model versions") as out:
            found = _model_subjects(config, files, live)
            read_at["models"] = clock()
            subjects += found
            out["detail"] = f"{len(found)} model version{'' if len(found) == 1 else 's'}" + (
                f" from {_registries(found)}" if found else "")
    if _scans_ui(config):
        with stages.stage("scanning the UI") as out:
            found = _ui_subjects(config, files, live, artifacts_dir, f"{config_path.name}: ui.entry_points")
            read_at["ui"] = clock()
            subjects += found
            out["detail"] = f"{len(found)} page states"
    if not subjects:
        raise UsageError("the config names nothing to audit", where=str(config_path),
                         hint="list a descriptor, manifests, plans, files, models or UI entry points")
    waivers = (root / config.waivers) if config.waivers else None
    if waivers is not None and not waivers.is_file():
        raise UsageError("waivers file not found", where=str(waivers), hint="fix `waivers:` in the config")
    options = pipeline.Options(
        evaluation_date=evaluation_date, namespaces=tuple(config.policies.namespaces),
        all_namespaces=config.policies.all_namespaces, fail_on=config.gate.fail_on, waivers=waivers, root=root,
        ui_baseline=root / config.ui.baseline if config.ui.baseline else None, ui_baseline_name=config.ui.baseline,
    )
    with stages.stage("evaluating") as out:
        evaluated = pipeline.subjects_for([Given(subjects)], options)  # kept for the bundle
        with progress_for(len(evaluated), "evaluating") as progress:
            result = pipeline.run([Given(evaluated)], policies, EmbeddedEngine(jobs), options, progress,
                                  prepared=True)
        c = result.verdict.counts
        out["detail"] = f"{len(evaluated)} subjects, {c['deny']} deny, {c['warn']} warn, {c['waived']} waived"
    return AuditRun(config, config_path, result, evaluated, artifacts_dir, policies, options, stages, read_at)


def _reads_models(config: AuditConfig) -> bool:
    """Model versions are read unless skipped: the config's refs and those the descriptor deploys."""
    return config.models.skip is None and bool(config.models.refs or config.descriptor)


def _scans_ui(config: AuditConfig) -> bool:
    """The UI is scanned unless skipped: the config's entry points and those the descriptor declares."""
    return config.ui.skip is None and bool(config.ui.entry_points or config.descriptor)


def stage_count(config: AuditConfig) -> int:
    n = 3 + bool(config.file_paths())  # policies, files, evaluating, writing
    return n + _reads_models(config) + _scans_ui(config)


def _file_subjects(config: AuditConfig, root: Path) -> list[Subject]:
    from cxgov.sources.files import FileSource

    for p in config.file_paths():
        if not (root / p).exists():
            raise UsageError("no such file or directory", where=str(root / p), hint="fix the path in the config")
    return list(FileSource([str(root / p) for p in config.file_paths()], root=root).subjects())


def _model_subjects(config: AuditConfig, files: list[Subject], live: LiveOptions) -> list[Subject]:
    """The versions the descriptor deploys (as `cxgov check` reads them) and the config's refs, once each."""
    try:
        from cxgov.sources.deployed_models import DeployedModels
        from cxgov.sources.mlflow import MlflowSource
    except ImportError as exc:
        raise SourceError(f"this installation cannot read MLflow ({exc})", where="models",
                          hint="install cxgov with MLflow support, or set models.skip with a reason") from None
    uri = live.tracking_uri or config.models.tracking_uri
    deployed = DeployedModels(files, tracking_uri=uri, timeout=live.mlflow_timeout, retries=live.mlflow_retries,
                              # the hint in the audit's terms, not --no-models
                              no_uri_hint="set the descriptor's models[].tracking_uri or models.tracking_uri in "
                                          "cxgov.yaml, give --tracking-uri or MLFLOW_TRACKING_URI, or set "
                                          "models.skip with a reason")
    found = list(deployed.subjects())
    if config.models.refs:  # a source of its own, made once the descriptor's references are known good
        found += MlflowSource(uri, list(config.models.refs), timeout=live.mlflow_timeout,
                              retries=live.mlflow_retries).subjects()
    unique = {s.id: s for s in reversed(found)}
    return [unique[k] for k in sorted(unique)]


def _registries(found: list[Subject]) -> str:
    uris = sorted({s.document.get("tracking_uri") for s in found if isinstance(s.document, dict)} - {None})
    return ", ".join(uris) or "the registry"


def _ui_subjects(config: AuditConfig, files: list[Subject], live: LiveOptions, artifacts_dir: Path,
                 where: str) -> list[Subject]:
    """The entry points the descriptor declares (as `cxgov check` scans them) and the config's, in one scan."""
    try:
        from cxgov.sources.declared_ui import DeclaredUI
    except ImportError as exc:
        raise SourceError(f"this installation cannot scan UIs ({exc})", where="ui",
                          hint="install cxgov with UI scanning support, or set ui.skip with a reason") from None
    options = live.ui(str(artifacts_dir))
    entry_points = [e.model_dump(exclude_none=True) for e in config.ui.entry_points]
    return list(DeclaredUI(files, options, entry_points=entry_points, where=where).subjects())


# --- the bundle ----------------------------------------------------------------------------------


def default_bundle_dir(config: AuditConfig, config_path: Path, evaluation_date: str) -> Path:
    return Path(config_path).resolve().parent / config.evidence.out / f"{config.system}-{evaluation_date}"


def bundle_inputs(run: AuditRun):
    from cxgov.engine.policyset import builtin_policy_dir
    from cxgov.evidence.build import BundleInputs

    options = run.options
    waivers = recorded(options.waivers, options.waivers_name, options.root)
    policies = run.policies
    return BundleInputs(
        system=run.config.system,
        result=run.result,
        subjects=run.subjects,
        policy_sources=[(m.path, m.source, m.path in policies.builtin_paths) for m in policies.modules + policies.tests],
        policy_data=policies.data,
        builtin_dir=builtin_policy_dir(),
        evaluation={"evaluation_date": run.result.run.evaluation_date, "fail_on": run.result.verdict.fail_on,
                    "namespaces": list(options.namespaces), "all_namespaces": options.all_namespaces},
        config_text=run.config_path.read_text(encoding="utf-8"),
        waivers=waivers,
        epoch=clock(),  # when the bundle is written: now, or SOURCE_DATE_EPOCH (reproducible builds)
        skipped=run.config.skipped(),
        artifacts_dir=run.artifacts_dir,
        git=git_facts(run.config_path.parent),
        ci=ci_facts(os.environ),
        read_at=dict(run.read_at),
        drift_history=drift_runs(run.config, run.config_path),
        ui_baseline=recorded(options.ui_baseline, options.ui_baseline_name, options.root),
    )


def recorded(path: Path | None, name: str | None, root: Path) -> tuple[str, bytes] | None:
    """(the name findings give a file the run read, its bytes), for the bundle to keep."""
    if path is None:
        return None
    from cxgov.paths import display_path

    return name or display_path(path, root), path.read_bytes()


#: the drift runs a bundle keeps: enough for a year of weekly runs, or a quarter of daily ones
DRIFT_RUNS_KEPT = 100


def drift_runs(config: AuditConfig, config_path: Path) -> list[dict] | None:
    """The system's newest drift runs, oldest first, from the state file `evidence.drift_history` names;
    None when it names none. A named file that is missing or unreadable is an error, never an empty trend."""
    if config.evidence.drift_history is None:
        return None
    from cxgov.drift.history import History

    path = config_path.parent / config.evidence.drift_history
    if not path.is_file():
        raise InputError("no such drift state file", where=f"{config_path}: evidence.drift_history: {path}",
                         hint="`cxgov drift check --state FILE` creates it; or remove the key")
    with History(path) as history:
        runs = [r for r in history.runs(DRIFT_RUNS_KEPT * 10) if r["system"] in ("", config.system)][:DRIFT_RUNS_KEPT]
    return [{k: r[k] for k in ("started", "finished", "status", "finding_count", "evaluation_date", "counts")}
            for r in reversed(runs)]


def write_bundle(run: AuditRun, out_dir: str | Path, *, key=None, overwrite: bool = False) -> tuple[Path, Path]:
    """Write the bundle directory `out_dir` and `out_dir.tar.gz`, all or nothing; returns both paths.

    Before anything is written, the bundle is replayed in memory whenever redaction (or JSON) changed
    an evaluated document: findings.json must be reproducible from what the bundle holds.
    """
    from cxgov.evidence.build import assemble
    from cxgov.evidence.bundle import Bundle
    from cxgov.evidence.write import write_bundle_files

    stages = run.stages or Stages(1, stream=io.StringIO())
    inputs = bundle_inputs(run)
    with stages.stage("writing the evidence bundle") as out:
        files = assemble(inputs, key)
        bundle = Bundle("<new bundle>", files)
        manifest = bundle.manifest
        if manifest["redactions"] or not _round_trips(run.subjects):
            from cxgov.evidence.replay import replay

            outcome = replay(bundle)
            if not outcome.reproduced:
                raise CxgovError("the redacted inputs do not reproduce the findings, so the bundle could not be "
                                 "replayed: " + "; ".join(outcome.differences[:3]),
                                 hint="a rule reads a value cxgov redacts; report this with the rule id")
        target, archive = write_bundle_files(files, Path(out_dir), inputs.epoch, overwrite=overwrite)
        signed = f"signed by {key.keyid[:16]}" if key else "UNSIGNED"
        out["detail"] = f"{len(files)} files, {manifest['redactions']} redactions, {signed}"
    return target, archive


def _round_trips(subjects: list[Subject]) -> bool:
    import json

    from cxgov.model import canonical_json

    return all(json.loads(canonical_json(s.document)) == s.document for s in subjects)


def git_facts(directory: Path) -> dict | None:
    """The commit the audited files are at, and whether they have uncommitted changes; None outside git."""
    def git(*args: str) -> str | None:
        try:
            proc = subprocess.run(["git", "-C", str(directory), *args], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return proc.stdout.strip() if proc.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if not commit:
        return None
    status = git("status", "--porcelain", "--untracked-files=no", "--", ".")
    # where the commit lives, for the attestation's subject: the remote (credentials cut), else the path
    remote = remote_without_credentials(git("config", "--get", "remote.origin.url"))
    return {"commit": commit, "dirty": bool(status), "remote": remote,
            "path": None if remote else git("rev-parse", "--show-toplevel")}


GITHUB_FIELDS = ("GITHUB_REPOSITORY", "GITHUB_RUN_ID", "GITHUB_RUN_ATTEMPT", "GITHUB_WORKFLOW", "GITHUB_JOB",
                 "GITHUB_REF", "GITHUB_SHA", "GITHUB_ACTOR", "GITHUB_EVENT_NAME")


def ci_facts(env) -> dict | None:
    """The GitHub Actions run that made the bundle (GITHUB_* variables), for reconciliation with deploy logs."""
    if not env.get("GITHUB_RUN_ID"):
        return None
    facts = {k.removeprefix("GITHUB_").lower(): env[k] for k in GITHUB_FIELDS if env.get(k)}
    server = env.get("GITHUB_SERVER_URL", "https://github.com")
    if env.get("GITHUB_REPOSITORY"):
        facts["url"] = f"{server}/{env['GITHUB_REPOSITORY']}/actions/runs/{env['GITHUB_RUN_ID']}"
    return {"provider": "github-actions", **facts}


def resolve_key(config: AuditConfig, config_path: Path, key_file: str | None, key_env: str | None, unsigned: bool):
    """The signing key: --key / --key-env, else the config's evidence.signing_key; None when unsigned."""
    from cxgov.evidence import sign

    if unsigned:
        return None
    if key_file:
        return sign.load_key_file(Path(key_file))
    if key_env:
        return sign.load_key_env(key_env)
    configured = config.evidence.signing_key
    if configured is None:
        return None
    if configured.file:
        return sign.load_key_file(config_path.parent / configured.file)
    return sign.load_key_env(configured.env)
