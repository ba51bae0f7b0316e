"""Where a key path sits in a YAML (or JSON) text, for messages and findings about one field, and
a text's composed nodes for readers that want lines and values at once.

Only used on error paths and for documents with findings, never while reading every input. The
lines come from the same tables findings are located with (cxgov/sources/yaml_lines.py), built once
per text however many fields are asked of it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import yaml

from cxgov.sources.yaml_lines import SEP, line_index

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=8)
def composed(text: str) -> tuple:
    """The non-empty documents of a text as nodes (read only: cached); raises yaml.YAMLError."""
    return tuple(n for n in yaml.compose_all(text, Loader=_LOADER) if n is not None)


@functools.lru_cache(maxsize=8)
def _tables(text: str) -> tuple:
    return tuple(line_index(text))


def line_of(text: str, path: Sequence[str | int], document: int = 0) -> int | None:
    """The 1-based line of `path` (keys and list indexes) in the given document, or the line of the
    deepest part of the path that exists; None when the text does not parse."""
    try:
        tables = _tables(text)
    except yaml.YAMLError:
        return None
    if document >= len(tables):
        return None
    return tables[document].line_of([str(p) for p in path])


def all_lines(text: str, max_depth: int = 4) -> dict[str, int]:
    """The line of every key and list item of the first document, by dotted path (`a.0.b`)."""
    try:
        tables = _tables(text)
    except yaml.YAMLError:
        return {}
    if not tables:
        return {}
    dotted = ((path.split(SEP)[1:], line) for path, line in tables[0].lines.items() if path)
    return {".".join(parts): line for parts, line in dotted if len(parts) <= max_depth + 1}
