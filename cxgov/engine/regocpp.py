"""The few low-level rego-cpp calls cxgov makes, in one place: compile a bundle, query an entrypoint."""

from __future__ import annotations

import json
from typing import Any

from cxgov.errors import PolicyError
from cxgov.engine.capture import captured_output
from cxgov.engine.compile_errors import describe_compile_error


class QueryError(Exception):
    """An entrypoint could not be evaluated; the message is rego-cpp's, cleaned up."""


def compile_bundle(data: dict, sources: dict[str, str], entrypoints: list[str]):
    """An interpreter and a bundle with one entrypoint per rule; PolicyError as `file:line:col: message`.

    rego-cpp aborts the process on some policies: call this in a worker process (as the engine
    and the test runner do), so that is a crashed worker, not the death of cxgov.
    """
    from regopy import Interpreter, RegoError

    interp = Interpreter()
    interp.strict_built_in_errors = True  # a failing builtin is an error, not an undefined (= passing) rule
    with captured_output():  # rego-cpp also prints every compile error itself
        try:
            interp.add_data(data)
            for path, source in sources.items():
                interp.add_module(path, source)
            bundle = interp.build(None, entrypoints)
        except RegoError as exc:
            raise PolicyError(describe_compile_error(str(exc), sources), hint="fix the policy") from None
    if not bundle.ok():
        raise PolicyError("the embedded engine could not compile the policies")
    return interp, bundle


def query(interp, bundle, entrypoint: str) -> Any:
    """The entrypoint's value under the interpreter's current input, or None when undefined."""
    from regopy.rego_shared import rego_bundle_query_entrypoint, rego_free_output, rego_output_ok, rego_output_string

    impl = rego_bundle_query_entrypoint(interp._impl, bundle._impl, entrypoint)
    try:
        text, ok = rego_output_string(impl), rego_output_ok(impl)
    finally:
        rego_free_output(impl)
    if not ok or text.startswith("("):
        raise QueryError(_error_message(text) or "evaluation failed")
    if text == "undefined":
        return None
    value = json.loads(text)
    if isinstance(value, list):
        raise QueryError("the entrypoint returned several results")
    expressions = value.get("expressions") or []
    return expressions[0] if expressions else None


def _error_message(text: str) -> str:
    """The text of the first `(errormsg LEN:TEXT)` in rego-cpp's s-expression output."""
    marker = "(errormsg "
    i = text.find(marker)
    if i < 0:
        return ""
    length, _, rest = text[i + len(marker):].partition(":")
    return rest[: int(length)] if length.isdigit() else rest.split(")")[0]
