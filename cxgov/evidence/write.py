"""Writing a bundle to disk: a directory and a deterministic .tar.gz beside it, all or nothing.

Both are staged next to the target (same file system, so the final step is a rename) and only
renamed into place once complete; a failure or Ctrl-C removes the staging and leaves no
half-written bundle. The archive is byte-identical for identical files: entries sorted, one
top-level directory, mtimes from the bundle's epoch (SOURCE_DATE_EPOCH or the evaluation date),
owner 0:0 without names, modes 0644/0755, PAX format, gzip header mtime 0 and no file name.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from cxgov.errors import UsageError


def archive_bytes(files: dict[str, bytes], top: str, epoch: int) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        dirs = sorted({p.as_posix() for rel in files for p in PurePosixPath(rel).parents if p.as_posix() != "."})
        for name in [top] + [f"{top}/{d}" for d in dirs]:
            tar.addfile(_info(name, epoch, tarfile.DIRTYPE, 0o755, 0))
        for rel in sorted(files):
            data = files[rel]
            tar.addfile(_info(f"{top}/{rel}", epoch, tarfile.REGTYPE, 0o644, len(data)), io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def _info(name: str, epoch: int, kind: bytes, mode: int, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.size, info.mtime = kind, mode, size, epoch
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def refuse_existing(target: Path) -> None:
    """UsageError when a bundle (directory or .tar.gz) is already at `target`."""
    for existing in (target, target.with_name(target.name + ".tar.gz")):
        if existing.exists():
            raise UsageError("a bundle already exists here", where=str(existing),
                             hint="choose another --out, or pass --overwrite")


def write_bundle_files(files: dict[str, bytes], target: Path, epoch: int, *, overwrite: bool = False) -> tuple[Path, Path]:
    """`target/` and `target.tar.gz`; refuses to replace an existing bundle unless `overwrite`."""
    target = Path(target)
    archive = target.with_name(target.name + ".tar.gz")
    if not overwrite:
        refuse_existing(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    old = target.with_name(f".{target.name}.old")
    try:
        tree = stage / target.name
        for rel in sorted(files):
            path = tree / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(files[rel])
            os.chmod(path, 0o644)
        staged_archive = stage / archive.name
        staged_archive.write_bytes(archive_bytes(files, target.name, epoch))
        os.chmod(staged_archive, 0o644)
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
        os.replace(tree, target)
        try:
            os.replace(staged_archive, archive)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)  # no directory without its archive
            if old.exists():
                os.replace(old, target)
            raise
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return target, archive
