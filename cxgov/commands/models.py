"""`cxgov models check` (MLflow -> engine -> formats), and the model versions a descriptor deploys,
which `cxgov check` reads so the system view can compare the descriptor with the registry."""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cxgov import pipeline
from cxgov.errors import UsageError
from cxgov.model import Subject
from cxgov.commands.outputs import parse_outputs, write_outputs
from cxgov.commands.progress import progress_for

DEFAULT_ALIAS = "production"


def descriptor_references(subject: Subject) -> list[tuple[str | None, str]]:
    """(tracking URI or None, reference) for every model the descriptor deploys: its pinned version
    and its alias (default production), so both can be judged and compared."""
    models = subject.document.get("models") if isinstance(subject.document, dict) else None
    refs: list[tuple[str | None, str]] = []
    for entry in models if isinstance(models, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue  # the descriptor's validation names the problem
        uri = entry.get("tracking_uri") if isinstance(entry.get("tracking_uri"), str) else None
        if entry.get("version") is not None:
            refs.append((uri, f"{entry['name']}/{entry['version']}"))
        refs.append((uri, f"{entry['name']}@{entry.get('alias') or DEFAULT_ALIAS}"))
    return refs


NO_URI_HINT = ("set models[].tracking_uri, give --tracking-uri or MLFLOW_TRACKING_URI, or skip the registry with "
               "--no-models")


def deployed_model_subjects(subjects: Sequence[Subject], *, tracking_uri: str | None, read: bool, timeout: float,
                            retries: int, no_uri_hint: str = NO_URI_HINT) -> list[Subject]:
    """The registry's model versions for the descriptors among `subjects`; [] when none deploy models.

    With read=False (--no-models) nothing is read and the opt-out is said on stderr; the system
    view then has no model versions, and SOC2-CC8.1-02 reports each model as unverified.
    `no_uri_hint`: what to do about a reference with no registry, in the calling command's terms.
    """
    from cxgov.sources.mlflow import MlflowSource

    wanted: dict[str, list[str]] = {}
    for subject in subjects:
        if subject.kind != "descriptor":
            continue
        for uri, ref in descriptor_references(subject):
            uri = tracking_uri or uri
            if not uri and read:
                raise UsageError(f"model reference {ref} has no MLflow tracking URI", where=str(subject.origin),
                                 hint=no_uri_hint)
            wanted.setdefault(uri or "", []).append(ref)
    if not wanted:
        return []
    if not read:
        count = sum(len(refs) for refs in wanted.values())
        print(f"cxgov: note: --no-models: {count} model reference(s) of the descriptor were not read from the "
              "registry; SOC2-CC8.1-02 reports the deployed models as unverified", file=sys.stderr)
        return []
    found: dict[str, Subject] = {}
    for uri in sorted(wanted):
        for s in MlflowSource(uri, sorted(set(wanted[uri])), timeout=timeout, retries=retries).subjects():
            found.setdefault(s.id, s)
    return [found[k] for k in sorted(found)]


def run_models_check(*, refs, filters, tracking_uri, policy, data, builtin, outputs, output_file, fail_on, waivers,
                     evaluation_date, jobs, timeout, retries, color) -> int:
    from cxgov.engine.embedded import EmbeddedEngine
    from cxgov.engine.policyset import load
    from cxgov.sources.mlflow import MlflowSource
    from cxgov.sources.mlflow_reader import masked

    if not refs and not filters:
        raise UsageError("no model versions to check", hint="give references (name@alias, name/version) or --filter")
    if not tracking_uri:
        raise UsageError("no MLflow tracking URI", hint="give --tracking-uri or set MLFLOW_TRACKING_URI")
    targets = parse_outputs(outputs, output_file)
    root = Path.cwd()
    if not policy and not builtin:
        raise UsageError("no policies to evaluate", hint="give -p/--policy, or drop --no-builtin")
    source = MlflowSource(tracking_uri, refs, filters=filters, timeout=timeout, retries=retries)
    # made first, so its worker process starts Python and loads OPA while the registry is read
    engine = EmbeddedEngine(jobs)
    # the registry is read while the policies are parsed: the reads mostly wait on the server, or on
    # importing mlflow for a local or database store
    read: dict[str, Any] = {}

    def read_registry() -> None:
        try:
            read["subjects"] = list(source.subjects())
        except BaseException as exc:  # noqa: BLE001 - re-raised below, in the command's thread
            read["error"] = exc

    reader = threading.Thread(target=read_registry, name="cxgov-registry", daemon=True)
    reader.start()
    policies = load(policy, data, builtin=builtin, root=root)  # a policy error stops the run first
    reader.join()
    if "error" in read:
        raise read["error"]
    subjects = read["subjects"]
    if not subjects:
        raise UsageError("the filter selected no model versions in " + masked(tracking_uri),
                         hint="check the --filter expression")
    options = pipeline.Options(evaluation_date=evaluation_date, fail_on=fail_on,
                               waivers=Path(waivers) if waivers else None, root=root)
    with progress_for(len(subjects), "evaluating") as progress:
        result = pipeline.run(subjects, policies, engine, options, progress)
    write_outputs(result, targets, color=color, stdout=sys.stdout, subjects=subjects)
    return result.verdict.exit_code
