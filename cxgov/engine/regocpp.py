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
    try:
        value = json.loads(text)
    except ValueError:
        # rego-cpp writes strings that hold `"` or `\` without escaping them: read the tree instead
        return _from_tree(interp, bundle, entrypoint)
    if isinstance(value, list):
        raise QueryError("the entrypoint returned several results")
    expressions = value.get("expressions") or []
    return expressions[0] if expressions else None


def _from_tree(interp, bundle, entrypoint: str) -> Any:
    from regopy.node import Node
    from regopy.rego_shared import NodeKind, rego_bundle_query_entrypoint, rego_free_output, rego_output_expressions_at_index

    impl = rego_bundle_query_entrypoint(interp._impl, bundle._impl, entrypoint)
    try:
        return _plain(Node(rego_output_expressions_at_index(impl, 0)), NodeKind)
    finally:
        rego_free_output(impl)


def _plain(node, kinds) -> Any:
    """A result node as a Python value. Strings some builtins produce keep their JSON quotes inside
    rego-cpp; those (and only well-formed ones) are decoded."""
    kind = node.kind
    if kind in (kinds.Term, kinds.Scalar) or (kind == kinds.Terms and len(node._children) == 1):
        return _plain(node.at(0), kinds)
    if kind == kinds.String:
        text = node.value
        if len(text) >= 2 and text[0] == text[-1] == '"':
            try:
                decoded = json.loads(text)
                return decoded if isinstance(decoded, str) else text
            except ValueError:
                # quoted but not escaped: a made string holding `"` (a CSS selector `meta[name="x"]`)
                return text[1:-1]
        return text
    if kind in (kinds.Int, kinds.Float, kinds.Boolean, kinds.Null):
        return node.value
    if kind == kinds.Object:
        return {_key(k): _plain(v, kinds) for k, v in node._children.items()}
    if kind == kinds.Set:
        return [_plain(v, kinds) for v in node._children.values()]
    return [_plain(node.at(i), kinds) for i in range(len(node._children))]


def _key(raw: str) -> str:
    try:
        decoded = json.loads(raw)
    except ValueError:
        return raw
    return decoded if isinstance(decoded, str) else raw


def _error_message(text: str) -> str:
    """The text of the first `(errormsg LEN:TEXT)` in rego-cpp's s-expression output."""
    marker = "(errormsg "
    i = text.find(marker)
    if i < 0:
        return ""
    length, _, rest = text[i + len(marker):].partition(":")
    return rest[: int(length)] if length.isdigit() else rest.split(")")[0]
