"""Files recognised by name rather than by format: dependency manifests and `.env` files.

They become subjects of their own kinds, `dependencies` and `dotenv` (see dependencies.py and
dotenv.py), which the shadow-AI rules judge. `pyproject.toml` and `package.json` are also read as
they always were (a `config` subject, for the user's own policies); their dependencies subject is
`<file>#dependencies` beside it.
"""

from __future__ import annotations

import os
from fnmatch import fnmatchcase

from cxgov.model import Location, Subject
from cxgov.sources.readers import Document, Limits, read_text

# (file name glob, manifest) in the order they are tried; names compare case-sensitively except .csproj
_NAMES = (("requirements*.txt", "requirements"), ("pyproject.toml", "pyproject"), ("package.json", "package.json"),
          ("go.mod", "go.mod"), ("pom.xml", "pom"), (".env", "dotenv"), (".env.*", "dotenv"), ("*.env", "dotenv"))
_STRUCTURED = {"pyproject": "toml", "package.json": "json"}  # also read as configuration


def kind_of(path: str) -> str | None:
    """The manifest a file is, by its name (`requirements`, `pyproject`, ..., `dotenv`), or None."""
    name = os.path.basename(path)
    if name.lower().endswith(".csproj"):
        return "csproj"
    return next((manifest for glob, manifest in _NAMES if fnmatchcase(name, glob)), None)


def read(path: str, shown: str, limits: Limits) -> list[Document]:
    """The file's documents: its configuration document first where it has one, then the manifest's."""
    from cxgov.sources import dependencies, dotenv
    from cxgov.sources.readers import PARSERS

    manifest = kind_of(path)
    text = read_text(path, shown, limits)
    if manifest == "dotenv":
        return [Document(dotenv.document(text, shown, limits))]
    raw = PARSERS[_STRUCTURED[manifest]](text, shown, limits) if manifest in _STRUCTURED else []
    parsed = raw[0].value if raw else None
    return [*raw, Document(dependencies.document(manifest, text, shown, limits, parsed))]


def subjects(path: str, shown: str, documents: list[Document], recognise) -> list[Subject]:
    """One subject per document read(): `config` (or whatever `recognise` makes of it), then
    `dependencies` or `dotenv`."""
    kind = "dotenv" if kind_of(path) == "dotenv" else "dependencies"
    *raw, derived = documents
    out = [Subject(recognise(doc.value), shown, Location(shown, doc.line), doc.value) for doc in raw]
    out.append(Subject(kind, f"{shown}#{kind}" if raw else shown, Location(shown, derived.line), derived.value))
    return out
