"""Model versions from an MLflow registry: one Subject per version, whatever the tracking URI.

References name what to read: `name@alias`, `name/version`, `models:/name/version`,
`models:/name@alias`, or a search filter (`name LIKE 'cx-%'`, `tags.risk_class = 'high'`). The
registry is read through a reader chosen by the URI (mlflow_reader.py): REST for http(s) servers,
MlflowClient for sqlite, database, file and Databricks stores. Reads are batched, so the number of
calls does not grow with the number of versions:

- `model-versions/search` over all names at once (`name IN (...)`), or with the filter, paged;
- one `registered-models/get` per model name (aliases and registered-model tags; model-version
  search returns no aliases);
- `experiments/search` once; `logged-models/search` for the MLflow 3 logged models the versions
  were registered from (100 ids per call); `runs/search` for the source runs and the GenAI
  evaluation runs that logged metrics to those logged models (100 ids per call), and once per model
  name for evaluation runs tagged with a version (`evaluated_model = models:/name/version`);
- the MLmodel file of each version whose model files the reader can reach (flavors and signature
  live nowhere else), a few at a time.

Any read that fails is a SourceError naming the tracking URI and the reference: a model is never skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from cxgov.errors import SourceError, UsageError
from cxgov.model import Location, Subject
from cxgov.sources.interface import Source
from cxgov.sources.mlflow_documents import (EVALUATED_VERSION_TAG, LOGGED_MODEL_SOURCE, evaluation_document,
                                            is_evaluation, logged_model_document, mlmodel_document, model_id_of,
                                            subject_id, version_document)
from cxgov.sources.mlflow_reader import RegistryReader, open_reader, quote

__all__ = ["MlflowSource", "ModelReference", "parse_reference", "subject_id"]

PAGE_SIZE = 1000
IDS_PER_SEARCH = 100  # run or model ids per search filter: keeps the filter string short
ARTIFACT_READERS = 4  # MLmodel files read at once: a few, so one slow server is not flooded

_NAME = r"[^/@\s]+"
_REFERENCE = re.compile(rf"^(?:models:/)?(?P<name>{_NAME})(?:/(?P<version>\d+)|@(?P<alias>[A-Za-z0-9_\-]+))$")

Key = tuple[str, str]  # (model name, version)


@dataclass(frozen=True, slots=True)
class ModelReference:
    """One reference as given: a model version by number or by alias."""

    text: str
    name: str
    version: str | None = None
    alias: str | None = None


def parse_reference(text: str) -> ModelReference:
    m = _REFERENCE.match(text.strip())
    if not m:
        raise UsageError(f"not a model reference: {text!r}",
                         hint="write name@alias, name/version, models:/name/version or models:/name@alias")
    return ModelReference(text.strip(), m["name"], m["version"], m["alias"])


class MlflowSource(Source):
    """Model-version subjects for references and filters, read from one tracking URI."""

    def __init__(self, tracking_uri: str, refs: Sequence[str], *, filters: Sequence[str] = (), timeout: float = 10.0,
                 retries: int = 3, page_size: int = PAGE_SIZE):
        if not tracking_uri:
            raise UsageError("no MLflow tracking URI", hint="give --tracking-uri or set MLFLOW_TRACKING_URI")
        self.tracking_uri = tracking_uri.rstrip("/") if "://" in tracking_uri else tracking_uri
        self.refs = [parse_reference(r) for r in refs]
        self.filters = list(filters)
        self.timeout = timeout
        self.retries = retries
        self.page_size = page_size
        self.reader: RegistryReader | None = None
        self._models: dict[str, dict] = {}  # registered models by name, read once each
        self._by_name: dict[str, dict[str, dict]] = {}  # name -> version -> model version

    @property
    def calls(self) -> int:
        return self.reader.calls if self.reader else 0

    def subjects(self) -> Iterator[Subject]:
        self.reader = open_reader(self.tracking_uri, timeout=self.timeout, retries=self.retries)
        try:
            documents = self._documents()
        finally:
            self.reader.close()
        for key in sorted(documents, key=lambda k: (k[0], int(k[1]))):
            sid = subject_id(*key)
            yield Subject("model-version", sid, Location(sid, None), documents[key])

    def _documents(self) -> dict[Key, dict]:
        versions = self._versions()
        asked = {r.name: r.text for r in self.refs}
        models = {name: self._registered_model(name, asked.get(name, name))
                  for name in sorted({v["name"] for v in versions.values()})}
        self._resolve_aliases(versions, models)
        what = _what(versions)
        experiments = self.reader.search_experiment_ids(self.page_size, what)
        logged = self._logged_models({model_id_of(mv) for mv in versions.values()} - {None}, experiments, what)
        run_ids = {mv.get("run_id") for mv in versions.values()} | {
            m.get("run_id") for lm in logged.values() for m in lm.get("data", {}).get("metrics", [])}
        runs = self._runs(run_ids - {None, ""}, experiments, what)
        tagged = self._tagged_evaluations(sorted(models), experiments)
        mlmodels = self._mlmodels(versions, runs, logged)
        documents = {}
        for key, mv in versions.items():
            lm = logged.get(model_id_of(mv) or "")
            # evaluation runs linked to the logged model: those that logged metrics to it
            metric_runs = sorted({m.get("run_id") or "" for m in (lm or {}).get("data", {}).get("metrics", [])})
            linked = [runs[r] for r in metric_runs if r in runs and is_evaluation(runs[r])]
            documents[key] = version_document(
                mv, models[mv["name"]], runs.get(mv.get("run_id") or ""), self.reader.uri, mlmodel=mlmodels.get(key),
                logged_model=logged_model_document(lm, runs) if lm else None,
                evaluation=evaluation_document(subject_id(*key), linked, tagged.get(key, [])))
        return documents

    def _versions(self) -> dict[Key, dict]:
        """Every version the references and filters select, keyed by (name, version)."""
        found: dict[Key, dict] = {}
        names = sorted({r.name for r in self.refs})
        if names:
            quoted = ", ".join(quote(n) for n in names)
            for mv in self.reader.search_model_versions(f"name IN ({quoted})", self.page_size,
                                                        ", ".join(r.text for r in self.refs)):
                found[(mv["name"], mv["version"])] = mv
        for mv in found.values():
            self._by_name.setdefault(mv["name"], {})[mv["version"]] = mv
        selected: dict[Key, dict] = {}
        for ref in self.refs:
            if ref.version is not None:
                mv = self._by_name.get(ref.name, {}).get(ref.version)
                if mv is None:
                    self._registered_model(ref.name, ref.text)  # an unknown model is named as such
                    raise SourceError(f"model {ref.name} has no version {ref.version} in the MLflow registry at "
                                      f"{self.reader.uri}", where=ref.text,
                                      hint="check the version number; versions are listed in the MLflow UI")
                selected[(ref.name, ref.version)] = mv
        for text in self.filters:
            for mv in self.reader.search_model_versions(text, self.page_size, f"filter {text!r}"):
                selected[(mv["name"], mv["version"])] = mv
        return selected

    def _registered_model(self, name: str, what: str) -> dict:
        if name not in self._models:
            self._models[name] = self.reader.get_registered_model(name, what)
        return self._models[name]

    def _resolve_aliases(self, versions: dict[Key, dict], models: dict[str, dict]) -> None:
        for ref in self.refs:
            if ref.alias is None:
                continue
            model = models.get(ref.name) or self._registered_model(ref.name, ref.text)
            models[ref.name] = model
            aliases = {a["alias"]: a["version"] for a in model.get("aliases", [])}
            if ref.alias not in aliases:
                known = ", ".join(f"{a} -> {v}" for a, v in sorted(aliases.items())) or "none"
                raise SourceError(f"model {ref.name} has no alias {ref.alias} in the MLflow registry at "
                                  f"{self.reader.uri} (aliases: {known})", where=ref.text,
                                  hint="check the alias, or name the version (name/version)")
            mv = self._by_name.get(ref.name, {}).get(aliases[ref.alias])
            if mv is None:
                raise SourceError(f"alias {ref.alias} of model {ref.name} points at version {aliases[ref.alias]}, "
                                  f"which the registry at {self.reader.uri} did not return", where=ref.text)
            versions[(ref.name, mv["version"])] = mv

    def _logged_models(self, model_ids: set[str], experiments: list[str], what: str) -> dict[str, dict]:
        """The MLflow 3 logged models the versions were registered from, by model id."""
        found: dict[str, dict] = {}
        for filter_text in _id_filters("model_id", model_ids):
            for lm in self.reader.search_logged_models(experiments, filter_text, self.page_size, what):
                found[lm["info"]["model_id"]] = lm
        return found

    def _runs(self, run_ids: set[str], experiments: list[str], what: str) -> dict[str, dict]:
        """Source runs and evaluation runs by id, in batches."""
        runs: dict[str, dict] = {}
        for filter_text in _id_filters("attributes.run_id", run_ids):
            for run in self.reader.search_runs(experiments, filter_text, self.page_size, what, deleted=True):
                runs[run["info"]["run_id"]] = run
        return runs

    def _tagged_evaluations(self, names: list[str], experiments: list[str]) -> dict[Key, list[dict]]:
        """Active runs tagged evaluated_model=models:/name/version, by (name, version): one search per name."""
        tagged: dict[Key, list[dict]] = {}
        for name in names:
            prefix = subject_id(name, "")
            filter_text = f"tags.`{EVALUATED_VERSION_TAG}` LIKE {quote(prefix + '%')}"
            for run in self.reader.search_runs(experiments, filter_text, self.page_size,
                                               f"evaluations of {prefix}...", deleted=False):
                value = next((t.get("value") for t in run.get("data", {}).get("tags", [])
                              if t.get("key") == EVALUATED_VERSION_TAG), "")
                version = value[len(prefix):] if value.startswith(prefix) else ""
                if version.isdigit():  # LIKE's `_` matches any character: keep exact names only
                    tagged.setdefault((name, version), []).append(run)
        return tagged

    def _mlmodels(self, versions: dict[Key, dict], runs: dict[str, dict],
                  logged: dict[str, dict]) -> dict[Key, dict]:
        """The MLmodel file of each version whose model files the reader can reach, by (name, version)."""
        from concurrent.futures import ThreadPoolExecutor

        def read(key: Key) -> tuple[Key, dict | None]:
            mv, what = versions[key], subject_id(*key)
            directory = _model_directory(mv, runs.get(mv.get("run_id") or ""), logged)
            text = self.reader.read_mlmodel(directory, what) if directory else None
            return key, mlmodel_document(text, directory, what) if text is not None else None

        keys = [k for k, mv in versions.items() if (mv.get("source") or "").startswith(
            ("models:/m-", "runs:/", "mlflow-artifacts:", "file:", "/"))]
        if not keys:
            return {}
        with ThreadPoolExecutor(min(ARTIFACT_READERS, len(keys)), thread_name_prefix="cxgov-mlmodel") as pool:
            return {key: doc for key, doc in pool.map(read, keys) if doc is not None}


def _model_directory(mv: dict, run: dict | None, logged: dict[str, dict]) -> str | None:
    """Where the version's model files are: its logged model's artifact URI, or its source."""
    source = mv.get("source") or ""
    if LOGGED_MODEL_SOURCE.match(source):
        return ((logged.get(model_id_of(mv) or "") or {}).get("info") or {}).get("artifact_uri")
    if source.startswith("runs:/"):
        run_id, _, sub = source[len("runs:/"):].partition("/")
        base = ((run or {}).get("info") or {}).get("artifact_uri") if run_id == mv.get("run_id") else None
        return f"{base.rstrip('/')}/{sub.strip('/')}" if base else None
    return source


def _what(versions: dict[Key, dict]) -> str:
    """The versions being read, for messages: the first three."""
    keys = sorted(versions)
    return "runs and logged models of " + ", ".join(subject_id(*k) for k in keys[:3]) + (" ..." if len(keys) > 3
                                                                                         else "")


def _id_filters(field: str, ids: set[str]):
    """`field IN (...)` search filters over the ids, IDS_PER_SEARCH at a time, in a stable order."""
    ordered = sorted(ids)
    for start in range(0, len(ordered), IDS_PER_SEARCH):
        yield f"{field} IN (" + ", ".join(quote(i) for i in ordered[start:start + IDS_PER_SEARCH]) + ")"
