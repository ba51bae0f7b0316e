"""Reading a cxgov descriptor against its schema (`cxgov.descriptor_schema`), with messages a person can act on.

Every problem of a descriptor is reported at once, in document order, each at its own file:line, so
one misspelt field cannot hide behind another. An unknown field or value close to a known one names
it ("did you mean"). The whole is one InputError (exit 2): nothing is judged against a descriptor
cxgov could not read.
"""

from __future__ import annotations

import difflib
import functools
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

# the schema's public names, so callers that load descriptors need one import
from cxgov.descriptor_schema import API_VERSION, KIND, Descriptor, schema  # noqa: F401
from cxgov.errors import InputError

MAX_SHOWN = 20  # a terminal screen; the rest are counted, and come up once these are fixed
HINT = "see `cxgov schema descriptor`"

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One validation error: where in the document (key path, source line) and what is wrong."""

    path: KeyPath
    message: str
    line: int | None = None

    @property
    def dotted(self) -> str:
        return ".".join(str(p) for p in self.path) or "(document)"

    def where(self, file: str) -> str:
        return f"{file}:{self.line}" if self.line else file


class DescriptorError(InputError):
    """Every problem of one descriptor (or, with `what`/`hint`, of another validated file such as
    cxgov.yaml). One problem reads as one line, as any InputError; several read as a heading and one
    `file:line: path: message` line each, the first MAX_SHOWN in document order."""

    def __init__(self, problems: list[Problem], file: str, what: str = "descriptor", hint: str = HINT):
        self.problems = problems
        self.file = file
        if len(problems) == 1:
            only = problems[0]
            prefix = "descriptor " if what == "descriptor" else ""
            super().__init__(f"{prefix}{only.dotted}: {only.message}", where=only.where(file), hint=hint)
            return
        listed = [f"{p.where(file)}: {p.dotted}: {p.message}" for p in problems[:MAX_SHOWN]]
        if len(problems) > MAX_SHOWN:
            listed.append(f"... and {len(problems) - MAX_SHOWN} more")
        self.heading = f"{len(problems)} problems in the {what}"
        super().__init__("\n".join([self.heading + ":", *("  " + line for line in listed)]), where=file, hint=hint)

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return super().__str__()
        # the hint belongs to the heading, not to the last problem listed
        _, _, listed = self.message.partition("\n")
        return f"{self.where}: {self.heading} ({self.hint}):\n{listed}"


def validate(document: Any, where: str, line_of: Callable[[KeyPath], int | None] | None = None) -> Descriptor:
    """The descriptor, or a DescriptorError listing every problem with its file:line and what is expected.

    `line_of(path)` maps a key path to its line in the source, when the caller can tell.
    """
    try:
        from cxgov.descriptor_todo import without_todo

        return Descriptor.model_validate(without_todo(document))  # a TODO is absent (GOV-004 reports it)
    except ValidationError as exc:
        raise DescriptorError(problems(exc, Descriptor, line_of), where) from None


def problems(exc: ValidationError, model: type[BaseModel],
             line_of: Callable[[KeyPath], int | None] | None = None) -> list[Problem]:
    """The errors of `exc` (raised validating `model`), explained, in document order (by line; errors
    on one line, or without lines, keep pydantic's order)."""
    found = []
    for error in exc.errors():
        path = tuple(error["loc"])
        found.append(Problem(path, _explain(error, model), line_of(path) if line_of else None))
    return sorted(found, key=lambda p: (p.line is None, p.line or 0))


def _explain(error: dict, model: type[BaseModel] | None = None) -> str:
    """What is wrong, in the descriptor's words; with `model`, the field or value probably meant."""
    kind, path = error["type"], tuple(error["loc"])
    if kind == "extra_forbidden":
        return _unknown_field(model, path) if model and path else "unknown field (check the spelling)"
    if kind == "missing":
        return "required field is missing"
    text = error["msg"].removeprefix("Value error, ")
    if text.startswith("Input should be "):
        text = "expected " + text.removeprefix("Input should be ")
    value = error.get("input")
    if isinstance(value, (str, int, float)):  # a scalar the reader can find; not a whole mapping
        from cxgov.evidence.redact import Redactor

        shown = repr(Redactor().text(value) if isinstance(value, str) else value)  # CI logs keep no key
        text += f", got {shown if len(shown) <= 40 else shown[:37] + '...'}"
    if kind == "literal_error" and model and isinstance(value, str):
        meant, _ = _closest(value, _literal_values(_type_at(model, path)))
        if meant:
            text += f"; did you mean {meant!r}?"
    return text


def _unknown_field(model: type[BaseModel], path: KeyPath) -> str:
    """A misspelling of a field of the same mapping, else a field that belongs elsewhere (a wrong indent)."""
    name = str(path[-1])
    meant, score = _closest(name, _field_names(_type_at(model, path[:-1])))
    elsewhere = _places(model).get(name, [])
    if score < 0.8 and len(elsewhere) == 1:
        return f"unknown field here: `{name}` belongs at `{elsewhere[0]}`"
    return f"unknown field, did you mean `{meant}`?" if meant else "unknown field (check the spelling)"


def _closest(word: str, known: Iterable[str]) -> tuple[str | None, float]:
    """The known name `word` most likely misspells, and how close: by difflib, or a part or prefix of it
    (`kind` for `data_kind`, `prod` for `production`), or a part of `word` (`owner` for `owner_team`).
    Case, `_` and `-` do not count."""
    key = _norm(word)
    best, best_score = None, 0.0
    for name in known:
        score = difflib.SequenceMatcher(None, key, _norm(name)).ratio()
        near = key in _norm_parts(name) or _norm(name).startswith(key) or _norm(name) in _norm_parts(word)
        if len(key) >= 3 and near:
            score = max(score, 0.8)
        if score >= 0.75 and score > best_score:
            best, best_score = name, score
    return best, best_score


@functools.lru_cache(maxsize=None)
def _places(model: type[BaseModel]) -> dict[str, list[str]]:
    """Every field name of the schema and the paths it sits at (`data_stores[].backup.regions`)."""
    places: dict[str, list[str]] = {}

    def walk(inner: type[BaseModel], prefix: str) -> None:
        for name, field in inner.model_fields.items():
            key = field.alias or name
            places.setdefault(key, []).append(prefix + key)
            annotation, suffix = _unwrap_optional(field.annotation), ""
            while get_origin(annotation) in (list, dict):
                annotation, suffix = _unwrap_optional(get_args(annotation)[-1]), suffix + "[]"
            if isinstance(annotation, type) and issubclass(annotation, BaseModel) and prefix.count(".") < 8:
                walk(annotation, f"{prefix}{key}{suffix}.")

    walk(model, "")
    return places


def _norm(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


def _norm_parts(name: str) -> list[str]:
    return name.lower().replace("-", "_").split("_")


def _type_at(model: type[BaseModel] | None, path: KeyPath) -> Any:
    """The annotation of the value at `path` in `model` (None when the path leaves the schema)."""
    annotation: Any = model
    for part in path:
        annotation = _unwrap_optional(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(part, str):
            field = next((f for name, f in annotation.model_fields.items() if part in (name, f.alias)), None)
            if field is None:
                return None
            annotation = field.annotation
        elif get_origin(annotation) is list and isinstance(part, int):
            annotation = get_args(annotation)[0]
        elif get_origin(annotation) is dict:
            annotation = get_args(annotation)[1]
        else:
            return None
    return _unwrap_optional(annotation)


def _unwrap_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        return members[0] if len(members) == 1 else annotation
    return annotation


def _field_names(annotation: Any) -> list[str]:
    """The keys a document may use in the model `annotation` (aliases where the schema has them)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [f.alias or name for name, f in annotation.model_fields.items()]
    return []


def _literal_values(annotation: Any) -> list[str]:
    return [v for v in get_args(annotation) if isinstance(v, str)] if get_origin(annotation) is Literal else []
