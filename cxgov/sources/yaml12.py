"""YAML 1.2 (core schema) reading: bounded, duplicate-free and JSON-able, on PyYAML's event parser.

Values are built straight from parser events in one iterative loop instead of PyYAML's composer and
constructor, because (measured with PyYAML 6.0.3 / libyaml 0.2.5) the C composer recurses once per
nesting level and segfaults on ~50,000 nested `[`, and PyYAML resolves YAML 1.1 (`no` -> False).
Aliases reuse the value built for their anchor, so alias expansion is counted, never performed.

Decisions: `NO`/`yes`/`on` and timestamps stay strings; `.inf`/`.nan` are refused (JSON has no such
numbers); `!!binary`, `!!set`, `!!omap`, `!!pairs` are refused; scalar keys become strings the way
JSON encoding would write them (1 -> "1", true -> "true", null -> "null"), collection keys are refused;
`<<` merge keys are honoured (Kubernetes manifests use them); local tags (`!Ref`) are ignored.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from cxgov.errors import InputError
from cxgov.sources.readers import LISTED_KEYS, Document, Limits, depth_error, nodes_error

try:
    from yaml._yaml import CParser as _Parser
except ImportError:  # PyYAML built without libyaml: same events, slower
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


TAG = "tag:yaml.org,2002:"
_WORDS = {"": None, "~": None, "null": None, "Null": None, "NULL": None}
_WORDS.update(dict.fromkeys(("true", "True", "TRUE"), True))
_WORDS.update(dict.fromkeys(("false", "False", "FALSE"), False))
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_NUMBER_START = frozenset("0123456789+-.")
_NO_KEY = object()
_MERGE = object()


def _int(text: str) -> int:
    if text[:2] in ("0o", "0x"):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)


def _core(text: str) -> Any:
    """A plain (unquoted, untagged) scalar resolved by the YAML 1.2 core schema."""
    if text in _WORDS:
        return _WORDS[text]
    if text[0] not in _NUMBER_START:
        return text
    if _INT.fullmatch(text):
        return _int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    if _SPECIAL.fullmatch(text):
        raise ValueError(f"{text} is not a number JSON can hold (quote it to keep it as a string)")
    return text


def _tagged(tag: str, text: str) -> Any:
    """A scalar with an explicit tag; standard tags must fit their core-schema form."""
    if not tag.startswith(TAG):
        return text  # local or foreign tag (e.g. CloudFormation's !Ref): the text as written
    kind = tag[len(TAG) :]
    if kind in ("str", "timestamp"):
        return text
    value = _core(text) if text else None
    if kind == "null" and value is None:
        return None
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "int" and _INT.fullmatch(text):
        return value
    if kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if kind in ("null", "bool", "int", "float"):
        raise ValueError(f"{text!r} is not a valid !!{kind}")
    raise ValueError(f"tag !!{kind} is not supported (the document must be JSON-able)")


def _key(value: Any) -> str:
    if value.__class__ is str:
        return value
    if value is None or isinstance(value, bool):
        return "null" if value is None else ("true" if value else "false")
    return repr(value)  # int or finite float, as JSON would write it


class _Frame:
    """A mapping or sequence still open while its events arrive."""

    __slots__ = ("anchor", "height", "is_map", "items", "key", "key_line", "line", "merges", "size", "value")

    def __init__(self, is_map: bool, anchor: str | None, line: int, items: list | None):
        self.value: Any = {} if is_map else []
        self.is_map = is_map
        self.key: Any = _NO_KEY
        self.key_line = 0
        self.size = 1
        self.height = 0
        self.anchor = anchor
        self.line = line
        self.merges: list[dict] = []
        self.items = items

    def finish(self) -> Any:
        if not self.merges:
            return self.value
        merged: dict = {}
        for source in self.merges:  # earlier sources win, the mapping's own keys win over all
            for k, v in source.items():
                merged.setdefault(k, v)
        merged.update(self.value)
        return merged


def _collection_tag(tag: str | None, kind: str) -> None:
    if tag is not None and tag.startswith(TAG) and tag != TAG + kind:
        raise ValueError(f"tag !!{tag[len(TAG) :]} is not supported (the document must be JSON-able)")


def read_yaml(text: str, name: str, limits: Limits) -> list[Document]:
    """Every non-empty document of a YAML stream, each with its first content line."""
    parser = _Parser(text)
    try:
        return _read(parser, name, limits)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        problem = " ".join(str(e.problem or e.context or "syntax error").split())
        if e.context and e.problem:
            problem += f" ({' '.join(e.context.split())})"
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        raise InputError(f"invalid YAML: {problem}", where=where) from None
    except yaml.reader.ReaderError as e:  # a control character; its position counts UTF-8 bytes
        line = text.encode()[: e.position].count(b"\n") + 1
        code = e.character if isinstance(e.character, int) else ord(e.character)
        raise InputError(f"invalid YAML: {e.reason} (character #x{code:04x})", where=f"{name}:{line}") from None
    except yaml.YAMLError as e:
        raise InputError(f"invalid YAML: {' '.join(str(e).split())}", where=name) from None
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose:
            dispose()


def _read(parser: Any, name: str, limits: Limits) -> list[Document]:
    documents: list[Document] = []
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int, int]] = {}
    open_anchors: set[str] = set()
    count = 0
    get_event = parser.get_event
    while True:
        event = get_event()
        cls = event.__class__
        line = event.start_mark.line + 1
        if cls is ScalarEvent:
            try:
                if event.tag is None and event.implicit[0]:
                    value = event.value
                    if value in _WORDS or value[0] in _NUMBER_START:  # else a plain string: fast path
                        value = _core(value)
                else:
                    value = event.value if event.tag in (None, "!") else _tagged(event.tag, event.value)
            except ValueError as e:
                raise InputError(str(e), where=f"{name}:{line}") from None
            size = 1
            height = 0
            if event.anchor:
                anchors[event.anchor] = (value, 1, 0)
        elif cls is AliasEvent:
            if event.anchor not in anchors:
                problem = "recursive alias" if event.anchor in open_anchors else "undefined alias"
                raise InputError(f"{problem} *{event.anchor}", where=f"{name}:{line}")
            value, size, height = anchors[event.anchor]
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            if len(stack) >= limits.max_depth:
                raise depth_error(f"{name}:{line}", limits.max_depth)
            is_map = cls is MappingStartEvent
            try:
                _collection_tag(event.tag, "map" if is_map else "seq")
            except ValueError as e:
                raise InputError(str(e), where=f"{name}:{line}") from None
            if event.anchor:
                open_anchors.add(event.anchor)
            items = [] if not is_map and len(stack) == 1 and stack[0].key in LISTED_KEYS else None
            stack.append(_Frame(is_map, event.anchor, line, items))
            continue
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            frame = stack.pop()
            value, size, height, line = frame.finish(), frame.size, frame.height + 1, frame.line
            if frame.anchor:
                anchors[frame.anchor] = (value, size, height)
                open_anchors.discard(frame.anchor)
        elif cls is DocumentStartEvent:
            count += 1
            if count > limits.max_documents:
                raise InputError(
                    f"more than {limits.max_documents} documents",
                    where=f"{name}:{line}",
                    hint="raise the limit with --max-documents",
                )
            anchors = {}  # anchors never reach across documents
            continue
        elif cls is StreamEndEvent:
            return documents
        else:  # stream start, document end
            continue

        if not stack:
            if value is not None:
                items = frame.items if cls is MappingEndEvent else None
                documents.append(Document(value, line, tuple(items) if items is not None else None))
            continue
        parent = stack[-1]
        if len(stack) + height > limits.max_depth:
            raise depth_error(f"{name}:{line}", limits.max_depth)
        parent.size += size
        if parent.size > limits.max_nodes:
            raise nodes_error(f"{name}:{line}", limits.max_nodes)
        parent.height = max(parent.height, height)
        if not parent.is_map:
            parent.value.append(value)
            if parent.items is not None:
                parent.items.append(line)
        elif parent.key is _NO_KEY:
            if height:
                raise InputError("a mapping key is a collection; JSON keys must be strings", where=f"{name}:{line}")
            is_merge = cls is ScalarEvent and event.value == "<<" and event.tag is None and event.implicit[0]
            parent.key = _MERGE if is_merge else value if value.__class__ is str else _key(value)
            parent.key_line = line
        else:
            _set(parent, value, name, frame if cls is SequenceEndEvent else None)


def _set(parent: _Frame, value: Any, name: str, closed: _Frame | None) -> None:
    """Store a mapping value under the frame's pending key."""
    key, parent.key = parent.key, _NO_KEY
    if key is _MERGE:
        sources = value if isinstance(value, list) else [value]
        if not all(isinstance(s, dict) for s in sources):
            raise InputError("a << merge key needs a mapping or a list of mappings", where=f"{name}:{parent.key_line}")
        parent.merges.extend(sources)
        return
    if key in parent.value:
        raise InputError(f"duplicate key {key!r}", where=f"{name}:{parent.key_line}")
    parent.value[key] = value
    if key in LISTED_KEYS and closed is not None and closed.items is not None:
        parent.items = closed.items  # only the root mapping's listed sequence collects lines
