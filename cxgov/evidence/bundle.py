"""Reading an evidence bundle: a directory, or the `.tar.gz` of one, through one API.

`open_bundle(path)` streams every member once, hashing it as it goes (sha256 and size are what
`verify` compares), and never holds a whole large member in memory: a directory's files are read
again only when asked for, an archive's small members are kept and its large ones spooled to a
private temporary file. What a bundle never holds is refused: links, devices, absolute or `..`
paths, duplicate entries, more than 2 GiB in all. Empty directories are recorded, for `verify` to
name. A file read later is checked against the hash taken when the bundle was opened, so what a
reader parses is what was verified. Verify, show, replay, diff and drift all read through it, and
all but verify read only a bundle that verified (cxgov/evidence/trust.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tarfile
import tempfile
import weakref
from collections.abc import Iterator, Mapping
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
UI_BASELINE = "config/ui-baseline.yaml"  # the UI baseline the audit applied (cxgov.yaml ui.baseline)
DRIFT_HISTORY = "drift/history.json"  # the system's drift runs, when the config names a drift state file
UNLISTED = (MANIFEST, ATTESTATION)  # the only files the manifest does not list
MAX_BUNDLE_BYTES = 2 << 30
MAX_READ_BYTES = 256 << 20  # the largest file a reader parses (a bundle's JSON files are a few MB)
KEEP_IN_MEMORY = 1 << 20  # archive members up to this size are kept; larger ones are spooled to disk
KEEP_IN_MEMORY_TOTAL = 64 << 20
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Member:
    size: int
    sha256: str


class _Files(Mapping):
    """A bundle's files by bundle path, read on demand from where the bundle was opened."""

    def __init__(self, members: dict[str, Member], reader):
        self._members, self._reader = members, reader

    def __getitem__(self, rel: str) -> bytes:
        if rel not in self._members:
            raise KeyError(rel)
        return self._reader(rel)

    def __iter__(self) -> Iterator[str]:
        return iter(self._members)

    def __len__(self) -> int:
        return len(self._members)

    def __contains__(self, rel: object) -> bool:
        return rel in self._members


@dataclass
class Bundle:
    """An opened bundle: `files` maps bundle-relative posix paths to their bytes (read on demand)."""

    source: str
    files: Mapping[str, bytes] = field(default_factory=dict)
    directory: Path | None = None  # the bundle's directory, when it was opened from one
    empty_dirs: list[str] = field(default_factory=list)  # directories holding no file at any depth
    members: dict[str, Member] | None = None  # sha256 and size per file, taken as it was opened
    _extracted: Path | None = field(default=None, init=False, repr=False)

    def member(self, rel: str) -> Member:
        """sha256 and size of one file (computed once for a bundle built in memory)."""
        if self.members is None:
            self.members = {}
        if rel not in self.members:
            data = self.files[rel]
            self.members[rel] = Member(len(data), hashlib.sha256(data).hexdigest())
        return self.members[rel]

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
        return _open_dir(path)
    if path.is_file():
        return _open_tar(path)
    raise InputError("no such bundle (a directory or .tar.gz)", where=str(path))


def _hash_stream(read, where: str, budget: list[int], sink=None) -> Member:
    """sha256 and size of a stream read in chunks, counted against the bundle's 2 GiB."""
    digest, size = hashlib.sha256(), 0
    while True:
        chunk = read(_CHUNK)
        if not chunk:
            return Member(size, digest.hexdigest())
        size += len(chunk)
        budget[0] -= len(chunk)
        if budget[0] < 0:
            raise InputError("bundle larger than 2 GiB", where=where)
        digest.update(chunk)
        if sink is not None:
            sink(chunk)


def _checked(data: bytes, member: Member, rel: str, where: str) -> bytes:
    if len(data) != member.size or hashlib.sha256(data).hexdigest() != member.sha256:
        raise InputError(f"{rel} changed while the bundle was being read", where=where,
                         hint="read the bundle again when nothing is writing to it")
    return data


def _too_large(rel: str, member: Member, where: str) -> None:
    if member.size > MAX_READ_BYTES:
        raise InputError(f"{rel} is {member.size} bytes, more than a reader parses ({MAX_READ_BYTES >> 20} MiB)",
                         where=where, hint="a bundle's own files are a few MB; this one holds something else")


def _open_dir(root: Path) -> Bundle:
    members: dict[str, Member] = {}
    dirs: set[str] = set()
    budget = [MAX_BUNDLE_BYTES]
    def unreadable(exc: OSError) -> None:
        raise InputError(f"cannot read the bundle: {exc.strerror}", where=str(exc.filename or root))

    for top, subdirs, names in os.walk(root, onerror=unreadable, followlinks=False):
        base = Path(top)
        for name in sorted(subdirs) + sorted(names):
            item = base / name
            rel = item.relative_to(root).as_posix()
            mode = item.lstat().st_mode
            if stat.S_ISLNK(mode):
                raise InputError("a bundle holds no symbolic links", where=f"{root}/{rel}")
            if stat.S_ISDIR(mode):
                dirs.add(rel)
            elif not stat.S_ISREG(mode):
                raise InputError("a bundle holds only regular files", where=f"{root}/{rel}")
            else:
                with open(item, "rb") as fh:
                    members[rel] = _hash_stream(fh.read, str(root), budget)
    members = dict(sorted(members.items()))

    def read(rel: str) -> bytes:
        _too_large(rel, members[rel], str(root))
        try:
            data = (root / rel).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {rel}: {exc.strerror}", where=str(root)) from None
        return _checked(data, members[rel], rel, str(root))

    return Bundle(str(root), _Files(members, read), directory=root, empty_dirs=_empty(dirs, members),
                  members=members)


def _empty(dirs: set[str], members: Mapping[str, Member]) -> list[str]:
    """Directories no file sits in, at any depth."""
    holding = {p.as_posix() for rel in members for p in PurePosixPath(rel).parents}
    return sorted(d for d in dirs if d not in holding)


def _open_tar(path: Path) -> Bundle:
    """Stream the archive once: hash every member, keep small ones, spool large ones to a private file."""
    kept: dict[str, bytes | Path] = {}
    members: dict[str, Member] = {}
    dirs: set[str] = set()
    budget, in_memory = [MAX_BUNDLE_BYTES], [0]
    spool: list[Path] = []
    top = None
    try:
        tar = tarfile.open(path, "r|*")
    except (tarfile.TarError, OSError) as exc:
        raise InputError(f"not a readable .tar.gz ({exc})", where=str(path)) from None
    try:
        with tar:
            for m in tar:
                parts = PurePosixPath(m.name).parts
                if not m.name or m.name.startswith("/") or ".." in parts:
                    raise InputError(f"unsafe path {m.name!r} in the archive", where=str(path))
                if top is None:
                    top = parts[0]
                elif parts[0] != top:
                    raise InputError("a bundle archive holds exactly one top-level directory", where=str(path))
                rel = PurePosixPath(*parts[1:]).as_posix() if len(parts) > 1 else ""
                if m.isdir():
                    if rel:
                        dirs.add(rel)
                    continue
                if not m.isfile():
                    raise InputError(f"{m.name}: a bundle holds only regular files", where=str(path))
                if not rel:
                    raise InputError("a bundle archive holds exactly one top-level directory", where=str(path))
                if rel in members:
                    raise InputError(f"{rel} appears twice in the archive", where=str(path))
                members[rel], kept[rel] = _take(tar, m, rel, str(path), budget, in_memory, spool)
    except (tarfile.TarError, OSError, EOFError) as exc:
        for file in spool:
            file.unlink(missing_ok=True)
        raise InputError(f"corrupt archive ({exc})", where=str(path)) from None
    except BaseException:
        for file in spool:
            file.unlink(missing_ok=True)
        raise
    if top is None:
        raise InputError("an empty archive is not a bundle", where=str(path))
    members = dict(sorted(members.items()))

    def read(rel: str) -> bytes:
        _too_large(rel, members[rel], str(path))
        value = kept[rel]
        data = value if isinstance(value, bytes) else value.read_bytes()
        return _checked(data, members[rel], rel, str(path))

    bundle = Bundle(str(path), _Files(members, read), empty_dirs=_empty(dirs, members), members=members)
    for file in spool:
        weakref.finalize(bundle, file.unlink, True)
    return bundle


def _take(tar, m: tarfile.TarInfo, rel: str, where: str, budget: list[int], in_memory: list[int],
          spool: list[Path]) -> tuple[Member, bytes | Path]:
    """One archive member, hashed as it streams: its bytes, or the private file it was spooled to."""
    stream = tar.extractfile(m)
    if m.size <= KEEP_IN_MEMORY and in_memory[0] + m.size <= KEEP_IN_MEMORY_TOTAL:
        chunks: list[bytes] = []
        member = _hash_stream(stream.read, where, budget, chunks.append)
        in_memory[0] += member.size
        return member, b"".join(chunks)
    fd, name = tempfile.mkstemp(prefix="cxgov-member-")
    spool.append(Path(name))
    with os.fdopen(fd, "wb") as fh:
        member = _hash_stream(stream.read, where, budget, fh.write)
    return member, Path(name)
