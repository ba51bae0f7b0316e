"""The CycloneDX 1.6 model card of one MLflow model version, in the card's own fields.

What the registry document holds (cxgov/sources/mlflow_documents.py) goes where CycloneDX has a
field for it:

- `modelParameters`: `approach` (a version tag `approach` naming one of CycloneDX's learning
  types), `task` (a version tag `task`, else the task a flavor records, e.g. transformers'),
  `datasets` (references to dataset components, which carry the MLflow digest), `inputs` and
  `outputs` (the columns of the MLflow signature);
- `quantitativeAnalysis.performanceMetrics`: every measured metric once (the source run's, then the
  logged model's, then the GenAI evaluation's `<scorer>/<aggregate>`);
- `considerations`: `useCases` from `intended_purpose`, and one `fairnessAssessments` entry per bias
  dimension (`bias_dimensions`, `bias.<dimension>`, `bias_threshold.<dimension>`).

CycloneDX has no field for a metric's threshold (`confidenceInterval` bounds the measured value's
uncertainty, `slice` names a data subset), for approvals, run parameters or the remaining tags:
those stay in the card's `properties`, and nothing that has a field is repeated there.
"""

from __future__ import annotations

import json
import re
from typing import Any

from cxgov.model import Subject

#: the learning types CycloneDX 1.6 allows in modelParameters.approach.type
APPROACHES = ("supervised", "unsupervised", "reinforcement-learning", "semi-supervised", "self-supervised")
#: version tags the card holds in a field of its own, or under a cxgov: property name
MAPPED_TAGS = ("approach", "task", "intended_purpose", "bias_dimensions", "approval_status", "approved_by",
               "approval_ticket", "artifact_sha256")
MAPPED_TAG_PREFIXES = ("threshold.", "bias_threshold.")
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def text_value(value: Any) -> str | None:
    """A property or field value as text; booleans as true/false."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def model_card(subject: Subject, dataset_refs: list[str]) -> dict[str, Any]:
    """The `modelCard` of one model-version subject; `dataset_refs` are the bom-refs of its datasets."""
    doc = subject.document
    card: dict[str, Any] = {"bom-ref": f"model-card:{subject.id}"}
    parameters = _parameters(doc, dataset_refs)
    if parameters:
        card["modelParameters"] = parameters
    metrics = performance_metrics(doc)
    if metrics:
        card["quantitativeAnalysis"] = {"performanceMetrics": metrics}
    considerations = _considerations(doc)
    if considerations:
        card["considerations"] = considerations
    properties = _card_properties(doc)
    if properties:
        card["properties"] = properties
    return card


def tag(doc: dict[str, Any], key: str) -> Any:
    """A version tag, else the registered model's (the registry contract lets either carry it)."""
    value = (doc.get("tags") or {}).get(key)
    if value in (None, ""):
        value = ((doc.get("registered_model") or {}).get("tags") or {}).get(key)
    return value


def artifact_sha256(doc: dict[str, Any]) -> str | None:
    """The model artifact's sha256 when the registry records one (version tag `artifact_sha256`)."""
    value = str(tag(doc, "artifact_sha256") or "").strip().lower()
    return value if SHA256.match(value) else None


def model_datasets(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every dataset the registry links to the version, once per (name, digest): the source run's
    inputs, the logged model's metric datasets and the GenAI evaluation's datasets."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    sources = [(doc.get("run") or {}).get("inputs"), (doc.get("logged_model") or {}).get("datasets"),
               (doc.get("genai_evaluation") or {}).get("datasets")]
    for items in sources:
        for item in items or []:
            if isinstance(item, dict) and item.get("name"):
                found.setdefault((str(item["name"]), str(item.get("digest") or "")), item)
    return list(found.values())


def _parameters(doc: dict[str, Any], dataset_refs: list[str]) -> dict[str, Any]:
    parameters: dict[str, Any] = {}
    approach = str(tag(doc, "approach") or "").strip().lower()
    if approach in APPROACHES:
        parameters["approach"] = {"type": approach}
    task = tag(doc, "task") or _flavor_task(doc)
    if task:
        parameters["task"] = text_value(task)
    if dataset_refs:
        parameters["datasets"] = [{"ref": ref} for ref in dataset_refs]
    signature = (doc.get("model") or {}).get("signature") or {}
    for side in ("inputs", "outputs"):
        formats = _signature_formats(signature.get(side))
        if formats:
            parameters[side] = [{"format": f} for f in formats]
    return parameters


def _flavor_task(doc: dict[str, Any]) -> str | None:
    flavors = (doc.get("model") or {}).get("flavors") or {}
    for name in sorted(flavors):
        flavor = flavors[name]
        if isinstance(flavor, dict) and isinstance(flavor.get("task"), str) and flavor["task"]:
            return flavor["task"]
    return None


def measured_metrics(doc: dict[str, Any]) -> dict[str, Any]:
    """Each metric once: the source run's value, else the logged model's, else the GenAI evaluation's."""
    metrics: dict[str, Any] = {}
    for source in ((doc.get("run") or {}).get("metrics"), (doc.get("logged_model") or {}).get("metrics"),
                   (doc.get("genai_evaluation") or {}).get("metrics")):
        for key, value in (source or {}).items():
            if value is not None:
                metrics.setdefault(str(key), value)
    return metrics


def performance_metrics(doc: dict[str, Any]) -> list[dict[str, str]]:
    return [{"type": key, "value": text_value(value)} for key, value in sorted(measured_metrics(doc).items())]


def thresholds(doc: dict[str, Any]) -> dict[str, str]:
    """`threshold.<metric>` tags: the published figure and its direction, e.g. `>=0.90`."""
    tags = doc.get("tags") or {}
    return {k[len("threshold."):]: str(v) for k, v in sorted(tags.items()) if k.startswith("threshold.") and v}


def _considerations(doc: dict[str, Any]) -> dict[str, Any]:
    considerations: dict[str, Any] = {}
    purpose = text_value(tag(doc, "intended_purpose"))
    if purpose:
        considerations["useCases"] = [purpose]
    fairness = fairness_assessments(doc)
    if fairness:
        considerations["fairnessAssessments"] = fairness
    return considerations


def fairness_assessments(doc: dict[str, Any]) -> list[dict[str, str]]:
    """One assessment per bias dimension the registry names: declared, measured or bounded."""
    metrics = measured_metrics(doc)
    tags = doc.get("tags") or {}
    declared = [d.strip() for d in str(tag(doc, "bias_dimensions") or "").split(",") if d.strip()]
    dimensions = set(declared)
    dimensions |= {k[len("bias."):] for k in metrics if k.startswith("bias.")}
    dimensions |= {k[len("bias_threshold."):] for k in tags if k.startswith("bias_threshold.")}
    out = []
    for dim in sorted(dimensions):
        value, limit = metrics.get(f"bias.{dim}"), tags.get(f"bias_threshold.{dim}")
        if value is None:
            harms = f"unequal performance across {dim} groups; not measured (no bias.{dim} metric)"
        else:
            harms = f"unequal performance across {dim} groups; measured disparity {text_value(value)} (bias.{dim})"
        if limit not in (None, ""):
            harms += f", at most {limit} allowed (bias_threshold.{dim}){_verdict(value, limit)}"
        out.append({"groupAtRisk": f"customers grouped by {dim}", "harms": harms})
    return out


def _verdict(value: Any, limit: Any) -> str:
    try:
        return ": within the limit" if float(value) <= float(limit) else ": EXCEEDS the limit"
    except (TypeError, ValueError):
        return ""


def _card_properties(doc: dict[str, Any]) -> list[dict[str, str]]:
    """What has no model card field: approvals, authorship, thresholds, parameters, other tags."""
    run = doc.get("run") or {}
    run_tags = run.get("tags") or {}
    evaluation = doc.get("genai_evaluation") or {}
    values: dict[str, Any] = {
        "cxgov:approval_status": tag(doc, "approval_status"), "cxgov:approved_by": tag(doc, "approved_by"),
        "cxgov:approval_ticket": tag(doc, "approval_ticket"), "cxgov:author": run_tags.get("mlflow.user"),
        "cxgov:git_commit": run_tags.get("mlflow.source.git.commit"),
        "cxgov:genai_evaluation_run": evaluation.get("run_id"), "cxgov:genai_evaluation_date": evaluation.get("date"),
    }
    values.update({f"cxgov:threshold:{k}": v for k, v in thresholds(doc).items()})
    params = {**((doc.get("logged_model") or {}).get("params") or {}), **(run.get("params") or {})}
    values.update({f"mlflow:param:{k}": v for k, v in sorted(params.items())})
    # a tag whose value no field can take (an approach outside CycloneDX's list, a malformed
    # sha256) stays a tag, as the registry says it
    tags = doc.get("tags") or {}
    unfit = {"approach"} if tags.get("approach") and "approach" not in _parameters(doc, []) else set()
    unfit |= {"artifact_sha256"} if tags.get("artifact_sha256") and not artifact_sha256(doc) else set()
    for key, value in sorted(tags.items()):
        if key in unfit or (key not in MAPPED_TAGS and not key.startswith(MAPPED_TAG_PREFIXES)):
            values[f"mlflow:tag:{key}"] = value
    return [{"name": name, "value": text_value(v)} for name, v in values.items() if v not in (None, "", [])]


def _signature_formats(value: Any) -> list[str]:
    """Column types of an MLflow signature side (a JSON string of [{type, name}, ...])."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    if not isinstance(value, list):
        return []
    return [f"{c['name']}: {c['type']}" if c.get("name") else str(c["type"])
            for c in value if isinstance(c, dict) and c.get("type")]
