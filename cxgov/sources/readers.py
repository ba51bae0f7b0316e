"""Turning file bytes into JSON-able documents: limits, decoding, and one parser per format.

PARSERS maps a parser name (what `--parser` accepts) to a function
`(text, name, limits) -> list[Document]`; `name` is the file as errors should show it.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

from cxgov.errors import InputError

BINARY_SNIFF_BYTES = 8192


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps that keep a hostile or broken input from exhausting memory or time."""

    max_file_bytes: int = 16 * 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 1_000_000  # per document, after alias expansion
    max_documents: int = 10_000  # per file


DEFAULT_LIMITS = Limits()
LISTED_KEYS = ("items", "waivers")


@dataclass(frozen=True, slots=True)
class Document:
    """One parsed document, its 1-based starting line, and the lines of the entries of its root
    list under a key of LISTED_KEYS (a Kubernetes List's `items`, a waivers file's `waivers`)."""

    value: Any
    line: int = 1
    item_lines: tuple[int, ...] | None = None


def depth_error(where: str, limit: int) -> InputError:
    return InputError(f"nesting deeper than {limit} levels", where=where, hint="raise the limit with --max-depth")


def nodes_error(where: str, limit: int) -> InputError:
    return InputError(
        f"document has more than {limit} nodes (after alias expansion)",
        where=where,
        hint="raise the limit with --max-nodes",
    )


def decode(data: bytes, name: str) -> str:
    """UTF-8 text without a BOM; binary and non-UTF-8 input is refused by name."""
    if b"\0" in data[:BINARY_SNIFF_BYTES]:
        raise InputError("binary file (NUL byte in the first 8 KiB)", where=name, hint="only text files can be checked")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(
            f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})",
            where=name,
            hint="save the file as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")


def check_tree(value: Any, where: str, limits: Limits) -> None:
    """Enforce depth and node limits on an already parsed value (iteratively: no recursion limit)."""
    nodes = 1
    stack = [(value, 1)] if isinstance(value, (dict, list)) else []
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if level > limits.max_depth:
            raise depth_error(where, limits.max_depth)
        nodes += len(children) * (2 if isinstance(item, dict) else 1)
        if nodes > limits.max_nodes:
            raise nodes_error(where, limits.max_nodes)
        stack.extend((c, level + 1) for c in children if isinstance(c, (dict, list)))


def line_at(text: str, pos: int) -> int:
    """The 1-based line of offset `pos` in `text`."""
    return text.count("\n", 0, pos) + 1


def _line_col(text: str, pos: int) -> str:
    column = pos - text.rfind("\n", 0, pos)
    return f"{line_at(text, pos)}:{column}"


# --- JSON -------------------------------------------------------------------------------------


class _Duplicate(Exception):
    pass


def _no_duplicates(pairs: list) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _Duplicate()
    return result


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


_WS = re.compile(r"[ \t\n\r]*")


def _skip(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()


def _find_duplicate(text: str) -> tuple[str, int] | None:
    """Where the first duplicate key is; only called once a duplicate is known to exist (slow path)."""
    scan = json.scanner.make_scanner(json.JSONDecoder())
    scanstring = json.decoder.scanstring

    def walk(pos: int) -> int:
        pos = _skip(text, pos)
        opener = text[pos]
        if opener not in "[{":
            return scan(text, pos)[1]
        seen: set[str] = set()
        pos = _skip(text, pos + 1)
        while text[pos] not in "]}":
            if opener == "{":
                key, end = scanstring(text, pos + 1)
                if key in seen:
                    raise _Duplicate(key, pos)
                seen.add(key)
                pos = _skip(text, end) + 1  # past ':'
            pos = _skip(text, walk(pos))
            if text[pos] == ",":
                pos = _skip(text, pos + 1)
        return pos + 1

    try:
        walk(0)
    except _Duplicate as found:
        return found.args
    except RecursionError:
        pass
    return None


def _json_item_lines(text: str) -> tuple[int, ...] | None:
    """Lines of the elements of a top-level object's listed array (see Document)."""
    scan = json.scanner.make_scanner(json.JSONDecoder())
    pos = _skip(text, _skip(text, 0) + 1)
    while text[pos] == '"':
        key, end = json.decoder.scanstring(text, pos + 1)
        pos = _skip(text, _skip(text, end) + 1)
        if key in LISTED_KEYS and text[pos] == "[":
            lines, line, last = [], 1, 0
            pos = _skip(text, pos + 1)
            while text[pos] != "]":
                line += text.count("\n", last, pos)
                lines.append(line)
                last = pos
                pos = _skip(text, scan(text, pos)[1])
                if text[pos] == ",":
                    pos = _skip(text, pos + 1)
            return tuple(lines)
        pos = _skip(text, scan(text, pos)[1])
        if text[pos] == ",":
            pos = _skip(text, pos + 1)
    return None


def read_json(text: str, name: str, limits: Limits) -> list[Document]:
    """One JSON value is one document, an array included (conftest semantics)."""
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant)
    except json.JSONDecodeError as e:
        raise InputError(f"invalid JSON: {e.msg}", where=f"{name}:{e.lineno}:{e.colno}") from None
    except _Duplicate:
        found = _find_duplicate(text)
        if found is None:
            raise InputError("duplicate key", where=name) from None
        raise InputError(f"duplicate key {found[0]!r}", where=f"{name}:{_line_col(text, found[1])}") from None
    except ValueError as e:  # NaN / Infinity
        raise InputError(str(e), where=name) from None
    except RecursionError:
        raise depth_error(name, limits.max_depth) from None
    check_tree(value, name, limits)
    items = None
    if isinstance(value, dict) and any(isinstance(value.get(k), list) for k in LISTED_KEYS):
        items = _json_item_lines(text)
    return [Document(value, 1, items)]


# --- TOML -------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """TOML dates and times as ISO 8601 strings, so every document is JSON-able."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value} is not valid in JSON")
    return value


def read_toml(text: str, name: str, limits: Limits) -> list[Document]:
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        import tomli as tomllib
    try:
        value = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        message = str(e)
        at = re.search(r"\s*\(at line (\d+), column (\d+)\)", message)
        where = f"{name}:{at[1]}:{at[2]}" if at else name
        raise InputError(f"invalid TOML: {message[: at.start()] if at else message}", where=where) from None
    except RecursionError:
        raise depth_error(name, limits.max_depth) from None
    check_tree(value, name, limits)
    try:
        return [Document(_plain(value))]
    except ValueError as e:
        raise InputError(str(e), where=name) from None


# --- HCL2 -------------------------------------------------------------------------------------


def parse_hcl2(text: str, name: str, limits: Limits, *options: Any) -> list[Any]:
    """HCL2 text parsed once and serialised with each of python-hcl2's SerializationOptions given;
    every parse error is an InputError naming the file (and line, when the parser knows it)."""
    import hcl2  # slow to import (lark grammar): only when an HCL file is read
    from lark.exceptions import UnexpectedInput

    try:
        tree = hcl2.parses(text)
        values = [tree.serialize(o) for o in options]
    except UnexpectedInput as e:
        first = str(e).strip().splitlines()[0]
        first = re.sub(r"\s*at line \d+, column \d+\.?$", "", first)
        raise InputError(f"invalid HCL2: {first}", where=f"{name}:{e.line}:{e.column}") from None
    except RecursionError:
        raise depth_error(name, limits.max_depth) from None
    except Exception as e:  # noqa: BLE001 -- python-hcl2's transformer raises assorted errors for bad input
        raise InputError(f"invalid HCL2: {type(e).__name__}: {e}", where=name) from None
    for value in values:
        check_tree(value, name, limits)
    return values


def hcl2_raw_options() -> Any:
    """Blocks as lists, string quotes stripped, no comments: the shape conftest users know."""
    import hcl2

    return hcl2.SerializationOptions(strip_string_quotes=True, explicit_blocks=False, with_comments=False)


def read_hcl2(text: str, name: str, limits: Limits) -> list[Document]:
    """Terraform / HCL2 as python-hcl2 serialises it (blocks as lists, string quotes stripped)."""
    (value,) = parse_hcl2(text, name, limits, hcl2_raw_options())
    return [Document(value)]


# --- registry ---------------------------------------------------------------------------------


def read_yaml(text: str, name: str, limits: Limits) -> list[Document]:
    from cxgov.sources import yaml12  # imported here: yaml12 imports this module

    return yaml12.read_yaml(text, name, limits)


PARSERS: dict[str, Callable[[str, str, Limits], list[Document]]] = {
    "yaml": read_yaml,
    "json": read_json,
    "toml": read_toml,
    "hcl2": read_hcl2,
}

EXTENSIONS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml", ".tf": "hcl2", ".hcl": "hcl2"}


def sniff(text: str, name: str, limits: Limits) -> list[Document]:
    """For input of unknown type (stdin): JSON when it parses as JSON, else YAML."""
    if text.lstrip()[:1] in ("{", "["):
        try:
            return read_json(text, name, limits)
        except InputError:
            pass
    return read_yaml(text, name, limits)


# --- whole files ------------------------------------------------------------------------------


def read_text(path: str, shown: str, limits: Limits = DEFAULT_LIMITS, stream: BinaryIO | None = None) -> str:
    """A file's text (or `stream`'s, for stdin), read within the size limit and decoded."""
    limit = limits.max_file_bytes
    too_big = InputError(f"file is larger than the {limit}-byte limit", where=shown,
                         hint="raise the limit with --max-file-size")
    try:
        if stream is not None:
            data = stream.read(limit + 1)
        else:
            size = os.stat(path).st_size
            if size > limit:  # refuse before reading a byte
                raise too_big
            with open(path, "rb") as f:
                data = f.read(size + 1)
                if len(data) > size:  # grown since stat, or a pipe or device: read on, bounded
                    data += f.read(limit + 1 - len(data))
    except FileNotFoundError:
        raise InputError("no such file or directory", where=shown, hint="check the path") from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}", where=shown) from None
    if len(data) > limit:
        raise too_big
    return decode(data, shown)


def read_path(path: str, shown: str, limits: Limits = DEFAULT_LIMITS, parser: str | None = None,
              stream: BinaryIO | None = None) -> list[Document]:
    """Every document of a file (or of `stream` for stdin), read within limits, by name or extension."""
    text = read_text(path, shown, limits, stream)
    if parser:
        return PARSERS[parser](text, shown, limits)
    if stream is not None:
        return sniff(text, shown, limits)
    name = EXTENSIONS.get(os.path.splitext(path)[1].lower())
    if name is None:
        raise InputError("unknown file type", where=shown, hint=f"name the format with --parser ({', '.join(PARSERS)})")
    return PARSERS[name](text, shown, limits)


def read_one(path: str | os.PathLike, shown: str | None = None) -> Document:
    """A file that must hold exactly one document (data files, waivers); empty reads as {}."""
    shown = shown or os.fspath(path)
    documents = read_path(os.fspath(path), shown)
    if len(documents) > 1:
        raise InputError(f"expected one document, found {len(documents)}", where=shown)
    return documents[0] if documents else Document({}, 1)
