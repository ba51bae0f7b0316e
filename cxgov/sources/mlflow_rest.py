"""Reading a tracking server over its REST API, without importing mlflow.

Plain `requests` with urllib3 retries rather than mlflow's REST client code: importing mlflow costs
1-4 s on these machines, more than reading 500 versions. MLflow's own settings are honoured as
MLflow's client does (MLFLOW_TRACKING_TOKEN, MLFLOW_TRACKING_USERNAME/PASSWORD - basic auth wins
over a token -, MLFLOW_TRACKING_INSECURE_TLS, MLFLOW_TRACKING_SERVER_CERT_PATH,
MLFLOW_TRACKING_CLIENT_CERT_PATH); an auth plugin (MLFLOW_TRACKING_AUTH) is loaded through
mlflow-skinny's registry, so only that case imports mlflow. Each request has a timeout and is
retried with exponential backoff on connection errors and 429/5xx answers.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

from cxgov.errors import SourceError
from cxgov.sources.mlflow_reader import RegistryReader, masked

RETRY_STATUSES = (429, 500, 502, 503, 504)


class RestReader(RegistryReader):
    """GET and POST against one tracking server, counting calls; failures are SourceErrors."""

    def __init__(self, tracking_uri: str, *, timeout: float, retries: int, backoff: float = 0.5):
        self.base = tracking_uri.rstrip("/")
        self.uri = masked(self.base)
        self.timeout = timeout
        self.retries = retries
        self.calls = 0
        self._lock = threading.Lock()  # artifact reads run in a few threads
        self.session = _session(retries, backoff)

    # ---- the reads

    def search_model_versions(self, filter_text: str, page_size: int, what: str) -> list[dict]:
        return self._pages("GET", "model-versions/search", "model_versions", what,
                           {"filter": filter_text, "max_results": page_size})

    def get_registered_model(self, name: str, what: str) -> dict:
        return self.request("GET", "registered-models/get", what, params={"name": name}).get("registered_model", {})

    def search_experiment_ids(self, page_size: int, what: str) -> list[str]:
        found = self._pages("POST", "experiments/search", "experiments", what,
                            {"max_results": page_size, "view_type": "ALL"})
        return [e["experiment_id"] for e in found]

    def search_runs(self, experiment_ids: Sequence[str], filter_text: str, page_size: int, what: str, *,
                    deleted: bool) -> list[dict]:
        return self._pages("POST", "runs/search", "runs", what,
                           {"experiment_ids": list(experiment_ids), "filter": filter_text, "max_results": page_size,
                            "run_view_type": "ALL" if deleted else "ACTIVE_ONLY"})

    def search_logged_models(self, experiment_ids: Sequence[str], filter_text: str, page_size: int,
                             what: str) -> list[dict]:
        return self._pages("POST", "logged-models/search", "models", what,
                           {"experiment_ids": list(experiment_ids), "filter": filter_text, "max_results": page_size})

    def read_mlmodel(self, directory: str, what: str) -> str | None:
        """Through the server's artifact proxy, for `mlflow-artifacts:` locations only (s3://, gs://, a
        local path of the server are not the client's to read)."""
        from urllib.parse import quote

        path = _proxied_path(directory)
        if path is None:
            return None
        response = self._send("GET", f"{self.base}/api/2.0/mlflow-artifacts/artifacts/{quote(path + '/MLmodel')}",
                              what, missing_ok=True)
        return None if response is None else response.text  # no MLmodel: a model whose files MLflow does not hold

    def close(self) -> None:
        self.session.close()

    # ---- HTTP

    def _pages(self, method: str, endpoint: str, key: str, what: str, request: dict[str, Any]) -> list[dict]:
        out, token = [], None
        while True:
            body = {**request, **({"page_token": token} if token else {})}
            answer = (self.request(method, endpoint, what, params=body) if method == "GET"
                      else self.request(method, endpoint, what, json=body))
            out += answer.get(key, [])
            token = answer.get("next_page_token")
            if not token:
                return out

    def request(self, method: str, endpoint: str, what: str, **kwargs) -> dict[str, Any]:
        """The JSON answer, or a SourceError naming `what` (the reference being read)."""
        response = self._send(method, f"{self.base}/api/2.0/mlflow/{endpoint}", what, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise SourceError(f"the MLflow registry at {self.uri} answered {endpoint} with something that is not JSON",
                              where=what, hint="check the tracking URI points at an MLflow server") from None

    def _send(self, method: str, url: str, what: str, *, missing_ok: bool = False, **kwargs):
        """The response; None for a 404 when `missing_ok`."""
        import requests

        with self._lock:
            self.calls += 1
        try:
            response = self.session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise SourceError(f"cannot read the MLflow registry at {self.uri}: {_reason(exc)} "
                              f"(after {self.retries} retries)", where=what, hint=_hint(str(exc))) from None
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code != 200:
            raise _status_error(response, self.uri, what)
        return response


def _proxied_path(directory: str) -> str | None:
    """The artifact proxy's path for `mlflow-artifacts:/p` or `mlflow-artifacts://host/p`."""
    if not directory.startswith("mlflow-artifacts:"):
        return None
    rest = directory[len("mlflow-artifacts:"):]
    if rest.startswith("//"):
        rest = rest[2:].partition("/")[2]
    return rest.strip("/") or None


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
        return "the server is slow or unreachable; raise --mlflow-timeout or check the network"
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
