"""The embedded OPA: loading the pinned library, and reading its errors as `file:line: message`.

OPA v1.20.2's Go `rego` package, built into a c-shared library (PyPI `opa-golib-python-bindings`).
Nothing else evaluates Rego in process: if it is missing or does not load, the run stops (exit 2)
naming the command that installs it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cxgov.errors import EngineError, PolicyError

OPA_BINDINGS_PIN = "0.4.4"
OPA_VERSION = "v1.20.2"
ENGINE_VERSION = f"OPA {OPA_VERSION} (embedded)"
INSTALL_COMMAND = f"pip install --no-deps --ignore-requires-python opa-golib-python-bindings=={OPA_BINDINGS_PIN}"


def new_opa() -> Any:
    """A fresh `opa_bindings.OpaEngine` with Rego print() kept off cxgov's own output."""
    try:
        from opa_bindings import OpaEngine
    except ImportError:
        raise EngineError("the embedded OPA engine is not installed", hint=f"run `{INSTALL_COMMAND}`") from None
    try:
        engine = OpaEngine()
    except OSError as exc:  # the shared library exists but does not load (another platform, a broken file)
        raise EngineError(f"the embedded OPA engine does not load: {exc}",
                          hint=f"reinstall it: `{INSTALL_COMMAND}`") from None
    engine.print_handler = lambda message, location: None
    return engine


def loaded_opa(data: dict, modules: dict[str, str]) -> Any:
    """A fresh OPA holding `data` and `modules`; a module OPA refuses is a PolicyError naming file:line."""
    opa = new_opa()
    try:
        opa.add_data(data)
        for path, source in modules.items():
            opa.add_policy(path, source)
    except opa_error_type() as exc:
        opa.close()
        raise policy_error(exc, sources=modules) from None
    return opa


def go_runtime_loaded() -> bool:
    """Whether this process has loaded OPA's Go runtime: then it must never fork (a forked child
    inherits Go's threads in an unknown state and hangs), only spawn or forkserver."""
    import sys

    engine = sys.modules.get("opa_bindings.engine")
    return engine is not None and getattr(engine, "_lib", None) is not None


class _Unavailable(Exception):
    """Stands for the library's error types when it cannot be imported (nothing raises it)."""


def opa_error_type() -> type[Exception]:
    """The library's OpaError, for `except` clauses (which are evaluated even when the library is
    missing and new_opa() raised the EngineError that says so)."""
    try:
        from opa_bindings import OpaError
    except ImportError:
        return _Unavailable
    return OpaError


def undefined_error_type() -> type[Exception]:
    try:
        from opa_bindings import OpaUndefinedError
    except ImportError:
        return _Unavailable
    return OpaUndefinedError


# OPA's error text: "[bundle activation failed: ][N errors occurred: ]FILE:ROW: CODE: MESSAGE[\n\tdetails]"
_PREFIXES = re.compile(r"^(?:bundle activation failed: |\d+ errors? occurred:\s*)+")
_LOCATED = re.compile(r"^(?P<file>[^\n]+?):(?P<row>\d+): (?P<code>rego_[a-z_]+_error|eval_[a-z_]+_error): (?P<msg>.*)$")


def describe(message: str, sources: Mapping[str, str] | None = None) -> str:
    """The first error of an OPA error text as `file:line:col: code: message`, with the count of
    further errors. The column is the caret OPA draws under a parse error; OPA's other errors name
    only a line, so the column is found in the module's source (`sources`, path -> Rego): the
    builtin, function, operator or variable the message names, else the line's first token."""
    text = _PREFIXES.sub("", message.strip())
    errors = [line.strip() for line in text.splitlines() if _LOCATED.match(line.strip())]
    if not errors:
        return " ".join(text.split())[:500]
    first = _LOCATED.match(errors[0])
    assert first is not None
    where = f"{first['file']}:{first['row']}"
    col = _caret_column(text.split(errors[0], 1)[1]) or _source_column(sources, first["file"], int(first["row"]),
                                                                       first["msg"])
    if col:
        where += f":{col}"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['code']}: {first['msg']}{more}"


def _caret_column(details: str) -> int | None:
    """OPA prints the offending line and a `^` under the column, both indented by one tab."""
    lines = details.split("\n")
    for i in range(1, min(len(lines), 4)):
        stripped = lines[i].removeprefix("\t")
        if stripped.strip() == "^" and lines[i - 1].startswith("\t"):
            return stripped.index("^") + 1
    return None


# what OPA calls an operator in its messages (`plus: operand 1 must be number`), as written in Rego
_OPERATORS = {"plus": "+", "minus": "-", "mul": "*", "div": "/", "rem": "%", "equal": "==", "neq": "!=", "lt": "<",
              "lte": "<=", "gt": ">", "gte": ">=", "and": "&", "or": "|", "assign": ":=", "eq": "="}
# the name an error message is about: `undefined function nope`, `var x is unsafe`, `undefined ref:
# data.a.b`, `rule data.p.x is recursive`, or a builtin's name before its own message (`concat: ...`)
_NAMED = re.compile(r"(?:undefined function |undefined ref: |var |rule |function )(?P<name>[\w.\[\]\"]+)|"
                    r"^(?P<builtin>[a-z_][\w.]*): ")


def _source_column(sources: Mapping[str, str] | None, file: str, row: int, msg: str) -> int | None:
    """The 1-based column of what `msg` names on line `row` of `file`, or of the line's first token."""
    if not sources or file not in sources:
        return None
    lines = sources[file].splitlines()
    if not 0 < row <= len(lines):
        return None
    line = lines[row - 1]
    match = _NAMED.search(msg)
    if match:
        name = match["name"] or match["builtin"]
        for candidate in (f"{name}(", _OPERATORS.get(name), name.rsplit(".", 1)[-1]):
            if not candidate:
                continue
            found = re.search(r"(?<![\w.])" + re.escape(candidate) if candidate[0].isalnum() else re.escape(candidate),
                              line)
            if found:
                return found.start() + 1
    stripped = line.lstrip()
    return len(line) - len(stripped) + 1 if stripped else None


def policy_error(exc: Exception, hint: str = "fix the policy", sources: Mapping[str, str] | None = None) -> PolicyError:
    """A compile or parse failure of OPA as a PolicyError naming file:line:col."""
    return PolicyError(describe(getattr(exc, "message", str(exc)), sources), hint=hint)


def is_compile_error(exc: Exception) -> bool:
    return getattr(exc, "code", "") in ("parse_error", "prepare_error", "compile_error")
