"""The files source: finds deployment files, reads them within limits, and yields one Subject per document."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, BinaryIO

from cxgov.errors import InputError, UsageError
from cxgov.model import Location, Subject
from cxgov.shard import Shard
from cxgov.sources import manifests
from cxgov.sources.interface import Source
from cxgov.sources.readers import DEFAULT_LIMITS, EXTENSIONS, PARSERS, Document, Limits, read_path

__all__ = ["FileSource", "Limits", "recognise"]

SKIPPED_DIRS = frozenset({"node_modules"})  # and every hidden directory (.git, .terraform, ...)
STDIN = "-"
_FILES_PER_WORKER = 8  # files a parse worker takes at a time; fewer than two batches parse in-process


def recognise(document: Any) -> str:
    """The subject kind a parsed document is: descriptor, kubernetes, terraform-plan or config."""
    if isinstance(document, dict):
        api, kind = document.get("apiVersion"), document.get("kind")
        if api == "cxgov.io/v1" and kind == "AISystem":
            return "descriptor"
        if isinstance(api, str) and isinstance(kind, str):
            return "kubernetes"
        if (
            "format_version" in document
            and "terraform_version" in document
            and ("planned_values" in document or "resource_changes" in document)
        ):
            return "terraform-plan"
    return "config"


#: the top-level members of a Terraform plan (`terraform show -json`) and the JSON type each must have
_PLAN_MEMBERS = {"resource_changes": list, "planned_values": dict, "configuration": dict, "prior_state": dict,
                 "output_changes": dict, "variables": dict}


def check_plan(document: dict, where: str) -> None:
    """A plan whose members have the wrong type is refused: judged as it stands, a rule that walks
    `resource_changes[_]` would find nothing in it and the plan would pass unchecked."""
    for member, expected in _PLAN_MEMBERS.items():
        value = document.get(member)
        if value is not None and not isinstance(value, expected):
            raise InputError(f"not a Terraform plan: `{member}` is {type(value).__name__}, not "
                             f"{'an array' if expected is list else 'an object'}", where=where,
                             hint="give the output of `terraform show -json PLANFILE`")
    changes = document.get("resource_changes") or []
    if not all(isinstance(c, dict) for c in changes):
        raise InputError("not a Terraform plan: `resource_changes` holds a value that is not an object",
                         where=where, hint="give the output of `terraform show -json PLANFILE`")


def _is_list(document: dict) -> bool:
    kind = document["kind"]
    return kind.endswith("List") and isinstance(document.get("items"), list)


def _object_id(path: str, document: Any) -> str | None:
    """`path#Kind/namespace/name` (or `path#Kind/name`) for a named Kubernetes object."""
    metadata = document.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    if not isinstance(name, str) or not name:
        return None
    namespace = metadata.get("namespace")
    if isinstance(namespace, str) and namespace:
        return f"{path}#{document['kind']}/{namespace}/{name}"
    return f"{path}#{document['kind']}/{name}"


class FileSource(Source):
    """Subjects from files, directories (recursively) and `-` (stdin), in the order given."""

    def __init__(
        self,
        paths: list[str],
        *,
        root: str | Path | None = None,
        include: list[str] | tuple[str, ...] = (),
        exclude: list[str] | tuple[str, ...] = (),
        parser: str | None = None,
        limits: Limits = DEFAULT_LIMITS,
        stdin: BinaryIO | None = None,  # default: sys.stdin.buffer, looked up when read
        shard: Shard | None = None,  # only this shard's files (--shard i/n)
    ):
        if parser is not None and parser not in PARSERS:
            raise UsageError(f"unknown parser {parser!r}", hint=f"use one of: {', '.join(PARSERS)}")
        self.paths = list(paths)
        self.root = Path(os.path.abspath(root if root is not None else os.getcwd()))
        self._root_prefix = os.path.join(str(self.root), "")  # with a trailing separator
        self.include = list(include)
        self.exclude = list(exclude)
        self.parser = parser
        self.limits = limits
        self.stdin = stdin
        self.shard = shard
        self.all_files: list[str] = []  # every input file found (shown paths), before any sharding

    def subjects(self) -> Iterator[Subject]:
        used: set[str] = set()
        files = list(self._files())
        self.all_files = [shown for _, shown in files]
        for subjects in self._parsed(self.shard.pick(files) if self.shard else files):
            for subject in subjects:
                subject_id = subject.id
                n = 2
                while subject_id in used:  # same object twice: deterministic suffix
                    subject_id = f"{subject.id}#{n}"
                    n += 1
                used.add(subject_id)
                yield (
                    subject
                    if subject_id == subject.id
                    else Subject(subject.kind, subject_id, subject.origin, subject.document)
                )

    def declares_descriptor(self) -> bool:
        """Whether any input file, in any shard, holds a cxgov descriptor: a shard without it must
        still know the system has one (rules for plans without a descriptor stay silent). Files are
        sniffed for the descriptor's apiVersion and only those that name it are parsed."""
        for path, shown in self._files():
            if path == STDIN:
                continue
            try:
                with open(path, "rb") as f:
                    head = f.read(self.limits.max_file_bytes + 1)
            except OSError:
                continue  # reading it in its own shard reports why
            if b"cxgov.io/v1" in head and b"AISystem" in head and any(
                    s.kind == "descriptor" for s in self._subjects(path, shown, self._read(path, shown))):
                return True
        return False

    def _parsed(self, files: list[tuple[str, str]]) -> Iterator[list[Subject]]:
        """Each file's subjects, in file order. Many files are parsed in worker processes (parsing
        is most of a large check's Python time); errors are raised as they would be in order.
        Workers are forked, unless this process already runs OPA's Go runtime (a drift watch's
        next round, an audit's later stage): that one must not fork, so they come from a forkserver."""
        if len(files) < _FILES_PER_WORKER * 2 or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2 \
                or any(path == STDIN for path, _ in files):
            for path, shown in files:
                yield list(self._subjects(path, shown, self._read(path, shown)))
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from cxgov.engine.opa_library import go_runtime_loaded

        workers = min(os.cpu_count() or 1, len(files) // _FILES_PER_WORKER)
        chunks = [files[i : i + _FILES_PER_WORKER] for i in range(0, len(files), _FILES_PER_WORKER)]
        context = multiprocessing.get_context("forkserver" if go_runtime_loaded() else "fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            for chunk in pool.map(self._parse_files, chunks):
                yield from chunk

    def _parse_files(self, files: list[tuple[str, str]]) -> list[list[Subject]]:
        return [list(self._subjects(path, shown, self._read(path, shown))) for path, shown in files]

    # --- discovery ----------------------------------------------------------------------------

    def _shown(self, path: str) -> str:
        """The path as locations show it: root-relative posix when inside root, else as given."""
        absolute = os.path.abspath(path)
        if absolute.startswith(self._root_prefix):
            path = absolute[len(self._root_prefix) :]
        return path.replace(os.sep, "/")

    def _matches(self, shown: str, patterns: list[str]) -> bool:
        base = shown.rsplit("/", 1)[-1]
        return any(fnmatchcase(shown, p) or fnmatchcase(base, p) for p in patterns)

    def _files(self) -> Iterator[tuple[str, str]]:
        seen: set = set()
        for given in self.paths:
            if given == STDIN:
                candidates = [(STDIN, STDIN)]
            elif os.path.isdir(given):
                candidates = self._walk(given)
            elif os.path.exists(given):
                shown = self._shown(given)
                candidates = [] if self._matches(shown, self.exclude) else [(given, shown)]
            else:
                raise InputError("no such file or directory", where=given, hint="check the path")
            for path, shown in candidates:
                try:
                    key = path if path == STDIN else os.stat(path)[1:3]  # inode and device
                except OSError:
                    key = path  # reading it will report why
                if key not in seen:  # a file named twice (or also inside a named directory) is read once
                    seen.add(key)
                    yield path, shown

    def _walk(self, directory: str) -> list[tuple[str, str]]:
        found = []
        for current, dirs, files in os.walk(directory):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS]
            for name in files:
                if os.path.splitext(name)[1].lower() not in EXTENSIONS and not self._manifest(name):
                    continue
                path = os.path.join(current, name)
                shown = self._shown(path)
                if self.include and not self._matches(shown, self.include):
                    continue
                if not self._matches(shown, self.exclude):
                    below = path[len(directory) :].lstrip(os.sep).split(os.sep)
                    found.append((below, path, shown))
        return [(path, shown) for _, path, shown in sorted(found)]

    # --- reading ------------------------------------------------------------------------------

    def _read(self, path: str, shown: str) -> list[Document]:
        if self._manifest(path):
            return manifests.read(path, shown, self.limits)
        if self._terraform(path):
            from cxgov.sources import terraform_hcl  # imports python-hcl2 only when a .tf is read

            return [terraform_hcl.read(path, shown, self.limits)]
        stream = (self.stdin if self.stdin is not None else sys.stdin.buffer) if path == STDIN else None
        return read_path(path, shown, self.limits, self.parser, stream)

    def _terraform(self, path: str) -> bool:
        """A Terraform source: a `.tf` file read as HCL2 (by extension, or with --parser hcl2).
        It is judged as a plan (see terraform_hcl); stdin and other HCL files stay `config`."""
        return path != STDIN and self.parser in (None, "hcl2") and os.path.splitext(path)[1].lower() == ".tf"

    def _manifest(self, path: str) -> bool:
        """A dependency manifest or `.env` file, recognised by name (see manifests) unless --parser is given."""
        return path != STDIN and self.parser is None and manifests.kind_of(path) is not None

    def _hcl(self, path: str) -> bool:
        if self.parser or path == STDIN:
            return self.parser == "hcl2"
        return EXTENSIONS.get(os.path.splitext(path)[1].lower()) == "hcl2"

    # --- subjects -----------------------------------------------------------------------------

    def _subjects(self, path: str, shown: str, documents: list[Document]) -> Iterator[Subject]:
        if self._manifest(path):
            yield from manifests.subjects(path, shown, documents, recognise)
            return
        if self._terraform(path):  # one plan-shaped document per .tf file
            for doc in documents:
                yield self._subject(shown, shown, doc.value, doc.line, "terraform-plan")
            return
        hcl = self._hcl(path)  # other HCL is configuration even when it has apiVersion/kind attributes
        for n, doc in enumerate(documents, 1):
            base = f"{shown}#{n}" if len(documents) > 1 else shown
            kind = "config" if hcl else recognise(doc.value)
            if kind == "terraform-plan":
                check_plan(doc.value, f"{shown}:{doc.line}")
            if kind == "kubernetes" and _is_list(doc.value):
                lines = doc.item_lines or ()
                for i, item in enumerate(doc.value["items"]):
                    line = lines[i] if i < len(lines) else doc.line
                    yield self._subject(shown, f"{base}#items/{i}", item, line)
            else:
                yield self._subject(shown, base, doc.value, doc.line, kind)

    def _subject(self, shown: str, fallback_id: str, document: Any, line: int, kind: str | None = None) -> Subject:
        kind = kind or recognise(document)
        subject_id = (_object_id(shown, document) if kind == "kubernetes" else None) or fallback_id
        return Subject(kind, subject_id, Location(shown, line), document)
