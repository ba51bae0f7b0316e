"""How cxgov names files in its output: relative to the run's root, with forward slashes."""

from __future__ import annotations

from pathlib import Path


def display_path(path: str | Path, root: str | Path) -> str:
    """`path` relative to `root` when it lies inside it, else as given; always posix-style."""
    p = Path(path)
    try:
        return p.resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return p.as_posix()
