"""The report's finding rows: one per finding, except UI findings, which merge across the scanned
states into one row per rule, page and element, listing the states. Each row carries the place a
person fixes it (a repository file and line) and links to the exact evidence entry: a JSON pointer
(RFC 6901, as a URI fragment) into the bundle file that holds the judged document.

Pure functions of the BundleView, like the report itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from cxgov.evidence.controls import finding_evidence, framework_title, natural_key, subjects_by_file
from cxgov.evidence.view import BundleView
from cxgov.formats._common import severity_rank, status as status_of
from cxgov.model import Finding, Subject

#: bundle files holding one document each; every other input file groups its source file's documents
#: under `documents` (cxgov.evidence.build.subject_file)
SINGLE_DOCUMENT_KINDS = ("model-version", "ui-scan", "system")
STATUS_ORDER = {"deny": 0, "warn": 1, "waived": 2}
_ELEMENTS_SUFFIX = re.compile(r"; \d+ element\(s\):.*$", re.S)


def slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text).strip("-").lower() or "x"


def href(path: str, pointer: str = "") -> str:
    """A bundle-relative file as a relative URL (each segment percent-encoded, never a scheme), with
    a JSON pointer as its fragment when given."""
    url = quote(path.lstrip("/"), safe="/")
    return f"{url}#{quote(pointer, safe='/~')}" if pointer else url


def pointer_of(tokens: list[str]) -> str:
    return "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in tokens)


@dataclass
class Row:
    """One line of the findings: a finding, or one UI element's findings across states."""

    rule_id: str
    title: str
    severity: str
    status: str
    resource: str
    message: str
    remediation: str
    findings: list[Finding]
    place: tuple[str, int | None] | None  # (repository file, line) to fix it at
    uri: str | None = None  # the live thing it is about: a page or a model version
    element: str | None = None  # a UI row's element (axe target)
    states: list[dict[str, Any]] = field(default_factory=list)  # UI rows: {name, href, scan}
    evidence: list[dict[str, str]] = field(default_factory=list)  # {href, label}
    anchor: str = ""
    controls: list[str] = field(default_factory=list)

    @property
    def pre_enforcement(self) -> bool:
        return any(f.pre_enforcement for f in self.findings)

    @property
    def waiver(self) -> dict[str, Any] | None:
        return next((f.waiver.to_dict() for f in self.findings if f.waiver is not None), None)

    def order(self) -> tuple:
        return (STATUS_ORDER.get(self.status, 9), severity_rank(self.severity), natural_key(self.rule_id),
                self.place or ("", 0), self.resource, self.element or "", self.message)


class Entries:
    """Where findings point: the bundle file and JSON pointer of each judged document, and the
    descriptor lines that declare live things (pages, model versions)."""

    def __init__(self, view: BundleView):
        self.view = view
        self.subjects = {s.id: s for s in view.subjects}
        self.by_file = subjects_by_file(view)
        self.documents: dict[str, tuple[str, str]] = {}  # subject id -> (bundle file, pointer of its document)
        grouped: dict[str, int] = {}
        for s in view.subjects:
            path = next((p for p in view.evidence(s.id) if p.endswith(".json") and not p.endswith(".axe.json")), None)
            if path is None:
                continue
            if s.kind in SINGLE_DOCUMENT_KINDS:
                self.documents[s.id] = (path, "")
            else:
                self.documents[s.id] = (path, f"/documents/{grouped.get(path, 0)}")
                grouped[path] = grouped.get(path, 0) + 1
        system = next((s.document for s in view.of_kind("system") if isinstance(s.document, dict)), {})
        self.descriptor = system.get("descriptor") if isinstance(system.get("descriptor"), dict) else {}
        self.descriptor_file = system.get("descriptor_file")
        self.lines: dict[str, int] = {k: v for k, v in (system.get("lines") or {}).items() if isinstance(v, int)}

    # -- the document a finding judged, and the entry in it ------------------------------------------

    def target(self, f: Finding) -> Subject | None:
        """The subject whose document the finding's location lies in (its own, or the one of the file
        it points at: a system finding about a Terraform plan line)."""
        own = self.subjects.get(f.subject)
        here = self.by_file.get(f.location.file or "", [])
        if not here or (own is not None and own in here):
            return own
        before = [s for s in here if (s.origin.line or 0) <= (f.location.line or 0)] or here[:1]
        return before[-1]

    def entry(self, f: Finding) -> tuple[str, str] | None:
        """(bundle file, JSON pointer) of the exact entry the finding judged; the pointer goes as deep
        as the document has it."""
        subject = self.target(f)
        if subject is None or subject.id not in self.documents:
            return None
        path, prefix = self.documents[subject.id]
        doc = subject.document
        tokens: list[str] = []
        if subject.kind == "ui-scan" and isinstance(doc, dict):
            violations = (doc.get("axe") or {}).get("violations") or []
            index = next((i for i, v in enumerate(violations) if isinstance(v, dict) and v.get("id") == f.resource), None)
            tokens = ["axe", "violations", str(index)] if index is not None else []
        elif f.path:
            tokens = f.path.split(".")
        elif f.location.line and f.location.file == self.descriptor_file and subject.kind in ("descriptor", "system"):
            # the system view holds the descriptor under `descriptor`; a descriptor file is the descriptor
            tokens = (["descriptor"] if subject.kind == "system" else []) + self._descriptor_path(f.location.line)
        return path, prefix + pointer_of(_resolvable(doc, tokens))

    def _descriptor_path(self, line: int) -> list[str]:
        """The shallowest descriptor path declared on `line` (a list entry rather than its first key)."""
        at = [k for k, v in self.lines.items() if v == line]
        return min(at, key=lambda k: (k.count("."), k)).split(".") if at else []

    # -- where a person fixes it -----------------------------------------------------------------

    def place(self, f: Finding) -> tuple[str, int | None] | None:
        loc = f.location
        if loc.file and "://" not in loc.file and not loc.file.startswith("models:/"):
            return (loc.file, loc.line)
        subject = self.subjects.get(f.subject)
        if subject is not None and subject.kind == "ui-scan":
            return self.declaration_of_state(subject)
        uri = loc.file or f.subject
        if uri.startswith("models:/"):
            return self.declaration_of_model(uri)
        return None

    def _entry_point(self, url: Any) -> int | None:
        if not self.descriptor_file:
            return None
        for i, entry in enumerate((self.descriptor.get("ui") or {}).get("entry_points") or []):
            if isinstance(entry, dict) and entry.get("url") == url:
                return i
        return None

    def declaration_of_page(self, url: Any) -> tuple[str, int | None] | None:
        """The descriptor line that declares a UI entry point's URL."""
        i = self._entry_point(url)
        return None if i is None else (self.descriptor_file, self.lines.get(f"ui.entry_points.{i}.url"))

    def declaration_of_state(self, scan: Subject) -> tuple[str, int | None] | None:
        """The descriptor line of the step that scans this state (else of its entry point's URL)."""
        doc = scan.document if isinstance(scan.document, dict) else {}
        i = self._entry_point(doc.get("url"))
        if i is None:
            return None
        steps = self.descriptor["ui"]["entry_points"][i].get("states") or []
        for k, step in enumerate(steps):
            if isinstance(step, dict) and step.get("scan") == doc.get("state") and f"ui.entry_points.{i}.states.{k}" in self.lines:
                return (self.descriptor_file, self.lines[f"ui.entry_points.{i}.states.{k}"])
        return self.declaration_of_page(doc.get("url"))

    def declaration_of_model(self, uri: str) -> tuple[str, int | None] | None:
        name = re.match(r"models:/([^/@]+)", uri)
        if not self.descriptor_file:
            return None
        for i, model in enumerate(self.descriptor.get("models") or []):
            if isinstance(model, dict) and name and model.get("name") == name.group(1):
                return (self.descriptor_file, self.lines.get(f"models.{i}.version", self.lines.get(f"models.{i}")))
        return None


def _resolvable(doc: Any, tokens: list[str]) -> list[str]:
    """The longest prefix of `tokens` that exists in `doc`."""
    out = []
    for t in tokens:
        if isinstance(doc, dict) and t in doc:
            doc = doc[t]
        elif isinstance(doc, list) and t.isdigit() and int(t) < len(doc):
            doc = doc[int(t)]
        else:
            break
        out.append(t)
    return out


def finding_rows(view: BundleView) -> list[Row]:
    """Every finding as a row, UI findings merged across states; in reading order (failures first,
    worst severity first), each with a unique anchor."""
    entries = Entries(view)
    singles: list[Row] = []
    merged: dict[tuple, Row] = {}
    for f in view.result.findings:
        subject = entries.subjects.get(f.subject)
        if subject is not None and subject.kind == "ui-scan":
            _merge_ui(view, entries, subject, f, merged)
        else:
            singles.append(_single(view, entries, f))
    rows = sorted(singles + list(merged.values()), key=Row.order)
    for row in rows:
        row.states.sort(key=lambda s: (s["index"], s["name"]))
    taken: dict[str, int] = {}
    for row in rows:
        base = f"finding-{slug(row.rule_id)}"
        taken[base] = taken.get(base, 0) + 1
        row.anchor = f"{base}-{taken[base]}"
    return rows


def _controls(f: Finding) -> list[str]:
    return [f"{framework_title(fw)} {c}" for fw in sorted(f.controls) for c in f.controls[fw]]


def _links(view: BundleView, entries: Entries, f: Finding) -> list[dict[str, str]]:
    links, exact = [], entries.entry(f)
    if exact is not None:
        path, pointer = exact
        links.append({"href": href(path, pointer), "label": path + (f"#{pointer}" if pointer else "")})
    for path in finding_evidence(view, f, entries.by_file):
        if exact is None or path != exact[0]:
            links.append({"href": href(path), "label": path})
    return links


def _single(view: BundleView, entries: Entries, f: Finding) -> Row:
    uri = f.location.file if f.location.file and ("://" in f.location.file or f.location.file.startswith("models:/")) else None
    return Row(f.rule_id, f.title, f.severity, status_of(f), f.resource, f.message, f.remediation, [f],
               entries.place(f), uri=uri, evidence=_links(view, entries, f), controls=_controls(f))


def _merge_ui(view: BundleView, entries: Entries, scan: Subject, f: Finding, merged: dict[tuple, Row]) -> None:
    doc = scan.document if isinstance(scan.document, dict) else {}
    state = str(doc.get("state") or (f.metadata or {}).get("state") or "default")
    targets = [str(t) for t in (f.metadata or {}).get("targets") or []] or [""]
    url = str(doc.get("url") or f.location.file or "")
    message = _ELEMENTS_SUFFIX.sub("", f.message.removeprefix(f"{state}: "))
    exact = entries.entry(f)
    link = href(*exact) if exact else None
    index = doc.get("state_index")
    place = entries.declaration_of_state(scan)
    for target in targets:
        key = (f.rule_id, status_of(f), url, f.resource, target)
        row = merged.get(key)
        if row is None:
            row = merged[key] = Row(f.rule_id, f.title, f.severity, status_of(f), f.resource, message, f.remediation,
                                    [], entries.declaration_of_page(url), uri=url, element=target or None,
                                    controls=_controls(f))
        row.findings.append(f)
        if state not in {s["name"] for s in row.states}:
            row.states.append({"name": state, "href": link, "index": index if isinstance(index, int) else 1 << 30,
                               "line": place[1] if place else None, "scan": f"scan-{slug(scan.id)}"})
