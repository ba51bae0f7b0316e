"""How cxgov names files in its output (relative to the run's root, with forward slashes), and how it
writes one (atomically)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def display_path(path: str | Path, root: str | Path) -> str:
    """`path` relative to `root` when it lies inside it, else as given; always posix-style."""
    p = Path(path)
    try:
        return p.resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return p.as_posix()


def write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a failure never leaves a half-written output.

    A symlink, device or pipe (`-o json=/dev/stdout`) is written through, not replaced; a new
    file gets the usual permissions (umask), not the temporary file's private ones.
    """
    if path.is_symlink() or (path.exists() and not path.is_file()):
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
