"""How the model-version source reads a registry, whatever the tracking URI: one small interface, and
the choice of reader by the URI's scheme.

- `http://`, `https://`: REST through `requests` (mlflow_rest.py); mlflow is not imported.
- `sqlite:///`, `postgresql://`, `mysql://`, `mssql://` (with or without `+driver`), `databricks`,
  `databricks://profile`, `file:` and a plain path (MLflow's legacy file store): `mlflow.MlflowClient`
  (mlflow_store.py), imported only for these.

Both readers answer in the same shape, the JSON of MLflow's protobuf messages (what the REST API
returns), so one document builder serves both and the rules cannot tell which reader read a version.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from urllib.parse import urlsplit, urlunsplit

from cxgov.errors import UsageError

REST_SCHEMES = ("http", "https")
SQL_SCHEMES = ("sqlite", "postgresql", "postgres", "mysql", "mssql")
DATABRICKS_SCHEMES = ("databricks", "databricks-uc")
FILE_SCHEMES = ("file", "")


class RegistryReader(ABC):
    """The registry reads the source needs, every page of each; each failure is a SourceError naming the URI.

    `uri` is the tracking URI as messages and documents name it (a password in it masked); `calls`
    counts the requests made (HTTP calls, or store calls), for tests and the benchmark.
    """

    uri: str
    calls: int = 0

    @abstractmethod
    def search_model_versions(self, filter_text: str, page_size: int, what: str) -> list[dict]:
        """Model versions matching an MLflow search filter (`model_versions` of model-versions/search)."""

    @abstractmethod
    def get_registered_model(self, name: str, what: str) -> dict:
        """A registered model with its tags and aliases (`registered_model` of registered-models/get)."""

    @abstractmethod
    def search_experiment_ids(self, page_size: int, what: str) -> list[str]:
        """Every experiment's id, deleted ones included (their runs may still be a version's source)."""

    @abstractmethod
    def search_runs(self, experiment_ids: Sequence[str], filter_text: str, page_size: int, what: str, *,
                    deleted: bool) -> list[dict]:
        """Runs matching a filter, with params, metrics, tags and dataset inputs; `deleted` includes deleted runs."""

    @abstractmethod
    def search_logged_models(self, experiment_ids: Sequence[str], filter_text: str, page_size: int,
                             what: str) -> list[dict]:
        """MLflow 3 logged models matching a filter, with params, tags and metrics."""

    @abstractmethod
    def read_mlmodel(self, directory: str, what: str) -> str | None:
        """The MLmodel file of a model directory, or None when this reader cannot reach where it is stored."""

    def close(self) -> None:
        """Release what the reader holds (sessions, settings it changed)."""


def scheme_of(uri: str) -> str:
    """The URI's scheme without its driver (`postgresql+psycopg2` -> `postgresql`); "" for a plain path."""
    if uri in DATABRICKS_SCHEMES:  # MLflow's bare `databricks` (the default profile) is not a path
        return uri
    match = re.match(r"^([A-Za-z][A-Za-z0-9.\-]*)(\+[A-Za-z0-9_]+)?:", uri)
    if not match or re.match(r"^[A-Za-z]:[\\/]", uri):  # a Windows drive letter is a path
        return ""
    return match[1].lower()


def masked(uri: str) -> str:
    """The URI with any password replaced by ***, for messages, documents and evidence."""
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    netloc = parts.netloc.rpartition("@")
    user = netloc[0].partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[2]}"))


def open_reader(uri: str, *, timeout: float, retries: int) -> RegistryReader:
    """The reader for this tracking URI; an unknown scheme is a usage error naming it."""
    scheme = scheme_of(uri)
    if scheme in REST_SCHEMES:
        from cxgov.sources.mlflow_rest import RestReader

        return RestReader(uri, timeout=timeout, retries=retries)
    if scheme in SQL_SCHEMES + DATABRICKS_SCHEMES + FILE_SCHEMES:
        from cxgov.sources.mlflow_store import StoreReader

        return StoreReader(uri, timeout=timeout, retries=retries)
    raise UsageError(f"cxgov cannot read an MLflow registry at {masked(uri)}: unknown scheme {scheme}:",
                     hint="give an http(s):// tracking server, databricks, sqlite:///, postgresql://, mysql://, "
                          "mssql://, or a file: store")


def quote(text: str) -> str:
    """A string literal for MLflow's search filters."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
