"""`cxgov models check`: MLflow -> engine -> formats. (The model versions a descriptor deploys, which
`check` and `audit` read, are cxgov/sources/deployed_models.py.)"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from cxgov import pipeline
from cxgov.errors import UsageError
from cxgov.commands.outputs import Outputs
from cxgov.gate import GateOptions
from cxgov.progress import progress_for


def run_models_check(*, refs, filters, tracking_uri, policy, data, builtin, outputs: Outputs, gate: GateOptions, jobs,
                     timeout, retries) -> int:
    from cxgov.engine.embedded import EmbeddedEngine
    from cxgov.engine.policyset import load
    from cxgov.sources.interface import Given
    from cxgov.sources.mlflow import MlflowSource
    from cxgov.sources.mlflow_reader import masked

    if not refs and not filters:
        raise UsageError("no model versions to check", hint="give references (name@alias, name/version) or --filter")
    if not tracking_uri:
        raise UsageError("no MLflow tracking URI", hint="give --tracking-uri or set MLFLOW_TRACKING_URI")
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
    options = pipeline.options_for(gate, root)
    with progress_for(len(subjects), "evaluating") as progress:
        result = pipeline.run([Given(subjects)], policies, engine, options, progress)
    outputs.write(result, subjects=subjects)
    return result.verdict.exit_code
