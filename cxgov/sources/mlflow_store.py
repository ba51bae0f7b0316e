"""Reading a registry through `mlflow.MlflowClient`: local and database stores, and Databricks.

For `sqlite:///`, `postgresql://`, `mysql://`, `mssql://`, `file:` (MLflow's legacy file store) and
`databricks`. mlflow is imported here only, so `cxgov check` and http(s) registries never pay for it;
these stores need the full `mlflow` package (mlflow-skinny has no database stores).

MLflow creates a store that is missing, and retries an unreachable database for minutes, so the
store is checked first, without mlflow: the sqlite file exists, is SQLite, holds MLflow's tables and
is not locked (waiting --mlflow-timeout, retried --mlflow-retries times); a database server answers a TCP
connection in time; a file store's directory exists. Each read is then retried with backoff on
transient database errors (a lock, a dropped connection). Every failure is a SourceError naming the
URI; mlflow's own log lines about them are silenced while the reader is open, and its usage telemetry
is off unless MLFLOW_DISABLE_TELEMETRY says otherwise. Answers are MLflow entities turned into their
REST JSON (the JSON of `entity.to_proto()`), the shape the REST reader returns. The CLI ends a
process that loaded mlflow through exit_without_teardown, sparing it a second of interpreter teardown.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from cxgov.errors import SourceError, UsageError
from cxgov.sources.mlflow_reader import DATABRICKS_SCHEMES, FILE_SCHEMES, RegistryReader, masked, scheme_of

T = TypeVar("T")
MLFLOW_TABLES = {"experiments", "runs", "registered_models", "model_versions"}
DEFAULT_PORTS = {"postgresql": 5432, "postgres": 5432, "mysql": 3306, "mssql": 1433}
TIMEOUT_PARAMETER = {"sqlite": "timeout", "postgresql": "connect_timeout", "postgres": "connect_timeout",
                     "mysql": "connect_timeout"}
HTTP_SETTINGS = ("MLFLOW_HTTP_REQUEST_TIMEOUT", "MLFLOW_HTTP_REQUEST_MAX_RETRIES")
BACKOFF = 0.5
# the int64 fields of the messages read (RunInfo, Metric, ModelVersion, RegisteredModel, Experiment, LoggedModelInfo)
INT64_FIELDS = {"start_time", "end_time", "timestamp", "step", "creation_timestamp", "last_updated_timestamp",
                "creation_time", "last_update_time", "creation_timestamp_ms", "last_updated_timestamp_ms"}


class StoreReader(RegistryReader):
    """The registry reads through MlflowClient, after checking the store is there and readable."""

    def __init__(self, tracking_uri: str, *, timeout: float, retries: int):
        self.given = tracking_uri
        self.uri = masked(tracking_uri)
        self.scheme = scheme_of(tracking_uri)
        self.timeout = timeout
        self.retries = retries
        self.calls = 0
        self._saved_env: dict[str, str | None] = {}
        self._saved_log_level: int | None = None
        try:
            self.client = self._client(self._check_store())
        except BaseException:
            self.close()
            raise

    # ---- the reads

    def search_model_versions(self, filter_text: str, page_size: int, what: str) -> list[dict]:
        return self._pages(lambda token: self.client.search_model_versions(
            filter_text, max_results=page_size, page_token=token), what)

    def get_registered_model(self, name: str, what: str) -> dict:
        return _as_json(self._call(lambda: self.client.get_registered_model(name), what))

    def search_experiment_ids(self, page_size: int, what: str) -> list[str]:
        from mlflow.entities import ViewType

        found = self._pages(lambda token: self.client.search_experiments(
            view_type=ViewType.ALL, max_results=page_size, page_token=token), what)
        return [e["experiment_id"] for e in found]

    def search_runs(self, experiment_ids: Sequence[str], filter_text: str, page_size: int, what: str, *,
                    deleted: bool) -> list[dict]:
        from mlflow.entities import ViewType

        if not experiment_ids:
            return []
        view = ViewType.ALL if deleted else ViewType.ACTIVE_ONLY
        return self._pages(lambda token: self.client.search_runs(
            list(experiment_ids), filter_text, run_view_type=view, max_results=page_size, page_token=token), what)

    def search_logged_models(self, experiment_ids: Sequence[str], filter_text: str, page_size: int,
                             what: str) -> list[dict]:
        if not experiment_ids:
            return []
        return self._pages(lambda token: self.client.search_logged_models(
            list(experiment_ids), filter_text, max_results=page_size, page_token=token), what)

    def read_mlmodel(self, directory: str, what: str) -> str | None:
        """From a local artifact location (a path or file: URI); None for object stores and proxied ones,
        which the REST reader or the run's log-model history describe instead."""
        path = _local_path(directory)
        if path is None:
            return None
        try:
            return (path / "MLmodel").read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise SourceError(f"cannot read the MLmodel file at {directory}: {exc.strerror or exc}", where=what,
                              hint="check the artifact directory's permissions") from None

    def close(self) -> None:
        if self._saved_log_level is not None:
            import logging

            logging.getLogger("mlflow").setLevel(self._saved_log_level)
            self._saved_log_level = None
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_env = {}

    # ---- calls, retries and errors

    def _pages(self, read: Callable[[str | None], Any], what: str) -> list[dict]:
        out, token = [], None
        while True:
            page = self._call(lambda: read(token), what)
            out += [_as_json(item) for item in page]
            token = getattr(page, "token", None)
            if not token:
                return out

    def _call(self, read: Callable[[], T], what: str) -> T:
        for attempt in range(self.retries + 1):
            self.calls += 1
            try:
                return read()
            except Exception as exc:  # noqa: BLE001 - every store error becomes a SourceError below
                if attempt < self.retries and _transient(exc):
                    time.sleep(BACKOFF * 2 ** attempt)
                    continue
                raise self._error(exc, what) from None
        raise AssertionError("unreachable")

    def _error(self, exc: Exception, what: str) -> SourceError:
        code = getattr(exc, "error_code", "")
        message = (getattr(exc, "message", None) or str(exc) or type(exc).__name__).strip().splitlines()[0][:300]
        if code == "RESOURCE_DOES_NOT_EXIST":
            return SourceError(f"not found in the MLflow registry at {self.uri}: {message}", where=what,
                               hint="check the model name and version, or list them with the MLflow UI")
        if "locked" in message.lower():
            return _locked(self.uri, self.timeout, self.retries, what)
        if "MLFLOW_ALLOW_FILE_STORE" in str(exc):
            return _file_store_refused(self.uri, what)
        retried = f" (after {self.retries} retries)" if _transient(exc) else ""
        return SourceError(f"cannot read the MLflow registry at {self.uri}: {message}{retried}", where=what,
                           hint="check the tracking URI, that the store is reachable and the installed mlflow "
                                "matches its schema (`mlflow db upgrade` for an older one)")

    # ---- before mlflow: is the store there?

    def _check_store(self) -> str:
        """The URI MlflowClient gets: the given one, with the timeout added for database drivers."""
        if self.scheme == "sqlite":
            _check_sqlite(self.given, self.uri, self.timeout, self.retries)
        elif self.scheme in DEFAULT_PORTS:
            _check_reachable(self.given, self.uri, self.scheme, self.timeout, self.retries)
        elif self.scheme in FILE_SCHEMES:
            _check_file_store(self.given, self.uri)
        elif self.scheme in DATABRICKS_SCHEMES:
            # MLflow's own HTTP client talks to Databricks: give it this run's timeout and retries
            for key, value in zip(HTTP_SETTINGS, (str(max(1, round(self.timeout))), str(self.retries))):
                self._saved_env[key] = os.environ.get(key)
                os.environ[key] = value
        return _with_timeout(self.given, self.scheme, self.timeout)

    def _client(self, internal: str):
        import importlib.util
        import logging

        needed = ("mlflow", "sqlalchemy", "alembic") if self.scheme in DEFAULT_PORTS or self.scheme == "sqlite" \
            else ("mlflow",)
        missing = [m for m in needed if importlib.util.find_spec(m) is None]
        if missing:  # mlflow-skinny has no database stores
            raise SourceError(f"reading the MLflow registry at {self.uri} needs the full `mlflow` package "
                              f"({', '.join(missing)} not installed)", where=self.uri,
                              hint="pip install 'mlflow>=3.1,<4' (mlflow-skinny reads http(s) tracking servers only)")
        os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")  # a compliance check sends no usage data
        from mlflow import MlflowClient

        # every store error becomes one SourceError; mlflow would also log it, with a traceback
        self._saved_log_level = logging.getLogger("mlflow").level
        logging.getLogger("mlflow").setLevel(logging.CRITICAL)
        registry = None if self.scheme in DATABRICKS_SCHEMES else internal  # Databricks picks its own registry
        try:
            return MlflowClient(tracking_uri=internal, registry_uri=registry)
        except Exception as exc:  # noqa: BLE001 - a URI MlflowClient refuses, with its reason
            raise self._error(exc, self.uri) from None


def exit_without_teardown(code: object) -> None:
    """End the CLI process that read a store now, skipping only the interpreter's teardown.

    With mlflow loaded (pandas, SQLAlchemy, alembic, FastAPI, ... several thousand modules), freeing
    every module and object at exit costs about a second, more than reading 500 versions. Nothing
    cxgov needs happens there: the exit handlers (the engine's workers, temporary directories,
    logging) run here first, output files are closed by then, standard streams are flushed, and the
    store was only read. Returns, for the ordinary exit, when that cannot be done safely: a
    non-integer exit code (a message to print), a non-daemon thread still running, no way to run the
    exit handlers, or a stream that fails to flush (the ordinary exit reports it).
    """
    import atexit
    import threading

    if not (code is None or isinstance(code, int)) or not hasattr(atexit, "_run_exitfuncs"):
        return
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        return
    atexit._run_exitfuncs()  # runs each handler once and clears them, so an ordinary exit after it is safe
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            return
    os._exit(code or 0)


def _as_json(entity: Any) -> dict:
    """The entity's REST JSON. What mlflow's message_to_json gives, 7x faster: protobuf's own dict, with
    the int64 fields (which protobuf writes as strings) as numbers again."""
    from google.protobuf.json_format import MessageToDict

    return _numbers(MessageToDict(entity.to_proto(), preserving_proto_field_name=True))


def _numbers(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: int(v) if k in INT64_FIELDS and isinstance(v, str) else _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    return value


def _transient(exc: Exception) -> bool:
    text = f"{type(exc).__name__} {getattr(exc, 'error_code', '')} {exc}".lower()
    return any(s in text for s in ("temporarily_unavailable", "database is locked", "connection refused",
                                   "could not connect", "server closed the connection", "lost connection"))


def _locked(uri: str, timeout: float, retries: int, what: str) -> SourceError:
    return SourceError(f"the MLflow store at {uri} is locked by another process (database is locked: waited "
                       f"{timeout:g} s, {retries} retries)", where=what,
                       hint="another process holds a write lock (a training job, `mlflow server` migrating); "
                            "retry when it is done, or raise --mlflow-timeout")


def _file_store_refused(uri: str, what: str) -> SourceError:
    from mlflow import __version__

    return SourceError(f"MLflow {__version__} refuses its legacy file store at {uri} unless "
                       "MLFLOW_ALLOW_FILE_STORE=true is set", where=what,
                       hint="set MLFLOW_ALLOW_FILE_STORE=true to read it as it is, or migrate it to a database "
                            "with `mlflow migrate-filestore`")


def _sqlite_path(uri: str, shown: str) -> Path:
    parts = urlsplit(uri)
    raw = unquote(parts.path)
    path = raw[1:] if raw.startswith("/") else raw  # sqlite:///rel.db -> rel.db, sqlite:////abs.db -> /abs.db
    if parts.netloc or path in ("", ":memory:"):
        raise UsageError(f"{shown} is not a sqlite file store",
                         hint="write sqlite:///relative/path.db or sqlite:////absolute/path.db")
    return Path(path)


def _check_sqlite(uri: str, shown: str, timeout: float, retries: int) -> None:
    path = _sqlite_path(uri, shown)
    if not path.exists():
        raise SourceError(f"no MLflow store at {shown}: {path} does not exist", where=shown,
                          hint="check the path (a relative one is from the current directory); cxgov never "
                               "creates a store")
    if not path.is_file():
        raise SourceError(f"no MLflow store at {shown}: {path} is not a file", where=shown)
    with open(path, "rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            raise SourceError(f"no MLflow store at {shown}: {path} is not an SQLite database", where=shown,
                              hint="check the path points at MLflow's database (e.g. mlflow.db)")
    for attempt in range(retries + 1):
        try:
            with sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True, timeout=timeout) as db:
                tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise SourceError(f"cannot read the MLflow store at {shown}: {exc}", where=shown) from None
            if attempt == retries:
                raise _locked(shown, timeout, retries, shown) from None
            time.sleep(BACKOFF * 2 ** attempt)
        except sqlite3.DatabaseError as exc:
            raise SourceError(f"no MLflow store at {shown}: {path} is not a readable SQLite database ({exc})",
                              where=shown) from None
    missing = MLFLOW_TABLES - tables
    if missing:
        raise SourceError(f"no MLflow store at {shown}: {path} has no MLflow tables ({', '.join(sorted(missing))} "
                          "missing)", where=shown, hint="check the path points at MLflow's database (e.g. mlflow.db)")


def _check_reachable(uri: str, shown: str, scheme: str, timeout: float, retries: int) -> None:
    """A TCP connection to the database server, so an unreachable one fails in --mlflow-timeout, not in minutes."""
    parts = urlsplit(uri)
    if not parts.hostname:
        return  # a local socket: the driver reports it
    port = parts.port or DEFAULT_PORTS[scheme]
    for attempt in range(retries + 1):
        try:
            socket.create_connection((parts.hostname, port), timeout=timeout).close()
            return
        except OSError as exc:
            if attempt == retries:
                reason = "connection refused" if isinstance(exc, ConnectionRefusedError) else (
                    "no answer in time (timed out)" if isinstance(exc, TimeoutError) else str(exc))
                raise SourceError(f"cannot read the MLflow registry at {shown}: {reason} (after {retries} retries)",
                                  where=shown, hint="is the database server running and reachable from here? "
                                                    "check --tracking-uri / MLFLOW_TRACKING_URI") from None
            time.sleep(BACKOFF * 2 ** attempt)


def _check_file_store(uri: str, shown: str) -> None:
    path = _local_path(uri)
    if path is None or not path.is_dir():
        raise SourceError(f"no MLflow store at {shown}: {path or uri} is not a directory", where=shown,
                          hint="check the path (a relative one is from the current directory); cxgov never "
                               "creates a store")
    if not any((child / "meta.yaml").is_file() for child in path.iterdir()) and not (path / "models").is_dir():
        raise SourceError(f"no MLflow store at {shown}: {path} holds no experiments or registered models",
                          where=shown, hint="check the path points at MLflow's file store (e.g. ./mlruns)")


def _local_path(location: str) -> Path | None:
    """A local path for a plain path or file: URI; None for any other scheme."""
    if scheme_of(location) not in FILE_SCHEMES:
        return None
    return Path(unquote(urlsplit(location).path)) if location.startswith("file:") else Path(location)


def _with_timeout(uri: str, scheme: str, timeout: float) -> str:
    """The URI with its driver's connect/lock timeout set, unless the URI sets one itself."""
    key = TIMEOUT_PARAMETER.get(scheme)
    if key is None:
        return uri
    query = urlsplit(uri).query
    if any(k == key for k, _ in parse_qsl(query, keep_blank_values=True)):
        return uri
    value = f"{timeout:g}" if scheme == "sqlite" else str(max(1, round(timeout)))
    return f"{uri}{'&' if query else '?'}{urlencode([(key, value)])}"  # textually: urlunsplit drops sqlite's ///
