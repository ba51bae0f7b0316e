"""The model versions a descriptor deploys, read from the MLflow registry.

`cxgov check` and `cxgov audit` read them so the system view can compare the descriptor with the
registry: each model's pinned version and its alias (default production), both judged and compared.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from cxgov.errors import UsageError
from cxgov.model import Subject
from cxgov.sources.interface import ReadOnce

DEFAULT_ALIAS = "production"

NO_URI_HINT = ("set models[].tracking_uri, give --tracking-uri or MLFLOW_TRACKING_URI, or skip the registry with "
               "--no-models")


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


class DeployedModels(ReadOnce):
    """The registry's model versions for the descriptors among `subjects`; none when none deploy models.

    `tracking_uri` (--tracking-uri) beats each model's own. With read=False (--no-models) nothing is
    read and the opt-out is said on stderr; the system view then has no model versions, and
    SOC2-CC8.1-02 reports each model as unverified. `no_uri_hint`: what to do about a reference with
    no registry, in the calling command's terms.
    """

    def __init__(self, subjects: Iterable[Subject], *, tracking_uri: str | None = None, read: bool = True,
                 timeout: float = 10.0, retries: int = 3, no_uri_hint: str = NO_URI_HINT):
        self.descriptors = [s for s in subjects if s.kind == "descriptor"]
        self.tracking_uri, self.reads, self.timeout, self.retries = tracking_uri, read, timeout, retries
        self.no_uri_hint = no_uri_hint

    def wanted(self) -> dict[str, list[str]]:
        """Tracking URI ("" for none) -> the references to read there; a reference with no registry
        is a usage error when the registry is to be read."""
        wanted: dict[str, list[str]] = {}
        for subject in self.descriptors:
            for uri, ref in descriptor_references(subject):
                uri = self.tracking_uri or uri
                if not uri and self.reads:
                    raise UsageError(f"model reference {ref} has no MLflow tracking URI", where=str(subject.origin),
                                     hint=self.no_uri_hint)
                wanted.setdefault(uri or "", []).append(ref)
        return wanted

    def read(self) -> list[Subject]:
        wanted = self.wanted()
        if not wanted:
            return []
        if not self.reads:
            count = sum(len(refs) for refs in wanted.values())
            print(f"cxgov: note: --no-models: {count} model reference(s) of the descriptor were not read from the "
                  "registry; SOC2-CC8.1-02 reports the deployed models as unverified", file=sys.stderr)
            return []
        from cxgov.sources.mlflow import MlflowSource  # mlflow's client only when a descriptor deploys models

        found: dict[str, Subject] = {}
        for uri in sorted(wanted):
            for s in MlflowSource(uri, sorted(set(wanted[uri])), timeout=self.timeout,
                                  retries=self.retries).subjects():
                found.setdefault(s.id, s)
        return [found[k] for k in sorted(found)]
