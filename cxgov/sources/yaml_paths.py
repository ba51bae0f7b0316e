"""Where a key path sits in a YAML file, for messages about one field of a document.

Only used on error paths and small files (a descriptor), so PyYAML's pure-Python composer is fine.
"""

from __future__ import annotations

from collections.abc import Sequence

import yaml


def line_of(text: str, path: Sequence[str | int], document: int = 0) -> int | None:
    """The 1-based line of `path` (keys and list indexes) in the given document, or the line of the
    deepest part of the path that exists; None when the text does not parse."""
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    nodes = [n for n in nodes if n is not None]
    if document >= len(nodes):
        return None
    node = nodes[document]
    line = node.start_mark.line + 1
    for part in path:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)), None)
            if match is None:
                return line
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def all_lines(text: str, max_depth: int = 4) -> dict[str, int]:
    """The line of every key and list item of the first document, by dotted path (`a.0.b`)."""
    try:
        node = next((n for n in yaml.compose_all(text, Loader=yaml.SafeLoader) if n is not None), None)
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

    if node is not None:
        walk(node, "", 0)
    return lines
