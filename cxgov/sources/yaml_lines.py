"""The line of every field of a YAML (or JSON) text, as flat {path: line} tables.

Findings name the field they judged (`_path`), and cxgov/sources/locate.py turns that into a line.
Composing a file into PyYAML nodes would do, but keeps a node and two marks per value alive for
the rest of the run: on 10,000 documents the cyclic collector then spends more time re-scanning
them than everything else together. These tables hold only strings and ints, which the collector
never tracks, and come from one pass over the parser's events.

line_of() answers what a walk over PyYAML's composed nodes answers (tests/sources/test_yaml_lines.py):
a mapping entry's line is its key's, a list item's its first line, and a path that goes further
than the document stops at the deepest part that exists. A key may hold dots (an annotation, a
provider alias), so a table's paths join their keys with SEP, never with ".", and a dotted path is
matched the way line_in matches it: at each level, the shortest run of its parts that names a key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from yaml import events

from cxgov.sources.yaml12 import _Parser  # the C event parser where PyYAML has libyaml


@dataclass(slots=True)
class DocumentLines:
    """One document of a text: its first line, the line of each table path, and, for a Kubernetes
    List, the table path of the `items` entry that starts on each line."""

    line: int
    lines: dict[str, int]
    items: dict[int, str] = field(default_factory=dict)

    def line_of(self, parts: list[str], start: str = "") -> int:
        """The line of the dotted path `parts` below the table path `start` (see the module's doc)."""
        lines = self.lines
        line, i = lines[start], 0
        below = start + SEP
        while i < len(parts):
            for n in range(1, len(parts) - i + 1):
                key = below + ".".join(parts[i:i + n])
                if key in lines:
                    break
            else:
                return line
            line, i = lines[key], i + n
            below = key + SEP
        return line


SEP = "\x1f"  # precedes each key of a table path: "" is the document, SEP + "spec" its spec
_ITEMS = SEP + "items"
_KEY = object()  # a mapping waits for its next key
_SKIP = None  # the pending key was a collection: that entry has no dotted path


class _Open:
    __slots__ = ("anchor", "index", "is_map", "key", "key_line", "line", "path")

    def __init__(self, is_map: bool, path: str | None, anchor: str | None, line: int):
        self.is_map = is_map
        self.line = line
        self.path = path  # its table path, or None when not addressable
        self.anchor = anchor
        self.key = _KEY
        self.key_line = 0
        self.index = 0


def line_index(text: str) -> list[DocumentLines]:
    """The documents of a text, in order (empty ones too, as the composer yields them); raises
    yaml.YAMLError when the text does not parse."""
    parser = _Parser(text)
    try:
        return _index(parser.get_event)
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose:
            dispose()


_ALIAS, _SCALAR = events.AliasEvent, events.ScalarEvent
_STREAM_END, _DOCUMENT_END = events.StreamEndEvent, events.DocumentEndEvent
_MAP_START, _MAP_END, _SEQ_START, _SEQ_END = (events.MappingStartEvent, events.MappingEndEvent,
                                              events.SequenceStartEvent, events.SequenceEndEvent)


def _index(get_event) -> list[DocumentLines]:
    docs: list[DocumentLines] = []
    lines: dict[str, int] = {}
    anchors: dict[str, tuple[int, str | None, dict[str, int]]] = {}  # name: (line, scalar text, lines below)
    stack: list[_Open] = []
    first, listed = 0, False  # listed: the root is a mapping whose `items` is a list
    while True:
        event = get_event()
        cls = event.__class__
        if cls is _STREAM_END:
            return docs
        if cls is _DOCUMENT_END:
            docs.append(DocumentLines(first, lines, _item_starts(lines) if listed else {}))
            lines, anchors, first, listed = {}, {}, 0, False
            continue
        if cls is _MAP_END or cls is _SEQ_END:
            closed = stack.pop()
            if closed.anchor is not None and closed.path is not None:
                below = closed.path + SEP
                anchors[closed.anchor] = (closed.line, None, {p[len(closed.path):]: n for p, n in lines.items()
                                                              if p.startswith(below)})
            continue
        is_scalar, is_alias = cls is _SCALAR, cls is _ALIAS
        if not (is_scalar or is_alias or cls is _MAP_START or cls is _SEQ_START):
            continue  # stream or document start
        line = event.start_mark.line + 1
        target = anchors.get(event.anchor) if is_alias else None
        if not stack:  # a document's root
            first, path = line, ""
            lines[""] = line
        else:
            parent = stack[-1]
            if parent.is_map and parent.key is _KEY:  # a key
                if is_scalar:
                    parent.key, parent.key_line = event.value, line
                elif is_alias and target is not None and target[1] is not None:
                    parent.key, parent.key_line = target[1], target[0]  # the composer reuses the anchored node
                else:
                    parent.key = _SKIP  # a collection as key: neither it nor its value has a dotted path
                    if not is_alias:
                        stack.append(_Open(cls is _MAP_START, None, None, line))
                continue
            if parent.path is None:
                path = None
            elif parent.is_map:
                key, parent.key = parent.key, _KEY
                path = None if key is _SKIP else f"{parent.path}{SEP}{key}"
                if path is not None:
                    lines[path] = parent.key_line
            else:
                path = f"{parent.path}{SEP}{parent.index}"
                parent.index += 1
                lines[path] = target[0] if target is not None else line
        if is_scalar:
            if event.anchor is not None:
                anchors[event.anchor] = (line, event.value, {})
        elif is_alias:
            if target is not None and path is not None:
                for below, n in target[2].items():
                    lines[path + below] = n
        else:
            if path == _ITEMS and cls is _SEQ_START:
                listed = True
            stack.append(_Open(cls is _MAP_START, path, event.anchor, line))


def _item_starts(lines: dict[str, int]) -> dict[int, str]:
    """{first line: table path} of a List's items (the first item starting on a line wins)."""
    starts: dict[int, str] = {}
    n = 0
    while f"{_ITEMS}{SEP}{n}" in lines:
        starts.setdefault(lines[f"{_ITEMS}{SEP}{n}"], f"{_ITEMS}{SEP}{n}")
        n += 1
    return starts
