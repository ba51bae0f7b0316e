"""HCL2 values as a plan shows them: literals, and expressions Terraform would evaluate at apply.

python-hcl2 serialises a `.tf` file with typed_options(): a literal string keeps its quotes
('"eu-west-1"'), an expression is '${var.region}', a nested block is a list of dicts marked
`__is_block__`. value() and body() turn that into a plan's (after, after_unknown, expressions):
literals are known, expressions are unknown with the references they hold.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["bare", "body", "references", "string_value", "typed_options", "unquote", "value"]

IS_BLOCK = "__is_block__"
KEYWORDS = frozenset({"true", "false", "null", "for", "in", "if", "endif", "endfor", "else"})


def typed_options() -> Any:
    """Blocks marked, quotes kept: a literal string is '"..."', an expression '${...}'."""
    import hcl2

    return hcl2.SerializationOptions(with_comments=False, explicit_blocks=True, preserve_heredocs=False,
                                     preserve_scientific_notation=False)


# --- values ------------------------------------------------------------------------------------


def string_value(source: str) -> str | None:
    """The value of a quoted HCL string ('"a\\nb"'), or None when it is a template (${...}, %{...})."""
    from hcl2.utils import process_escape_sequences

    body, out, i = source[1:-1], [], 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            out.append(body[i : i + 2])
            i += 2
        elif c in "$%" and body.startswith(c + c + "{", i):
            out.append(c + "{")
            i += 3
        elif c in "$%" and body.startswith(c + "{", i):
            return None
        else:
            out.append(c)
            i += 1
    return process_escape_sequences("".join(out))


def unquote(label: Any) -> str:
    """A block label or object key as Terraform reads it ('"aws"' -> aws)."""
    text = str(label)
    if len(text) >= 2 and text[0] == text[-1] == '"':
        value = string_value(text)
        return value if value is not None else text[1:-1]
    return text


def _code(text: str) -> str:
    """Expression source with the literal parts of strings blanked out, interpolations kept."""
    out, stack, i = [], [0], 0  # stack: brace depth per code frame; -1 marks a string frame
    while i < len(text):
        c = text[i]
        if stack[-1] == -1:  # inside a string
            if c == "\\":
                i += 2
                continue
            if c in "$%" and text.startswith(c + c + "{", i):
                i += 3
                continue
            if c in "$%" and text.startswith(c + "{", i):
                stack.append(0)
                out.append(" ")
                i += 2
                continue
            if c == '"':
                stack.pop()
            out.append(" ")
        elif c == '"':
            stack.append(-1)
            out.append(" ")
        elif c == "}" and stack[-1] == 0 and len(stack) > 1:  # end of an interpolation
            stack.pop()
            out.append(" ")
        else:
            if c == "{":
                stack[-1] += 1
            elif c == "}":
                stack[-1] = max(stack[-1] - 1, 0)
            out.append(c)
        i += 1
    return "".join(out)


_TRAVERSAL = re.compile(r"(?<![\w.\]\-])([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*|\.\d+|\[\s*(?:\d+|\*|\s+)\s*\]|\.\*)+)")
_FOR_SYMBOLS = re.compile(r"\bfor\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\b")


def references(expression: str) -> list[str]:
    """What an expression refers to, as plans list it: `aws_s3_bucket.logs.id` and
    `aws_s3_bucket.logs`, `var.region`, `module.vpc.id` and `module.vpc`, ...; function names,
    keywords, for-expression symbols and string contents are not references."""
    code = _code(expression)
    bound = {s for m in _FOR_SYMBOLS.finditer(code) for s in m.groups() if s}
    found: list[str] = []
    for m in _TRAVERSAL.finditer(code):
        root, rest = m.group(1), re.sub(r"\s+", "", m.group(2))
        if root in KEYWORDS or root in bound:
            continue
        full = (root + rest).split("[*]")[0].split(".*")[0]
        parts = re.sub(r"\[[^\]]*\]", "", full).split(".")
        size = 3 if root == "data" else 2  # the object: data.type.name, module.name, type.name
        for ref in (full, ".".join(parts[:size])):
            if ref and ref not in found and len(ref.split(".")) >= 2:
                found.append(ref)
    return found


def _all_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _all_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _all_strings(v)


def _unresolved(*values: Any) -> dict:
    refs: list[str] = []
    for value in values:
        for text in _all_strings(value):
            refs.extend(r for r in references(text) if r not in refs)
    return {"references": refs}


def value(v: Any) -> tuple[Any, Any, dict]:
    """(after, after_unknown, expression) of an attribute's value. after_unknown is None when the
    value is static, True when unresolved, else a list/object marking its unresolved parts."""
    if isinstance(v, str):
        if len(v) >= 2 and v[0] == v[-1] == '"':
            text = string_value(v)
            if text is not None:
                return text, None, {"constant_value": text}
        elif not v.startswith("${"):
            return v, None, {"constant_value": v}
        return None, True, _unresolved(v)
    if isinstance(v, (list, dict)):
        if isinstance(v, dict):
            keys = [unquote(k) if not str(k).startswith("${") else None for k in v]
            if None in keys:  # a computed key: nothing of the object is known
                return None, True, _unresolved(v)
            parts = dict(zip(keys, (value(x) for x in v.values()), strict=True))
            items = list(parts.items())
        else:
            items = list(enumerate(value(x) for x in v))
        if all(u is None for _, (_, u, _) in items):
            after = {k: a for k, (a, _, _) in items} if isinstance(v, dict) else [a for _, (a, _, _) in items]
            return after, None, {"constant_value": copy.deepcopy(after)}  # two values, as a plan has
        if isinstance(v, dict):
            return ({k: a for k, (a, _, _) in items}, {k: u for k, (_, u, _) in items if u is not None},
                    _unresolved(v))
        return [a for _, (a, _, _) in items], [u if u is not None else False for _, (_, u, _) in items], _unresolved(v)
    return v, None, {"constant_value": v}


def bare(v: Any) -> str | None:
    """A bare traversal as text: `aws.us` from a provider meta-argument or a module's providers
    map ('${aws.us}'), a dynamic block's iterator name."""
    if isinstance(v, str):
        text = v[2:-1] if v.startswith("${") and v.endswith("}") else unquote(v)
        return text.strip() or None
    return None


def _is_blocks(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(b, dict) and b.get(IS_BLOCK) is True for b in v)


def _is_labelled(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(
        isinstance(e, dict) and IS_BLOCK not in e and e and all(_is_blocks([b]) for b in e.values()) for e in v)


def body(block: Mapping, skip: frozenset = frozenset()) -> tuple[dict, dict, dict]:
    """(after, after_unknown, expressions) of a block body; nested blocks become lists of objects,
    as in plans. A `dynamic "x"` block makes `x` unresolved: its content depends on for_each."""
    after: dict = {}
    unknown: dict = {}
    expressions: dict = {}
    dynamic: dict = {}
    for key, v in block.items():
        if key == IS_BLOCK or key in skip:
            continue
        if key == "dynamic" and _is_labelled(v):
            for entry in v:
                for label, b in entry.items():
                    name = unquote(label)  # its iterator symbol (the label, or `iterator`) is no reference
                    symbol = bare(b["iterator"]) if "iterator" in b else name
                    refs = _unresolved(b)["references"]
                    dynamic[name] = {"references": [r for r in refs if r.split(".")[0] != symbol]}
        elif _is_blocks(v):
            parts = [body(b) for b in v]
            after[key] = [p[0] for p in parts]
            expressions[key] = [p[2] for p in parts]
            if any(p[1] for p in parts):
                unknown[key] = [p[1] or False for p in parts]
        elif _is_labelled(v):  # another labelled nested block (provisioner-like): not a value
            dynamic[key] = _unresolved(v)
        else:
            after[key], u, expressions[key] = value(v)
            if u is not None:
                unknown[key] = u
    for name, expression in dynamic.items():
        after[name], unknown[name], expressions[name] = None, True, expression
    return after, unknown, expressions
