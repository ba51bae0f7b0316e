"""Model versions from an MLflow registry: one Subject per version, with its source run.

References name what to read: `name@alias`, `name/version`, `models:/name/version`,
`models:/name@alias`, or a search filter (`name LIKE 'cx-%'`, `tags.risk_class = 'high'`).
Reads are batched, so the number of HTTP calls does not grow with the number of versions:

- one `registered-models/get` per model name (aliases and registered-model tags; model-version
  search returns no aliases);
- `model-versions/search` over all names at once (`name IN (...)`), or with the filter, paged;
- `experiments/search` once, then `runs/search` for up to 100 source runs per call (params,
  metrics, tags and dataset inputs in one answer);
- for a version whose model the tracking server itself stores (MLflow 3's logged models, source
  `models:/m-...`; `runs:/` and `mlflow-artifacts:` sources), its MLmodel file through the
  server's artifact proxy (flavors and signature live nowhere else), a few reads at a time. Models
  kept elsewhere (`s3://...`) are described by the run's log-model history tag when it has one.

MLflow's own auth settings apply (MLFLOW_TRACKING_TOKEN, MLFLOW_TRACKING_USERNAME/PASSWORD,
MLFLOW_TRACKING_INSECURE_TLS, MLFLOW_TRACKING_SERVER_CERT_PATH, MLFLOW_TRACKING_CLIENT_CERT_PATH,
MLFLOW_TRACKING_AUTH plugins), with a timeout per request and retries with exponential backoff on
connection errors and 429/5xx answers. Any read that still
fails is a SourceError naming the tracking URI and the reference: a model is never skipped.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from cxgov.errors import SourceError, UsageError
from cxgov.model import Location, Subject
from cxgov.sources.interface import Source

PAGE_SIZE = 1000
RUNS_PER_SEARCH = 100  # run ids per runs/search filter: keeps the filter string short
LOGGED_MODELS_TAG = "mlflow.log-model.history"
RETRY_STATUSES = (429, 500, 502, 503, 504)
ARTIFACT_READERS = 4  # MLmodel files read at once: a few, so one slow server is not flooded
LOGGED_MODEL_SOURCE = re.compile(r"^models:/(?P<model_id>m-[0-9a-f]+)/?$")

_NAME = r"[^/@\s]+"
_REFERENCE = re.compile(rf"^(?:models:/)?(?P<name>{_NAME})(?:/(?P<version>\d+)|@(?P<alias>[A-Za-z0-9_\-]+))$")


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


def subject_id(name: str, version: str) -> str:
    return f"models:/{name}/{version}"


class RegistryClient:
    """GET and POST against one tracking server's REST API, counting calls; failures are SourceErrors.

    Plain `requests` with urllib3 retries rather than mlflow's REST client code: importing mlflow costs
    1-4 s on these machines, more than reading 500 versions. MLflow's own settings are honoured
    as MLflow's client does (basic auth wins over a token); an auth plugin (MLFLOW_TRACKING_AUTH)
    is loaded through mlflow-skinny's registry, so only that case imports mlflow.
    """

    def __init__(self, tracking_uri: str, *, timeout: float, retries: int, backoff: float = 0.5):
        self.uri = tracking_uri.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.calls = 0
        self._lock = threading.Lock()  # artifact reads run in a few threads
        self.session = _session(retries, backoff)

    def request(self, method: str, endpoint: str, what: str, **kwargs) -> dict[str, Any]:
        """The JSON answer, or a SourceError naming `what` (the reference being read)."""
        response = self._send(method, f"{self.uri}/api/2.0/mlflow/{endpoint}", what, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise SourceError(f"the MLflow registry at {self.uri} answered {endpoint} with something that is not JSON",
                              where=what, hint="check the tracking URI points at an MLflow server") from None

    def artifact(self, path: str, what: str) -> str:
        """A file from the server's artifact proxy (`mlflow-artifacts:/<path>`), as text."""
        from urllib.parse import quote

        return self._send("GET", f"{self.uri}/api/2.0/mlflow-artifacts/artifacts/{quote(path)}", what).text

    def _send(self, method: str, url: str, what: str, **kwargs):
        import requests

        with self._lock:
            self.calls += 1
        try:
            response = self.session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise SourceError(f"cannot read the MLflow registry at {self.uri}: {_reason(exc)} "
                              f"(after {self.retries} retries)", where=what, hint=_hint(str(exc))) from None
        if response.status_code != 200:
            raise _status_error(response, self.uri, what)
        return response


def _session(retries: int, backoff: float):
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    from cxgov import __version__

    retry = Retry(total=retries, connect=retries, read=retries, status=retries, other=0, backoff_factor=backoff,
                  status_forcelist=RETRY_STATUSES, allowed_methods=None,  # searches are reads, POST included
                  raise_on_status=False, respect_retry_after_header=True)
    session = requests.Session()
    for prefix in ("http://", "https://"):
        session.mount(prefix, HTTPAdapter(max_retries=retry))
    session.headers["User-Agent"] = f"cxgov/{__version__}"
    env = os.environ
    if env.get("MLFLOW_TRACKING_USERNAME") and env.get("MLFLOW_TRACKING_PASSWORD"):
        session.auth = (env["MLFLOW_TRACKING_USERNAME"], env["MLFLOW_TRACKING_PASSWORD"])
    elif env.get("MLFLOW_TRACKING_TOKEN"):
        session.headers["Authorization"] = f"Bearer {env['MLFLOW_TRACKING_TOKEN']}"
    if env.get("MLFLOW_TRACKING_AUTH"):
        from mlflow.tracking.request_auth.registry import fetch_auth

        session.auth = fetch_auth(env["MLFLOW_TRACKING_AUTH"])
    if env.get("MLFLOW_TRACKING_INSECURE_TLS", "").lower() == "true":
        session.verify = False
    elif env.get("MLFLOW_TRACKING_SERVER_CERT_PATH"):
        session.verify = env["MLFLOW_TRACKING_SERVER_CERT_PATH"]
    if env.get("MLFLOW_TRACKING_CLIENT_CERT_PATH"):
        session.cert = env["MLFLOW_TRACKING_CLIENT_CERT_PATH"]
    return session


def _reason(exc: Exception) -> str:
    text = str(exc)
    if "NameResolutionError" in text or "Failed to resolve" in text or "Name or service not known" in text:
        return "its host name does not resolve"
    if "Connection refused" in text or "Failed to establish" in text:
        return "connection refused"
    if "timed out" in text.lower() or "Timeout" in text:
        return "no answer in time (timed out)"
    return text.splitlines()[0][:300] if text else type(exc).__name__


def _hint(text: str) -> str:
    if "Connection refused" in text or "Failed to establish" in text or "resolve" in text:
        return "is the tracking server running and reachable? check --tracking-uri / MLFLOW_TRACKING_URI"
    if "timed out" in text.lower():
        return "the server is slow or unreachable; raise --timeout or check the network"
    return "check the tracking URI, the network and the server's logs"


def _status_error(response, uri: str, what: str) -> SourceError:
    try:
        body = response.json()
    except ValueError:
        body = None
    body = body if isinstance(body, dict) else {}
    code = body.get("error_code", "")
    message = body.get("message") or response.text[:200] or response.reason
    if response.status_code == 404 or code == "RESOURCE_DOES_NOT_EXIST":
        return SourceError(f"not found in the MLflow registry at {uri}: {message}", where=what,
                           hint="check the model name and version, or list them with the MLflow UI")
    if response.status_code in (401, 403):
        return SourceError(f"the MLflow registry at {uri} refused access (HTTP {response.status_code})", where=what,
                           hint="set MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD")
    return SourceError(f"the MLflow registry at {uri} answered HTTP {response.status_code}: {message}", where=what,
                       hint="a server error that persisted through retries; check the server's logs")


class MlflowSource(Source):
    """Model-version subjects for references and filters, read from one tracking server."""

    def __init__(self, tracking_uri: str, refs: Sequence[str], *, filters: Sequence[str] = (), timeout: float = 10.0,
                 retries: int = 3, page_size: int = PAGE_SIZE):
        if not tracking_uri:
            raise UsageError("no MLflow tracking URI", hint="give --tracking-uri or set MLFLOW_TRACKING_URI")
        self.tracking_uri = tracking_uri.rstrip("/")
        self.refs = [parse_reference(r) for r in refs]
        self.filters = list(filters)
        self.timeout = timeout
        self.retries = retries
        self.page_size = page_size
        self.client: RegistryClient | None = None
        self._models: dict[str, dict] = {}  # registered models by name, read once each
        self._by_name: dict[str, dict[str, dict]] = {}  # name -> version -> model version

    @property
    def calls(self) -> int:
        return self.client.calls if self.client else 0

    def subjects(self) -> Iterator[Subject]:
        self.client = RegistryClient(self.tracking_uri, timeout=self.timeout, retries=self.retries)
        versions = self._versions()
        asked = {r.name: r.text for r in self.refs}
        models = {name: self._registered_model(name, asked.get(name, name))
                  for name in sorted({v["name"] for v in versions.values()})}
        self._resolve_aliases(versions, models)
        runs = self._runs({v.get("run_id") for v in versions.values()} - {None, ""}, versions)
        mlmodels = self._mlmodels(versions, runs)
        for key in sorted(versions, key=lambda k: (k[0], int(k[1]))):
            mv = versions[key]
            doc = version_document(mv, models[mv["name"]], runs.get(mv.get("run_id") or ""), self.tracking_uri,
                                   mlmodel=mlmodels.get(key))
            sid = subject_id(mv["name"], mv["version"])
            yield Subject("model-version", sid, Location(sid, None), doc)

    def _versions(self) -> dict[tuple[str, str], dict]:
        """Every version the references and filters select, keyed by (name, version)."""
        found: dict[tuple[str, str], dict] = {}
        names = sorted({r.name for r in self.refs})
        if names:
            quoted = ", ".join(_quote(n) for n in names)
            for mv in self._search_versions(f"name IN ({quoted})", ", ".join(r.text for r in self.refs)):
                found[(mv["name"], mv["version"])] = mv
        for mv in found.values():
            self._by_name.setdefault(mv["name"], {})[mv["version"]] = mv
        selected: dict[tuple[str, str], dict] = {}
        for ref in self.refs:
            if ref.version is not None:
                mv = self._by_name.get(ref.name, {}).get(ref.version)
                if mv is None:
                    self._registered_model(ref.name, ref.text)  # an unknown model is named as such
                    raise SourceError(f"model {ref.name} has no version {ref.version} in the MLflow registry at "
                                      f"{self.tracking_uri}", where=ref.text,
                                      hint="check the version number; versions are listed in the MLflow UI")
                selected[(ref.name, ref.version)] = mv
        for text in self.filters:
            for mv in self._search_versions(text, f"filter {text!r}"):
                selected[(mv["name"], mv["version"])] = mv
        return selected

    def _search_versions(self, filter_text: str, what: str) -> list[dict]:
        out, token = [], None
        while True:
            params = {"filter": filter_text, "max_results": self.page_size}
            if token:
                params["page_token"] = token
            answer = self.client.request("GET", "model-versions/search", what, params=params)
            out += answer.get("model_versions", [])
            token = answer.get("next_page_token")
            if not token:
                return out

    def _registered_model(self, name: str, what: str) -> dict:
        if name not in self._models:
            answer = self.client.request("GET", "registered-models/get", what, params={"name": name})
            self._models[name] = answer.get("registered_model", {})
        return self._models[name]

    def _resolve_aliases(self, versions: dict[tuple[str, str], dict], models: dict[str, dict]) -> None:
        for ref in self.refs:
            if ref.alias is None:
                continue
            model = models.get(ref.name) or self._registered_model(ref.name, ref.text)
            models[ref.name] = model
            aliases = {a["alias"]: a["version"] for a in model.get("aliases", [])}
            if ref.alias not in aliases:
                known = ", ".join(f"{a} -> {v}" for a, v in sorted(aliases.items())) or "none"
                raise SourceError(f"model {ref.name} has no alias {ref.alias} in the MLflow registry at "
                                  f"{self.tracking_uri} (aliases: {known})", where=ref.text,
                                  hint="check the alias, or name the version (name/version)")
            mv = self._by_name.get(ref.name, {}).get(aliases[ref.alias])
            if mv is None:
                raise SourceError(f"alias {ref.alias} of model {ref.name} points at version {aliases[ref.alias]}, "
                                  f"which the registry at {self.tracking_uri} did not return", where=ref.text)
            versions[(ref.name, mv["version"])] = mv

    def _mlmodels(self, versions: dict[tuple[str, str], dict], runs: dict[str, dict]) -> dict[tuple[str, str], dict]:
        """The MLmodel file of each version whose model the tracking server stores, by (name, version)."""
        from concurrent.futures import ThreadPoolExecutor

        def read(key: tuple[str, str]) -> tuple[tuple[str, str], dict | None]:
            mv, what = versions[key], subject_id(*key)
            directory = self._model_directory(mv, runs.get(mv.get("run_id") or ""), what)
            path = _proxied_path(directory) if directory else None
            if path is None:
                return key, None
            return key, mlmodel_document(self.client.artifact(f"{path}/MLmodel", what), directory, what)

        keys = [k for k, mv in versions.items() if _model_in_tracking_server(mv.get("source") or "")]
        if not keys:
            return {}
        with ThreadPoolExecutor(min(ARTIFACT_READERS, len(keys)), thread_name_prefix="cxgov-mlmodel") as pool:
            return {key: doc for key, doc in pool.map(read, keys) if doc is not None}

    def _model_directory(self, mv: dict, run: dict | None, what: str) -> str | None:
        """Where the version's model files are: a logged model's artifact URI, or its source."""
        source = mv.get("source") or ""
        logged = LOGGED_MODEL_SOURCE.match(source)
        if logged:
            answer = self.client.request("GET", f"logged-models/{logged['model_id']}", what)
            return ((answer.get("model") or {}).get("info") or {}).get("artifact_uri")
        if source.startswith("runs:/"):
            run_id, _, sub = source[len("runs:/"):].partition("/")
            base = ((run or {}).get("info") or {}).get("artifact_uri") if run_id == mv.get("run_id") else None
            return f"{base.rstrip('/')}/{sub.strip('/')}" if base else None
        return source

    def _runs(self, run_ids: set[str], versions: dict[tuple[str, str], dict]) -> dict[str, dict]:
        """Source runs by id: experiments searched once, then runs in batches."""
        if not run_ids:
            return {}
        what = "source runs of " + ", ".join(subject_id(*k) for k in sorted(versions)[:3]) + (
            " ..." if len(versions) > 3 else "")
        experiments, token = [], None
        while True:
            body = {"max_results": self.page_size, "view_type": "ALL", **({"page_token": token} if token else {})}
            answer = self.client.request("POST", "experiments/search", what, json=body)
            experiments += [e["experiment_id"] for e in answer.get("experiments", [])]
            token = answer.get("next_page_token")
            if not token:
                break
        runs: dict[str, dict] = {}
        ordered = sorted(run_ids)
        for start in range(0, len(ordered), RUNS_PER_SEARCH):
            chunk = ordered[start:start + RUNS_PER_SEARCH]
            filter_text = "attributes.run_id IN (" + ", ".join(_quote(r) for r in chunk) + ")"
            token = None
            while True:
                body = {"experiment_ids": experiments, "filter": filter_text, "run_view_type": "ALL",
                        "max_results": self.page_size, **({"page_token": token} if token else {})}
                answer = self.client.request("POST", "runs/search", what, json=body)
                for run in answer.get("runs", []):
                    runs[run["info"]["run_id"]] = run
                token = answer.get("next_page_token")
                if not token:
                    break
        return runs


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _pairs(items: list[dict] | None) -> dict[str, Any]:
    return dict(sorted((i["key"], i.get("value")) for i in items or []))


def version_document(mv: dict, model: dict, run: dict | None, tracking_uri: str, *,
                     mlmodel: dict | None = None) -> dict[str, Any]:
    """The Rego input for one model version (the model-version subject contract)."""
    aliases = {a["alias"]: a["version"] for a in model.get("aliases", [])}
    return {
        "name": mv["name"],
        "version": mv["version"],
        "status": mv.get("status"),
        "status_message": mv.get("status_message"),
        "source": mv.get("source"),
        "run_id": mv.get("run_id") or None,
        "model_id": mv.get("model_id"),
        "user_id": mv.get("user_id"),
        "description": mv.get("description", ""),
        "creation_timestamp": mv.get("creation_timestamp"),
        "last_updated_timestamp": mv.get("last_updated_timestamp"),
        "tags": _pairs(mv.get("tags")),
        "aliases": sorted(a for a, v in aliases.items() if v == mv["version"]),
        "registered_model": {
            "name": model.get("name", mv["name"]),
            "description": model.get("description", ""),
            "tags": _pairs(model.get("tags")),
            "aliases": dict(sorted(aliases.items())),
        },
        "run": run_document(run) if run else None,
        "model": mlmodel or (logged_model(run, mv) if run else None),
        "tracking_uri": tracking_uri,
    }


def run_document(run: dict) -> dict[str, Any]:
    data = run.get("data", {})
    tags = _pairs(data.get("tags"))
    tags.pop(LOGGED_MODELS_TAG, None)  # large, and summarised under `model`
    inputs = []
    for item in (run.get("inputs") or {}).get("dataset_inputs", []):
        ds = item.get("dataset", {})
        input_tags = _pairs(item.get("tags"))
        inputs.append({"name": ds.get("name"), "digest": ds.get("digest"), "source": _source_uri(ds.get("source")),
                       "source_type": ds.get("source_type"), "context": input_tags.get("mlflow.data.context"),
                       "schema": _json_or_text(ds.get("schema")), "profile": _json_or_text(ds.get("profile"))})
    inputs.sort(key=lambda i: (str(i["context"]), str(i["name"]), str(i["digest"])))
    return {
        "run_id": run["info"]["run_id"],
        "experiment_id": run["info"].get("experiment_id"),
        "status": run["info"].get("status"),
        "lifecycle_stage": run["info"].get("lifecycle_stage"),
        "params": _pairs(data.get("params")),
        "metrics": {m["key"]: m.get("value") for m in data.get("metrics", [])},
        "tags": tags,
        "inputs": inputs,
    }


def logged_model(run: dict, mv: dict) -> dict[str, Any] | None:
    """Flavors (and a signature, when recorded) of the logged model the version was registered from,
    as the run's log-model history records them; None when the run logged no model."""
    raw = _pairs(run.get("data", {}).get("tags")).get(LOGGED_MODELS_TAG)
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


def _model_in_tracking_server(source: str) -> bool:
    return bool(LOGGED_MODEL_SOURCE.match(source)) or source.startswith(("runs:/", "mlflow-artifacts:"))


def _proxied_path(directory: str) -> str | None:
    """The artifact proxy's path for `mlflow-artifacts:/p` or `mlflow-artifacts://host/p`; None for
    stores the tracking server does not serve (s3://, gs://, a local path)."""
    if not directory.startswith("mlflow-artifacts:"):
        return None
    rest = directory[len("mlflow-artifacts:"):]
    if rest.startswith("//"):
        rest = rest[2:].partition("/")[2]
    return rest.strip("/") or None


def mlmodel_document(text: str, directory: str, what: str) -> dict[str, Any]:
    """Flavors and signature from an MLmodel file (signature sides stay JSON text, as MLflow writes them)."""
    import yaml

    try:
        mlmodel = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        detail = f"line {mark.line + 1}: {getattr(exc, 'problem', None) or 'invalid'}" if mark else str(exc).splitlines()[0]
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


def _source_uri(source: Any) -> Any:
    """A dataset source as its URI when it is MLflow's JSON form ({"url": ...} or {"uri": ...})."""
    parsed = _json_or_text(source)
    if isinstance(parsed, dict):
        for key in ("url", "uri", "path", "table_name"):
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
