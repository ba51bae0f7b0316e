"""What a repository holds, for `cxgov init`: its Kubernetes manifests, Terraform (plan JSON and
`.tf`) and any descriptor, each file read as `cxgov check` reads it, and the paths to list in
cxgov.yaml so that the audit reads exactly the files that were readable."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from cxgov.errors import CxgovError
from cxgov.model import Subject
from cxgov.sources import manifests
from cxgov.sources.readers import EXTENSIONS  # what `cxgov check` reads in a directory, so init reads it too

SKIPPED_DIRS = {"node_modules", "venv", "env", "__pycache__", "site-packages", "dist", "build",
                "evidence-bundles", "wcag-artifacts"}  # and every hidden directory (.git, .venv, .terraform)
WRITTEN_BY_INIT = {"cxgov.yaml", "waivers.yaml"}
MAX_FILES = 5000  # a repository larger than this is drafted from its first files, and says so


@dataclass
class Inventory:
    subjects: list[Subject] = field(default_factory=list)
    kubernetes: list[str] = field(default_factory=list)  # files, relative posix paths
    terraform: list[str] = field(default_factory=list)
    descriptors: list[str] = field(default_factory=list)  # every file holding an AISystem descriptor
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    unscanned: list[str] = field(default_factory=list)  # directories skipped (SKIPPED_DIRS)
    truncated: bool = False
    root: Path = Path(".")  # the repository scanned: subjects' files are relative to it

    @property
    def descriptor(self) -> str | None:
        return self.descriptors[0] if self.descriptors else None

    def manifests(self) -> list[str]:
        return group(self.kubernetes, self._bad())

    def plans(self) -> list[str]:
        return group(self.terraform, self._bad())

    def _bad(self) -> set[str]:
        """What a directory listed in cxgov.yaml must not hold: files that could not be read, and
        directories init did not look into (`cxgov check` would)."""
        return {path for path, _ in self.unreadable} | set(self.unscanned)


def candidates(root: Path, unscanned: list[str] | None = None) -> tuple[list[str], bool]:
    """Files `cxgov check` would read, relative to root, in a stable order; and whether there were more."""
    found = []
    for current, dirs, files in os.walk(root):
        rel = Path(current).relative_to(root)
        if unscanned is not None:
            unscanned += [(rel / d).as_posix() for d in dirs if d in SKIPPED_DIRS and d != "node_modules"]
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        for name in sorted(files):
            # dependency manifests and .env files, by name: the shadow-AI detection reads them
            if os.path.splitext(name)[1].lower() not in EXTENSIONS and manifests.kind_of(name) is None:
                continue
            if rel == Path(".") and name in WRITTEN_BY_INIT:
                continue
            found.append((rel / name).as_posix())
            if len(found) >= MAX_FILES:
                return found, True
    return found, False


def scan(root: Path) -> Inventory:
    from cxgov.sources.files import FileSource

    out = Inventory(root=root)
    files, out.truncated = candidates(root, out.unscanned)
    for rel in files:
        try:
            subjects = list(FileSource([str(root / rel)], root=root).subjects())
        except CxgovError as exc:
            out.unreadable.append((rel, exc.message))
            continue
        kinds = {s.kind for s in subjects}
        if "descriptor" in kinds:
            out.descriptors.append(rel)
        if "kubernetes" in kinds:
            out.kubernetes.append(rel)
        if "terraform-plan" in kinds or rel.endswith(".tf"):
            out.terraform.append(rel)
        out.subjects += [s for s in subjects if s.kind in ("kubernetes", "terraform-plan", "dependencies", "dotenv")]
    return out


def group(files: list[str], unreadable: set[str]) -> list[str]:
    """The paths to list for these files: their directories, unless a directory also holds a file
    that could not be read (then the files one by one); files at the top level one by one."""
    chosen: set[str] = set()
    for file in files:
        parent = str(PurePosixPath(file).parent)
        clean = parent != "." and not any(bad == parent or bad.startswith(parent + "/") for bad in unreadable)
        chosen.add(parent if clean else file)
    # a directory inside another chosen one is read with it
    return sorted(p for p in chosen if not any(p != q and p.startswith(q + "/") for q in chosen))
