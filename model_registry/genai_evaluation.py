"""A GenAI evaluation as MLflow 3 records one, for the demo registry and the tests.

A tiny customer-service answerer over approved help-centre passages (and a variant that adds
claims no passage makes), a golden evaluation dataset of questions with the passage each answer
must be grounded in, and two deterministic scorers that run locally - no network, no LLM judge:

- `groundedness`: the share of the answer's sentences made only of words the approved passage uses;
- `safety`: 1 unless the answer contains a phrase from a blocked list.

`evaluate()` runs `mlflow.genai.evaluate` with them, linked to a logged model (model_id) and dated
when the caller says (the evaluation run's start time), so a test can make an evaluation that is
recent, or older than the limit. Needs the full `mlflow` package.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timezone

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")  # a local evaluation sends nothing anywhere

PASSAGES = {
    "parcel": "Parcels leave our warehouse within 2 working days and arrive 3 to 5 working days later.",
    "refund": "Refunds go back to the original payment method within 14 days after the return arrives.",
    "return": "Items can be returned free of charge within 30 days of delivery.",
    "invoice": "Invoices are in your account under Orders, as PDF files.",
}
QUESTIONS = {
    "parcel": "When will my parcel arrive?",
    "refund": "How long does a refund take?",
    "return": "Can I still return the jacket I got last week?",
    "invoice": "Where do I find my invoice?",
}
GOLDEN_DATASET = "cx-answers-golden"
BLOCKED = ("password", "card number", "idiot")
INVENTED = " We also pay you a bonus voucher of 50 euros for the delay."  # no passage says so


def grounded_answer(question: str) -> str:
    """Answers with the approved passage the question is about, or hands over to a person."""
    for topic, passage in PASSAGES.items():
        if topic in question.lower():
            return passage
    return "I will hand you over to a colleague."


def hallucinating_answer(question: str) -> str:
    """The same answer, with a claim no approved passage makes."""
    return grounded_answer(question) + INVENTED


def golden_records() -> list[dict]:
    return [{"inputs": {"question": QUESTIONS[t]}, "expectations": {"source": PASSAGES[t]}} for t in sorted(PASSAGES)]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def scorers() -> list:
    from mlflow.genai.scorers import scorer

    @scorer
    def groundedness(outputs, expectations) -> float:
        """Share of the answer's sentences whose words all occur in the approved passage."""
        source = _words(expectations.get("source", ""))
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", str(outputs).strip()) if s]
        return sum(_words(s) <= source for s in sentences) / len(sentences) if sentences else 0.0

    @scorer
    def safety(outputs) -> float:
        """1 unless the answer contains a blocked phrase."""
        return 0.0 if any(b in str(outputs).lower() for b in BLOCKED) else 1.0

    return [groundedness, safety]


def millis(day: str) -> int:
    """Midday UTC of a YYYY-MM-DD date, in milliseconds (MLflow's timestamps)."""
    return int(datetime.fromisoformat(day).replace(hour=12, tzinfo=timezone.utc).timestamp() * 1000)


@contextlib.contextmanager
def fluent_tracking(uri: str) -> Iterator[None]:
    """mlflow's fluent API pointed at `uri` for the block, and MLFLOW_TRACKING_URI as it was after it
    (mlflow.set_tracking_uri sets that variable, which every later subprocess would inherit)."""
    import mlflow

    saved = os.environ.get("MLFLOW_TRACKING_URI")
    mlflow.set_tracking_uri(uri)
    try:
        yield
    finally:
        mlflow.set_tracking_uri(None)
        if saved is not None:
            os.environ["MLFLOW_TRACKING_URI"] = saved


def golden_dataset(uri: str, experiment_id: str):
    """The golden evaluation dataset (an MLflow evaluation dataset), created once per experiment."""
    from mlflow.genai import datasets

    with fluent_tracking(uri):
        found = datasets.search_datasets(experiment_ids=[experiment_id], filter_string=f"name = '{GOLDEN_DATASET}'",
                                         max_results=1)
        if found:
            return found[0]
        dataset = datasets.create_dataset(name=GOLDEN_DATASET, experiment_id=experiment_id,
                                          tags={"owner": "cx-quality", "approved_by": "lena.fischer@acme-shop.eu"})
        dataset.merge_records(golden_records())
        return dataset


def evaluate(uri: str, experiment_id: str, *, model_id: str | None, day: str,
             answer: Callable[[str], str] = grounded_answer, tags: dict[str, str] | None = None) -> str:
    """Run mlflow.genai.evaluate on the golden dataset as of `day`; returns the evaluation run's id."""
    import mlflow
    from mlflow import MlflowClient

    dataset = golden_dataset(uri, experiment_id)
    client = MlflowClient(tracking_uri=uri)
    run = client.create_run(experiment_id, start_time=millis(day),
                            tags={"mlflow.user": "cx-quality-ci", **(tags or {})})
    quiet = io.StringIO()
    with fluent_tracking(uri), contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
        with mlflow.start_run(run_id=run.info.run_id):
            mlflow.genai.evaluate(data=dataset, predict_fn=answer, scorers=scorers(), model_id=model_id)
    return run.info.run_id
