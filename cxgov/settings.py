"""Defaults from a config file, so a repository can pin its policy paths, namespaces and outputs.

`cxgov.toml` (top-level keys or a `[check]` table) is read first; failing that, a conftest
`conftest.toml`, so a team's existing conftest set-up works unchanged. Keys are the long option
names (`policy`, `namespace`, `all-namespaces`, `fail-on-warn`, ...).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cxgov.errors import UsageError

CANDIDATES = ("cxgov.toml", "conftest.toml")
MULTIPLE = {"policy", "data", "namespace", "include", "exclude", "output"}


def find_config(explicit: str | None, cwd: Path | None = None) -> Path | None:
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise UsageError("config file not found", where=explicit)
        return path
    cwd = cwd or Path.cwd()
    return next((cwd / name for name in CANDIDATES if (cwd / name).is_file()), None)


def check_defaults(path: Path | None) -> dict[str, Any]:
    """The `check` command's option defaults from the config file, as click's default_map wants them."""
    if path is None:
        return {}
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"invalid config file: {exc}", where=str(path)) from None
    table = raw.get("check", raw) if isinstance(raw.get("check"), dict) else raw
    defaults: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            continue
        name = key.replace("-", "_")
        if name in MULTIPLE and not isinstance(value, list):
            value = [value]
        defaults[name] = value
    return defaults
