"""A cache of what reading a policy set found, so a run does not tokenise and lint unchanged Rego.

Reading the builtin packs (171 files) costs more than anything else in a one-file `cxgov check`.
What it yields depends only on the sources, the data's named dates and the options, so it is
kept under a key that hashes exactly those (and cxgov's version): a changed byte is a miss, never
a stale answer. Only clean loads are stored (lint warnings included); a cache that cannot be read
or written is ignored. `CXGOV_CACHE_DIR` moves it; `CXGOV_CACHE_DIR=off` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

FORMAT = 1
KEEP = 32  # records kept; the least recently written go first


def directory() -> Path | None:
    configured = os.environ.get("CXGOV_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cxgov" / "policies"


def key(sources: list[tuple[str, str, bool]], options: dict[str, Any]) -> str:
    from cxgov import __version__

    h = hashlib.sha256(json.dumps([FORMAT, __version__, options], sort_keys=True).encode())
    for path, source, is_builtin in sources:
        h.update(f"\0{path}\0{int(is_builtin)}\0".encode() + source.encode())
    return h.hexdigest()


def read(cache_key: str) -> dict[str, Any] | None:
    folder = directory()
    if folder is None:
        return None
    try:
        record = json.loads((folder / f"{cache_key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("format") == FORMAT else None


def write(cache_key: str, record: dict[str, Any]) -> None:
    from cxgov.paths import write_atomically  # readers see the whole record or none

    folder = directory()
    if folder is None:
        return
    try:
        write_atomically(folder / f"{cache_key}.json", json.dumps({**record, "format": FORMAT}))
        records = sorted(folder.glob("*.json"), key=lambda f: f.stat().st_mtime)
        for old in records[:-KEEP]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def to_record(policies) -> dict[str, Any]:
    """What a load found, without tokens: each module's summary, the rules' METADATA, lint warnings."""
    import dataclasses

    from cxgov.engine.policyset import references

    tests = {id(t) for t in policies.tests}
    by_package: dict[str, list] = {}
    for m in policies.modules:
        by_package.setdefault(m.package, []).append(m)
    return {
        "modules": [{"path": m.path, "package": m.package, "package_line": m.package_line, "imports": m.imports,
                     "rules": [[r.name, r.line, r.col, r.is_default, r.is_function] for r in m.rules],
                     "refs": sorted(references(m, by_package)), "test": id(m) in tests}
                    for m in [*policies.modules, *policies.tests]],
        "rules": [[package, name, dataclasses.asdict(info)] for (package, name), info in policies.rules.items()],
        "warnings": [dataclasses.asdict(w) for w in policies.warnings],
        "builtin_paths": sorted(policies.builtin_paths),
    }


def from_record(record: dict[str, Any], sources: list[tuple[str, str, bool]], data: dict[str, Any],
                allow_nondeterministic: bool):
    """The PolicySet a load would build, from a record and the same sources; None if they disagree."""
    from cxgov.engine.lint import LintError
    from cxgov.engine.policyset import PolicySet
    from cxgov.engine.rego_source import Module, Rule
    from cxgov.model import RuleInfo

    text = {path: source for path, source, _ in sources}
    modules, tests = [], []
    for entry in record["modules"]:
        if entry["path"] not in text:
            return None
        module = Module(entry["path"], text[entry["path"]], entry["package"], entry["package_line"], entry["imports"],
                        [Rule(n, line, col, None, d, f) for n, line, col, d, f in entry["rules"]],
                        refs=frozenset(entry["refs"]))
        (tests if entry["test"] else modules).append(module)
    rules = {(package, name): RuleInfo(**{**info, "applies_to": tuple(info["applies_to"])})
             for package, name, info in record["rules"]}
    return PolicySet(modules, tests, data, rules, set(record["builtin_paths"]),
                     warnings=[LintError(**w) for w in record["warnings"]], allow_nondeterministic=allow_nondeterministic)
