"""Where a finding sits in the repository, for consumers that can only point at repository files.

A finding about a model version (`models:/cx-router/15`), a scanned UI state or a live endpoint is
located at a URI, which is right for a person reading the report. GitHub code scanning, workflow
annotations and JUnit reporters can only place a result on a file of the checkout (and code scanning
rejects the whole upload when one result names anything else). Their anchor is the line that declares
the live thing: the descriptor's `models[]` entry or `ui.entry_points[].url` or
`services[].endpoints[].url`, or, for `cxgov audit`, the same in cxgov.yaml. The URI itself stays in
the message and in the result's properties.

Declarations are read from the descriptor file the run judged (the descriptor subject's origin,
relative to the run's root): only when some finding needs one, once per render.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from cxgov.model import Finding, Location, Result, SubjectRef

CONFIG_NAME = "cxgov.yaml"  # `cxgov audit`'s config, which may declare models and UI entry points too


def is_uri(file: str | None) -> bool:
    """True when a location names a URI (https://..., models:/...) rather than a repository file."""
    return bool(file) and ("://" in file or file.startswith("models:/"))


def is_repository_file(file: str | None) -> bool:
    """A repository-relative path: not a URI, not standard input, not absolute."""
    return bool(file) and not is_uri(file) and file != "-" and not file.startswith("/")


@dataclass(frozen=True, slots=True)
class Anchor:
    """A repository file and line a finding can be shown at, and the live URI it stands for (if any)."""

    file: str
    line: int | None = None
    uri: str | None = None  # the model version, page or endpoint the finding is about
    declared: bool = True  # False: no declaration was found; the anchor is a stand-in


def model_name(uri: str) -> str | None:
    """`models:/name/7`, `models:/name@alias` -> name."""
    m = re.match(r"models:/([^/@]+)", uri)
    return m.group(1) if m else None


class Anchors:
    """Anchors for the findings and subjects of one Result."""

    def __init__(self, result: Result, root: Path | None = None):
        self.result = result
        run_root = Path(result.run.root) if result.run.root else Path(".")
        self.root = root or (run_root if run_root.is_dir() else Path("."))
        self.origins = {s.id: s for s in result.subjects}
        descriptors = sorted((s for s in result.subjects if s.kind == "descriptor"
                              and is_repository_file(s.origin.file)), key=lambda s: (s.origin.file, s.origin.line or 0))
        self.descriptor = descriptors[0] if descriptors else None
        self._declared: dict[str, Location] | None = None

    # -- the declarations -------------------------------------------------------------------------

    @property
    def declared(self) -> dict[str, Location]:
        """Declared URI (and `models:/name`) -> where it is declared; read on first use."""
        if self._declared is None:
            self._declared = {}
            if self.descriptor is not None:
                self._read(self.descriptor.origin.file, self.descriptor.origin.line, descriptor=True)
            if (self.root / CONFIG_NAME).is_file():
                self._read(CONFIG_NAME, 1, descriptor=False)
        return self._declared

    def _read(self, file: str, first_line: int | None, *, descriptor: bool) -> None:
        try:
            lines = (self.root / file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return
        offset = (first_line or 1) - 1
        node = _first_document("\n".join(lines[offset:]))
        if node is None:
            return

        def put(key: str, line: int) -> None:
            self._declared.setdefault(key, Location(file, line + offset))

        for entry, line in _items(_get(node, "models")) if descriptor else []:
            name, version = _scalar(_get(entry, "name")), _scalar(_get(entry, "version"))
            if name:
                put(f"models:/{name}", line)
                if version:
                    put(f"models:/{name}/{version}", line)
        if not descriptor:  # cxgov.yaml: models.refs are URIs
            for ref, line in _items(_get(_get(node, "models"), "refs")):
                text = _scalar(ref)
                if text and model_name(text):
                    put(text, line)
                    put(f"models:/{model_name(text)}", line)
        for entry, _ in _items(_get(_get(node, "ui"), "entry_points")):
            url, line = _scalar_with_line(entry, "url")
            if url:
                put(url, line)
        for service, _ in _items(_get(node, "services")) if descriptor else []:
            for endpoint, _ in _items(_get(service, "endpoints")):
                url, line = _scalar_with_line(endpoint, "url")
                if url:
                    put(url, line)

    def declaration(self, uri: str) -> Location | None:
        """Where `uri` (a model version, a page, an endpoint) is declared, when it is."""
        found = self.declared.get(uri) or self.declared.get(uri.split("#", 1)[0])
        if found is None and uri.startswith("models:/"):
            found = self.declared.get(f"models:/{model_name(uri)}")
        return found

    # -- anchors ----------------------------------------------------------------------------------

    def of(self, finding: Finding) -> Anchor:
        """The repository file and line to show `finding` at."""
        loc = finding.location
        if is_repository_file(loc.file):
            return Anchor(loc.file, loc.line)
        uri = loc.file if is_uri(loc.file) else None
        subject = self.origins.get(finding.subject)
        if uri is None and subject is not None:
            if is_repository_file(subject.origin.file):
                return Anchor(subject.origin.file, subject.origin.line)
            uri = subject.origin.file if is_uri(subject.origin.file) else None
        if uri is None and is_uri(finding.subject):
            uri = finding.subject
        return self._live(uri, finding.subject)

    def of_subject(self, subject: SubjectRef) -> Anchor:
        if is_repository_file(subject.origin.file):
            return Anchor(subject.origin.file, subject.origin.line)
        return self._live(subject.origin.file if is_uri(subject.origin.file) else None, subject.id)

    def _live(self, uri: str | None, subject: str) -> Anchor:
        if uri is not None:
            found = self.declaration(uri)
            if found is not None:
                return Anchor(found.file, found.line, uri)
        # no declaration: the descriptor, else the first repository file the run read, else a relative
        # stand-in for the URI (a run of live sources only: `models check`, `wcag URL`)
        if self.descriptor is not None:
            return Anchor(self.descriptor.origin.file, self.descriptor.origin.line, uri, declared=False)
        files = sorted({s.origin.file for s in self.result.subjects if is_repository_file(s.origin.file)})
        if files:
            return Anchor(files[0], None, uri, declared=False)
        return Anchor(stand_in(uri or subject), None, uri, declared=False)


def stand_in(text: str) -> str:
    """A relative path standing for a URI or subject no repository file holds: scheme dropped,
    `models:/cx-router/7` -> `models/cx-router/7`, `https://host/help` -> `host/help`, `-` -> `stdin`."""
    if text in ("", "-"):
        return "stdin"
    rest = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*:/*", "", text)
    scheme = text.split(":", 1)[0] if text.startswith("models:") else ""
    path = "/".join(p for p in re.split(r"[/#?]+", rest) if p and p not in (".", ".."))
    return "/".join(p for p in (scheme, path) if p) or "stdin"


# -- a small reader over composed YAML nodes (lines and values at once) -------------------------------

def _first_document(text: str):
    try:
        from cxgov.sources.yaml_paths import composed

        nodes = composed(text)
    except Exception:  # noqa: BLE001 - a file that does not parse has no declarations to offer
        return None
    return nodes[0] if nodes else None


def _get(node, key: str):
    import yaml

    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def _items(node):
    """(item, 1-based line within the text) of a sequence node; nothing for anything else."""
    import yaml

    if isinstance(node, yaml.SequenceNode):
        return [(item, item.start_mark.line + 1) for item in node.value]
    return []


def _scalar(node) -> str | None:
    import yaml

    return str(node.value) if isinstance(node, yaml.ScalarNode) and str(node.value).strip() else None


def _scalar_with_line(node, key: str) -> tuple[str | None, int]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return _scalar(v), k.start_mark.line + 1
    return None, 0
