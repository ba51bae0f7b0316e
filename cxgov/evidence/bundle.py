"""Reading an evidence bundle: a directory, or the `.tar.gz` of one, through one API.

`open_bundle(path)` reads every file into memory once (bundles are evidence, not data lakes: the
10,000-finding bench bundle is a few MB), refusing anything a bundle never holds: links, devices,
absolute or `..` paths, duplicate entries. Verify, show, replay, diff and drift all read through it.
"""

from __future__ import annotations

import json
import tarfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

from cxgov.errors import InputError

FORMAT = "cxgov-evidence-bundle"
FORMAT_VERSION = "1.0"
MANIFEST = "manifest.json"
ATTESTATION = "attestation.intoto.json"
SUMMARY = "summary.json"
CONTROLS = "controls.json"
FINDINGS = "findings.json"
INPUTS_INDEX = "inputs/index.json"
POLICIES_INDEX = "policies/index.json"
POLICY_DATA = "policies/data.json"
CONFIG = "config/cxgov.yaml"
WAIVERS = "config/waivers.yaml"
UNLISTED = (MANIFEST, ATTESTATION)  # the only files the manifest does not list
MAX_BUNDLE_BYTES = 2 << 30


@dataclass
class Bundle:
    """An opened bundle: `files` maps bundle-relative posix paths to their bytes."""

    source: str
    files: dict[str, bytes] = field(default_factory=dict)
    _extracted: Path | None = field(default=None, init=False, repr=False)

    directory: Path | None = None  # the bundle's directory, when it was opened from one

    def read(self, rel: str) -> bytes:
        """The bytes of one file; an InputError naming the bundle and file when it is missing."""
        try:
            return self.files[rel]
        except KeyError:
            raise InputError(f"the bundle has no {rel}", where=self.source,
                             hint="is this a cxgov evidence bundle? `cxgov evidence verify` says what is wrong") from None

    def path(self, rel: str) -> Path:
        """A file of the bundle on disk: in the bundle's directory, or (for an archive) written once to
        a private temporary directory that lives as long as this Bundle."""
        data = self.read(rel)
        if self.directory is not None:
            return self.directory / rel
        if self._extracted is None:
            import shutil
            import tempfile
            import weakref

            self._extracted = Path(tempfile.mkdtemp(prefix="cxgov-bundle-"))
            weakref.finalize(self, shutil.rmtree, self._extracted, True)
        target = self._extracted / rel
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return target

    def json(self, rel: str) -> Any:
        try:
            return json.loads(self.read(rel))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{rel} is not valid JSON ({exc})", where=self.source) from None

    @cached_property
    def manifest(self) -> dict:
        return self.json(MANIFEST)

    @cached_property
    def summary(self) -> dict:
        return self.json(SUMMARY)

    @cached_property
    def findings(self) -> list[dict]:
        return self.json(FINDINGS)["findings"]

    @cached_property
    def controls(self) -> dict | None:
        """The control matrix, or None in a bundle written without one."""
        return self.json(CONTROLS) if CONTROLS in self.files else None

    @cached_property
    def config_text(self) -> str:
        return self.read(CONFIG).decode("utf-8")


def open_bundle(path: str | Path) -> Bundle:
    """A bundle directory or `.tar.gz`; InputError (exit 2) when it cannot be read as one."""
    path = Path(path)
    if path.is_dir():
        return Bundle(str(path), _read_dir(path), directory=path)
    if path.is_file():
        return Bundle(str(path), _read_tar(path))
    raise InputError("no such bundle (a directory or .tar.gz)", where=str(path))


def _read_dir(root: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = 0
    for item in sorted(root.rglob("*")):
        rel = item.relative_to(root).as_posix()
        if item.is_symlink():
            raise InputError("a bundle holds no symbolic links", where=f"{root}/{rel}")
        if item.is_dir():
            continue
        if not item.is_file():
            raise InputError("a bundle holds only regular files", where=f"{root}/{rel}")
        files[rel] = item.read_bytes()
        total += len(files[rel])
        if total > MAX_BUNDLE_BYTES:
            raise InputError("bundle larger than 2 GiB", where=str(root))
    return files


def _read_tar(path: Path) -> dict[str, bytes]:
    try:
        tar = tarfile.open(path, "r:*")
    except (tarfile.TarError, OSError) as exc:
        raise InputError(f"not a readable .tar.gz ({exc})", where=str(path)) from None
    files: dict[str, bytes] = {}
    total = 0
    with tar:
        try:
            members = tar.getmembers()
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise InputError(f"corrupt archive ({exc})", where=str(path)) from None
        roots = {PurePosixPath(m.name).parts[0] for m in members if m.name}
        if len(roots) != 1:
            raise InputError("a bundle archive holds exactly one top-level directory", where=str(path))
        for m in members:
            parts = PurePosixPath(m.name).parts
            if m.name.startswith("/") or ".." in parts:
                raise InputError(f"unsafe path {m.name!r} in the archive", where=str(path))
            if m.isdir():
                continue
            if not m.isfile():
                raise InputError(f"{m.name}: a bundle holds only regular files", where=str(path))
            rel = PurePosixPath(*parts[1:]).as_posix()
            if rel in files:
                raise InputError(f"{rel} appears twice in the archive", where=str(path))
            total += m.size
            if total > MAX_BUNDLE_BYTES:
                raise InputError("bundle larger than 2 GiB", where=str(path))
            try:
                files[rel] = tar.extractfile(m).read()
            except (tarfile.TarError, OSError, EOFError) as exc:
                raise InputError(f"{rel}: corrupt archive member ({exc})", where=str(path)) from None
    return files
