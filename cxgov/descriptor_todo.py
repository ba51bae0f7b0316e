"""The TODO marker of a drafted descriptor: a field only a person can fill in, not filled in yet.

`cxgov init` writes the value `TODO` for such fields (data classification, personal data, retention,
the DPA, the AI Act risk class, the owner). Validation and the rules treat a TODO field as absent,
so a drafted descriptor loads and every rule that needs the field reports it missing; the builtin
rule GOV-004 (policies/governance/gov_todo_descriptor_todos.rego) reports each TODO itself, at its line.
"""

from __future__ import annotations

from typing import Any

MARK = "TODO"


def is_todo(value: Any) -> bool:
    return isinstance(value, str) and value == MARK


def todo_paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path (keys and list indexes) whose value is the marker, in document order."""
    if is_todo(node):
        return [prefix]
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in todo_paths(v, (*prefix, k))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in todo_paths(v, (*prefix, i))]
    return []


def without_todo(node: Any) -> Any:
    """The document with every TODO field left out (a TODO list item too): what validation and the
    rules other than GOV-004 see. Returns the node itself when it holds no TODO."""
    if isinstance(node, dict):
        out = {k: without_todo(v) for k, v in node.items() if not is_todo(v)}
        return node if len(out) == len(node) and all(out[k] is node[k] for k in out) else out
    if isinstance(node, list):
        out = [without_todo(v) for v in node if not is_todo(v)]
        return node if len(out) == len(node) and all(a is b for a, b in zip(out, node)) else out
    return node
