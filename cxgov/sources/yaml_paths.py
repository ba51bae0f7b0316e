"""Where a key path sits in a YAML (or JSON) text, for messages and findings about one field.

Only used on error paths and for documents with findings, never while reading every input; PyYAML's
C composer (when built) keeps even a large file quick, and a text is composed once however many
fields are asked of it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=8)
def composed(text: str) -> tuple:
    """The non-empty documents of a text as nodes (read only: cached); raises yaml.YAMLError."""
    return tuple(n for n in yaml.compose_all(text, Loader=_LOADER) if n is not None)


def line_in(node, path: Sequence[str | int]) -> int:
    """The 1-based line of `path` below `node`, or of the deepest part of it that exists: a mapping
    entry's key line, a list item's first line."""
    line = node.start_mark.line + 1
    parts = [str(p) for p in path]
    i = 0
    while i < len(parts):
        if isinstance(node, yaml.MappingNode):
            keys = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
            # a key may hold dots itself (an annotation, a node-selector label, a provider alias):
            # a dotted path reaches it through the shortest run of parts that names a key
            n = next((n for n in range(1, len(parts) - i + 1) if ".".join(parts[i:i + n]) in keys), None)
            if n is None:
                return line
            key, node = keys[".".join(parts[i:i + n])]
            line, i = key.start_mark.line + 1, i + n
        elif isinstance(node, yaml.SequenceNode) and parts[i].isdigit() and int(parts[i]) < len(node.value):
            node = node.value[int(parts[i])]
            line, i = node.start_mark.line + 1, i + 1
        else:
            return line
    return line


def line_of(text: str, path: Sequence[str | int], document: int = 0) -> int | None:
    """The 1-based line of `path` (keys and list indexes) in the given document, or the line of the
    deepest part of the path that exists; None when the text does not parse."""
    try:
        nodes = composed(text)
    except yaml.YAMLError:
        return None
    if document >= len(nodes):
        return None
    return line_in(nodes[document], path)


def all_lines(text: str, max_depth: int = 4) -> dict[str, int]:
    """The line of every key and list item of the first document, by dotted path (`a.0.b`)."""
    try:
        nodes = composed(text)
    except yaml.YAMLError:
        return {}
    lines: dict[str, int] = {}

    def walk(n, prefix: str, depth: int) -> None:
        if depth > max_depth:
            return
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                if isinstance(k, yaml.ScalarNode):
                    path = f"{prefix}{k.value}"
                    lines[path] = k.start_mark.line + 1
                    walk(v, path + ".", depth + 1)
        elif isinstance(n, yaml.SequenceNode):
            for i, item in enumerate(n.value):
                path = f"{prefix}{i}"
                lines[path] = item.start_mark.line + 1
                walk(item, path + ".", depth + 1)

    if nodes:
        walk(nodes[0], "", 0)
    return lines
