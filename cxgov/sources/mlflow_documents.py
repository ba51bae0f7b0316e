"""The model-version document (the Rego input of a model-version subject), built from MLflow's REST JSON.

Both readers answer in that JSON, so what a rule sees does not depend on how the registry was read.
The document holds the version and its registered model, the source run, the MLflow 3 logged model
the version was registered from (its metrics, params and linked datasets, each with the run that
recorded it), the newest GenAI evaluation of the version, and the model's flavors and signature.
model_registry/README.md is the contract; model-version.schema.json its shape.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any

from cxgov.errors import SourceError

LOGGED_MODELS_TAG = "mlflow.log-model.history"
LOGGED_MODEL_SOURCE = re.compile(r"^models:/(?P<model_id>m-[0-9a-f]+)/?$")
RUN_TYPE_TAG = "mlflow.runType"
GENAI_EVALUATION = "genai_evaluate"  # the run type mlflow.genai.evaluate sets
EVALUATED_VERSION_TAG = "evaluated_model"  # a run tag naming the version it evaluated: models:/name/version
FINISHED = "FINISHED"


def subject_id(name: str, version: str) -> str:
    return f"models:/{name}/{version}"


def model_id_of(mv: dict) -> str | None:
    """The logged model a version was registered from: its model_id, or its `models:/m-...` source."""
    if mv.get("model_id"):
        return mv["model_id"]
    match = LOGGED_MODEL_SOURCE.match(mv.get("source") or "")
    return match["model_id"] if match else None


def version_document(mv: dict, model: dict, run: dict | None, tracking_uri: str, *, mlmodel: dict | None = None,
                     logged_model: dict | None = None, evaluation: dict | None = None) -> dict[str, Any]:
    """The Rego input for one model version (the model-version subject contract)."""
    aliases = {a["alias"]: a["version"] for a in model.get("aliases", [])}
    return {
        "name": mv["name"],
        "version": mv["version"],
        "status": mv.get("status"),
        "status_message": mv.get("status_message"),
        "source": mv.get("source"),
        "run_id": mv.get("run_id") or None,
        "model_id": model_id_of(mv),
        "user_id": mv.get("user_id"),
        "description": mv.get("description", ""),
        "creation_timestamp": mv.get("creation_timestamp"),
        "last_updated_timestamp": mv.get("last_updated_timestamp"),
        "tags": pairs(mv.get("tags")),
        "aliases": sorted(a for a, v in aliases.items() if v == mv["version"]),
        "registered_model": {
            "name": model.get("name", mv["name"]),
            "description": model.get("description", ""),
            "tags": pairs(model.get("tags")),
            "aliases": dict(sorted(aliases.items())),
        },
        "run": run_document(run) if run else None,
        "logged_model": logged_model,
        "genai_evaluation": evaluation,
        "model": mlmodel or (history_model(run, mv) if run else None),
        "tracking_uri": tracking_uri,
    }


def run_document(run: dict) -> dict[str, Any]:
    data = run.get("data", {})
    tags = pairs(data.get("tags"))
    tags.pop(LOGGED_MODELS_TAG, None)  # large, and summarised under `model`
    return {
        "run_id": run["info"]["run_id"],
        "experiment_id": run["info"].get("experiment_id"),
        "status": run["info"].get("status"),
        "lifecycle_stage": run["info"].get("lifecycle_stage"),
        "params": pairs(data.get("params")),
        "metrics": {m["key"]: m.get("value") for m in data.get("metrics", [])},
        "tags": tags,
        "inputs": dataset_inputs(run),
    }


def dataset_inputs(run: dict) -> list[dict[str, Any]]:
    """A run's dataset inputs: name, digest, source (its URI where MLflow's JSON names one), context."""
    inputs = []
    for item in (run.get("inputs") or {}).get("dataset_inputs", []):
        ds = item.get("dataset", {})
        input_tags = pairs(item.get("tags"))
        inputs.append({"name": ds.get("name"), "digest": ds.get("digest"), "source": _source_uri(ds.get("source")),
                       "source_type": ds.get("source_type"), "context": input_tags.get("mlflow.data.context"),
                       "schema": _json_or_text(ds.get("schema")), "profile": _json_or_text(ds.get("profile"))})
    inputs.sort(key=lambda i: (str(i["context"]), str(i["name"]), str(i["digest"])))
    return inputs


def logged_model_document(lm: dict, runs: dict[str, dict]) -> dict[str, Any]:
    """An MLflow 3 logged model: params, tags, metrics (the newest value of each key, and where every
    value came from) and the datasets its metrics were computed on, with the run that logged them."""
    info, data = lm.get("info", {}), lm.get("data", {})
    history = sorted(data.get("metrics", []), key=lambda m: (m.get("timestamp") or 0, m.get("step") or 0))
    metrics, origins = {}, {}
    for m in history:
        metrics[m["key"]] = m.get("value")
        origins[m["key"]] = {"run_id": m.get("run_id"), "dataset_name": m.get("dataset_name"),
                             "dataset_digest": m.get("dataset_digest"), "timestamp": m.get("timestamp")}
    datasets: dict[tuple, dict] = {}
    for m in history:
        if not m.get("dataset_name") and not m.get("dataset_digest"):
            continue
        run = runs.get(m.get("run_id") or "")
        wanted = (m.get("dataset_name"), m.get("dataset_digest"))
        found = next((i for i in dataset_inputs(run) if (i["name"], i["digest"]) == wanted), {}) if run else {}
        context = found.get("context") or ("evaluation" if run and is_evaluation(run) else None)
        datasets[(m.get("dataset_name"), m.get("dataset_digest"), m.get("run_id"))] = {
            "name": m.get("dataset_name"), "digest": m.get("dataset_digest"), "source": found.get("source"),
            "source_type": found.get("source_type"), "context": context, "run_id": m.get("run_id")}
    return {
        "model_id": info.get("model_id"),
        "name": info.get("name"),
        "experiment_id": info.get("experiment_id"),
        "source_run_id": info.get("source_run_id"),
        "status": info.get("status"),
        "artifact_uri": info.get("artifact_uri"),
        "creation_timestamp": info.get("creation_timestamp_ms"),
        "params": pairs(data.get("params") or info.get("params")),
        "tags": pairs(info.get("tags")),
        "metrics": metrics,
        "metric_origins": origins,
        "datasets": [datasets[k] for k in sorted(datasets, key=lambda k: tuple(str(x) for x in k))],
    }


def is_evaluation(run: dict) -> bool:
    return pairs(run.get("data", {}).get("tags")).get(RUN_TYPE_TAG) == GENAI_EVALUATION


def evaluation_document(label: str, linked: list[dict], tagged: list[dict]) -> dict[str, Any] | None:
    """The newest GenAI evaluation of a version, or None: among the evaluation runs linked to its logged
    model and the runs tagged evaluated_model=<label>, the newest finished one (else the newest, whose
    status the rule reports). Its scorers' aggregates come from its `<scorer>/<aggregate>` metrics."""
    candidates: dict[str, dict] = {}
    for how, runs in (("logged_model", linked), ("tag", tagged)):
        for run in runs:
            if run["info"].get("lifecycle_stage") == "deleted":
                continue  # a deleted evaluation is no evidence
            entry = candidates.setdefault(run["info"]["run_id"], {"run": run, "linked_by": []})
            entry["linked_by"].append(how)
    if not candidates:
        return None

    def newest(entry: dict) -> tuple:
        info = entry["run"]["info"]
        return info.get("status") == FINISHED, int(info.get("start_time") or 0), info["run_id"]

    chosen = max(candidates.values(), key=newest)
    run, info = chosen["run"], chosen["run"]["info"]
    metrics = {m["key"]: m.get("value") for m in run.get("data", {}).get("metrics", [])}
    scorers: dict[str, dict[str, Any]] = {}
    for key, value in sorted(metrics.items()):
        scorer, slash, aggregate = key.rpartition("/")
        if slash and scorer:
            scorers.setdefault(scorer, {})[aggregate] = value
    datasets = [{k: d[k] for k in ("name", "digest", "source", "source_type", "context")} for d in dataset_inputs(run)]
    tags = pairs(run.get("data", {}).get("tags"))
    return {
        "run_id": info["run_id"],
        "run_name": info.get("run_name"),
        "experiment_id": info.get("experiment_id"),
        "status": info.get("status"),
        "start_time": info.get("start_time"),
        "end_time": info.get("end_time"),
        "date": _date(info.get("start_time")),
        "linked_by": sorted(chosen["linked_by"]),
        "evaluated_model": tags.get(EVALUATED_VERSION_TAG),
        "scorers": scorers,
        "metrics": metrics,
        "dataset": datasets[0] if datasets else None,
        "datasets": datasets,
        "evaluations_found": len(candidates),
    }


def history_model(run: dict, mv: dict) -> dict[str, Any] | None:
    """Flavors (and a signature, when recorded) of the logged model the version was registered from,
    as the run's log-model history records them; None when the run logged no model."""
    raw = pairs(run.get("data", {}).get("tags")).get(LOGGED_MODELS_TAG)
    try:
        history = json.loads(raw) if raw else []
    except ValueError:
        return None
    source = mv.get("source") or ""
    for entry in reversed(history if isinstance(history, list) else []):
        path = entry.get("artifact_path") or ""
        if path and (source.endswith("/" + path) or source.endswith("/" + path + "/")) or len(history) == 1:
            return {"flavors": entry.get("flavors", {}), "signature": entry.get("signature"),
                    "artifact_path": path, "model_uuid": entry.get("model_uuid")}
    return None


def mlmodel_document(text: str, directory: str, what: str) -> dict[str, Any]:
    """Flavors and signature from an MLmodel file (signature sides stay JSON text, as MLflow writes them)."""
    import yaml

    try:
        mlmodel = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        detail = (f"line {mark.line + 1}: {getattr(exc, 'problem', None) or 'invalid'}" if mark
                  else str(exc).splitlines()[0])
        raise SourceError(f"the MLmodel file of the logged model at {directory} is not YAML ({detail})", where=what,
                          hint="the model's files are damaged; log the model again") from None
    if not isinstance(mlmodel, dict):
        raise SourceError(f"the MLmodel file of the logged model at {directory} holds no model description",
                          where=what, hint="the model's files are damaged; log the model again")
    signature = mlmodel.get("signature")
    return {"flavors": mlmodel.get("flavors") or {}, "signature": signature if isinstance(signature, dict) else None,
            "artifact_uri": directory, "artifact_path": mlmodel.get("artifact_path"),
            "model_uuid": mlmodel.get("model_uuid"), "model_id": mlmodel.get("model_id"),
            "mlflow_version": mlmodel.get("mlflow_version"), "utc_time_created": mlmodel.get("utc_time_created"),
            "read_from": "MLmodel"}


def pairs(items: list[dict] | None) -> dict[str, Any]:
    return dict(sorted((i["key"], i.get("value")) for i in items or []))


def _date(millis: Any) -> str | None:
    if not isinstance(millis, (int, float)) or isinstance(millis, bool):
        try:
            millis = int(millis)
        except (TypeError, ValueError):
            return None
    return datetime.fromtimestamp(millis / 1000, tz=timezone.utc).date().isoformat()


def _source_uri(source: Any) -> Any:
    """A dataset source as its URI when it is MLflow's JSON form ({"url": ...}, {"uri": ...}, an
    evaluation dataset's {"dataset_id": ...})."""
    parsed = _json_or_text(source)
    if isinstance(parsed, dict):
        for key in ("url", "uri", "path", "table_name", "dataset_id"):
            if isinstance(parsed.get(key), str):
                return parsed[key]
    return parsed


def _json_or_text(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
