"""Defaults from a config file, so a repository can pin its policy paths, namespaces and outputs.

`cxgov.toml` (top-level keys or a `[check]` table) is read first; failing that, a conftest
`conftest.toml`, so a team's existing conftest set-up works unchanged. Both are looked for in the
working directory and then in each parent up to the repository root (the directory holding `.git`),
the nearest first; outside a repository only the working directory counts. Paths in a file found
in a parent directory are relative to that file.

Keys are the long option names of `cxgov check` (`policy`, `namespace`, `all-namespaces`,
`fail-on-warn`, `no-models`, ...), checked against those options: an unknown key, or a value of the
wrong kind, is an error naming the file, the line and the nearest valid key; nothing is silently
ignored. A conftest option cxgov has no use for (`trace`, `update`, ...) in a conftest.toml is
named on stderr and left out.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cxgov.errors import UsageError

CANDIDATES = ("cxgov.toml", "conftest.toml")
MULTIPLE = {"policy", "data", "namespace", "include", "exclude", "output"}
#: options whose values are paths, rebased when the file was found in a parent directory
PATH_KEYS = {"policy", "data", "waivers", "baseline", "axe_source", "ui_artifacts"}
#: conftest options cxgov has no use for: named, then left out (conftest.toml only)
CONFTEST_ONLY = {"trace", "update", "ignore", "capabilities", "strict", "suppress-exceptions", "show-builtin-errors",
                 "proto-file-dirs", "tls", "junit-hide-message", "file", "no-fail-on-warn"}
#: conftest's output names that cxgov calls otherwise
CONFTEST_OUTPUTS = {"stdout": "text", "json": "conftest-json", "azuredevops": "text", "tap": "tap", "table": "table",
                    "junit": "junit", "github": "github", "sarif": "sarif"}


def find_config(explicit: str | None, cwd: Path | None = None) -> Path | None:
    """--config, else the nearest cxgov.toml or conftest.toml from the working directory up to the
    repository root."""
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise UsageError("config file not found", where=explicit)
        return path
    cwd = (cwd or Path.cwd()).absolute()
    chain = [cwd, *cwd.parents]
    repo = next((i for i, d in enumerate(chain) if (d / ".git").exists()), None)
    for directory in chain[: repo + 1] if repo is not None else [cwd]:
        for name in CANDIDATES:
            if (directory / name).is_file():
                found = directory / name
                return found.relative_to(cwd) if directory == cwd else found
    return None


@dataclass(frozen=True)
class Key:
    """What a config key stands for: an option's parameter, and whether the key is its negation."""

    param: Any  # a click.Parameter
    negated: bool = False


def option_keys(params) -> dict[str, Key]:
    """Config keys for a command's long options: `fail-on`, `models` and `no-models`, ..."""
    keys: dict[str, Key] = {}
    for p in params:
        if getattr(p, "param_type_name", "") != "option" or p.name in ("help",):
            continue
        for opt in p.opts:
            if opt.startswith("--"):
                keys[opt[2:]] = Key(p)
        for opt in getattr(p, "secondary_opts", []):
            if opt.startswith("--"):
                keys[opt[2:]] = Key(p, negated=True)
    return keys


def _line(text: str, key: str) -> int | None:
    pattern = re.compile(rf"""^\s*(["']?){re.escape(key)}\1\s*=""")
    return next((i for i, line in enumerate(text.splitlines(), 1) if pattern.match(line)), None)


def _where(path: Path, text: str, key: str) -> str:
    line = _line(text, key)
    return f"{path}:{line}" if line else str(path)


def _kind_error(key: str, value: Any, param) -> str | None:
    """Why `value` cannot stand for option `param`, or None."""
    import click

    if getattr(param, "is_flag", False) and not getattr(param, "count", False):
        return None if isinstance(value, bool) else f"{key} takes true or false, not {value!r}"
    values = value if isinstance(value, list) and param.multiple else [value]
    if isinstance(value, list) and not param.multiple:
        return f"{key} takes one value, not a list"
    for v in values:
        if isinstance(v, (dict, list)) or isinstance(v, bool):
            return f"{key} takes {'a list of ' if param.multiple else ''}text, not {v!r}"
        if isinstance(param.type, click.Choice) and str(v) not in param.type.choices:
            near = difflib.get_close_matches(str(v), list(param.type.choices), n=1)
            return (f"{key} = {v!r} is not one of " + ", ".join(param.type.choices)
                    + (f" (did you mean {near[0]!r}?)" if near else ""))
        if isinstance(param.type, (click.types.IntParamType, click.types.FloatParamType)):
            try:
                param.type.convert(v, param, None)
            except click.BadParameter as exc:
                return f"{key}: {exc.message}"
    return None


def check_defaults(path: Path | None, params=None) -> dict[str, Any]:
    """The `check` command's option defaults from the config file, as click's default_map wants them.
    `params`: the command's click parameters, which the keys are checked against."""
    if path is None:
        return {}
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"invalid config file: {exc}", where=str(path)) from None
    conftest = path.name == "conftest.toml"
    table = {k: v for k, v in raw.items() if not isinstance(v, dict)}
    for name, value in raw.items():
        if not isinstance(value, dict):
            continue
        if name != "check" or conftest:
            near = difflib.get_close_matches(name, ["check"], n=1)
            raise UsageError(f"unknown table [{name}]", where=f"{path}:{_table_line(text, name) or 1}",
                             hint=(f"did you mean [{near[0]}]? " if near else "")
                             + "options go at the top level or under [check]")
        table.update(value)
    keys = option_keys(params) if params is not None else None
    defaults: dict[str, Any] = {}
    for key, value in table.items():
        if conftest and key in CONFTEST_ONLY:
            import click

            click.echo(f"cxgov: note: {_where(path, text, key)}: conftest's {key!r} has no cxgov equivalent; "
                       "left out", err=True)
            continue
        if keys is None:  # no command to check against: as given
            name = key.replace("-", "_")
            defaults[name] = [value] if name in MULTIPLE and not isinstance(value, list) else value
            continue
        spec = keys.get(key) or keys.get(key.replace("_", "-"))
        if spec is None:
            near = difflib.get_close_matches(key, sorted(keys), n=1, cutoff=0.5)
            raise UsageError(f"unknown key {key!r}", where=_where(path, text, key),
                             hint=(f"did you mean {near[0]!r}? " if near else "") + "keys are `cxgov check` options "
                             "without their dashes (see `cxgov check --help`)")
        param = spec.param
        if conftest and param.name == "output":
            value = [CONFTEST_OUTPUTS.get(v, v) if isinstance(v, str) else v
                     for v in (value if isinstance(value, list) else [value])]
        problem = _kind_error(key, value, param)
        if problem:
            raise UsageError(problem, where=_where(path, text, key))
        if spec.negated:
            value = not value
        if param.multiple and not isinstance(value, list):
            value = [value]
        if param.name in PATH_KEYS and path.parent != Path("."):
            value = _rebased(value, path.parent)
        defaults[param.name] = value
    return defaults


def _table_line(text: str, name: str) -> int | None:
    pattern = re.compile(rf"^\s*\[\s*{re.escape(name)}\s*\]")
    return next((i for i, line in enumerate(text.splitlines(), 1) if pattern.match(line)), None)


def _rebased(value: Any, base: Path) -> Any:
    """Relative paths of a file found in a parent directory, made absolute: relative to that file."""
    if isinstance(value, list):
        return [_rebased(v, base) for v in value]
    if not isinstance(value, str) or os.path.isabs(value):
        return value
    return os.path.normpath(base.absolute() / value)
