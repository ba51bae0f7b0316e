"""The embedded OPA: loading the pinned library, and reading its errors as `file:line: message`.

OPA v1.20.2's Go `rego` package, built into a c-shared library (PyPI `opa-golib-python-bindings`).
Nothing else evaluates Rego in process: if it is missing or does not load, the run stops (exit 2)
naming the command that installs it.
"""

from __future__ import annotations

import re
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
        raise policy_error(exc) from None
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


def describe(message: str) -> str:
    """The first error of an OPA error text as `file:line[:col]: code: message` (col from the caret
    OPA draws under a parse error), with the count of further errors."""
    text = _PREFIXES.sub("", message.strip())
    errors = [line.strip() for line in text.splitlines() if _LOCATED.match(line.strip())]
    if not errors:
        return " ".join(text.split())[:500]
    first = _LOCATED.match(errors[0])
    assert first is not None
    where = f"{first['file']}:{first['row']}"
    col = _caret_column(text.split(errors[0], 1)[1])
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


def policy_error(exc: Exception, hint: str = "fix the policy") -> PolicyError:
    """A compile or parse failure of OPA as a PolicyError naming file:line."""
    return PolicyError(describe(getattr(exc, "message", str(exc))), hint=hint)


def is_compile_error(exc: Exception) -> bool:
    return getattr(exc, "code", "") in ("parse_error", "prepare_error", "compile_error")
