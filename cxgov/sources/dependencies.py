"""Dependency manifests as documents the shadow-AI rules judge: the packages each one names.

Every manifest becomes {"manifest": "requirements" | "pyproject" | "package.json" | "go.mod" | "pom" |
"csproj", "ecosystem": "pypi" | "npm" | "go" | "maven" | "nuget", "packages": [{"name", "version",
"line", "group"}]}. Names are normalised the way each registry compares them (PEP 503 for PyPI,
lower case for npm and NuGet, `groupId:artifactId` for Maven), so the catalog matches whole names,
never substrings. Only the names, version specifiers and lines are kept.
"""

from __future__ import annotations

import re
from typing import Any

from cxgov.errors import InputError
from cxgov.sources.readers import Limits, check_tree, line_at

ECOSYSTEMS = {"requirements": "pypi", "pyproject": "pypi", "package.json": "npm", "go.mod": "go",
              "pom": "maven", "csproj": "nuget"}
NPM_GROUPS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")

_PEP508_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)")
_POM_DEPENDENCY = re.compile(r"<dependency>(.*?)</dependency>", re.S)
_POM_FIELD = re.compile(r"<(groupId|artifactId|version)>\s*([^<\s]+)\s*</\1>")
_CSPROJ_REFERENCE = re.compile(r"<PackageReference\b([^>]*)>", re.I)
_XML_ATTRIBUTE = re.compile(r'\b(Include|Version)\s*=\s*"([^"]*)"', re.I)
_GO_REQUIRE = re.compile(r"^\s*(?:require\s+)?([A-Za-z0-9][\w.\-~/]*\.[\w.\-~/]+)\s+(v[\w.+\-]+)")


def pypi_name(name: str) -> str:
    """PEP 503 normalisation: `LangChain_OpenAI` and `langchain.openai` are `langchain-openai`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _package(name: str, version: str, line: int, group: str = "") -> dict[str, Any]:
    return {"name": name, "version": version.strip(), "line": line, "group": group}


def _pep508(spec: str) -> tuple[str, str] | None:
    """(normalised name, version specifier) of a PEP 508 requirement; None for anything else."""
    m = _PEP508_NAME.fullmatch(spec.split(";", 1)[0])
    if not m:
        return None
    rest = m.group(3).strip()
    return pypi_name(m.group(1)), ("" if rest.startswith("@") else rest)


def requirements(text: str) -> list[dict[str, Any]]:
    """pip requirements files: one requirement a line; options (-r, -e, --index-url), URLs and
    comments are not packages. A `#` starts a comment only at the line start or after whitespace."""
    out = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = re.split(r"(?:^|\s)#", raw, maxsplit=1)[0].strip()
        if not line or line.startswith("-") or "://" in line.split("@", 1)[0]:
            continue
        found = _pep508(line)
        if found:
            out.append(_package(found[0], found[1], n))
    return out


def _quoted_line(text: str, value: str) -> int:
    for quote in ('"', "'"):
        pos = text.find(quote + value)
        if pos >= 0:
            return line_at(text, pos)
    return 1


def pyproject(value: dict, text: str) -> list[dict[str, Any]]:
    """PEP 621 dependencies and optional dependencies, PEP 735 groups and Poetry's tables."""
    project = value.get("project") if isinstance(value.get("project"), dict) else {}
    lists: list[tuple[str, Any]] = [("dependencies", project.get("dependencies"))]
    for group, specs in (project.get("optional-dependencies") or {}).items():
        lists.append((f"optional-dependencies.{group}", specs))
    for group, specs in (value.get("dependency-groups") or {}).items():
        lists.append((f"dependency-groups.{group}", specs))
    out = []
    for group, specs in lists:
        for spec in specs if isinstance(specs, list) else []:
            found = _pep508(spec) if isinstance(spec, str) else None
            if found:
                out.append(_package(found[0], found[1], _quoted_line(text, spec), group))
    poetry = ((value.get("tool") or {}).get("poetry") or {}) if isinstance(value.get("tool"), dict) else {}
    tables = [("dependencies", poetry.get("dependencies"))]
    tables += [(f"group.{g}", (t or {}).get("dependencies")) for g, t in (poetry.get("group") or {}).items()]
    for group, table in tables:
        for name, spec in (table or {}).items() if isinstance(table, dict) else []:
            if name.lower() == "python":
                continue
            version = spec if isinstance(spec, str) else str((spec or {}).get("version", "")) if isinstance(spec, dict) else ""
            m = re.search(rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=", text, re.M)
            out.append(_package(pypi_name(name), version, line_at(text, m.start()) if m else 1, group))
    return out


def package_json(value: dict, text: str) -> list[dict[str, Any]]:
    out = []
    for group in NPM_GROUPS:
        table = value.get(group)
        for name, version in table.items() if isinstance(table, dict) else []:
            m = re.search(rf'"{re.escape(name)}"\s*:', text)
            out.append(_package(name.lower(), version if isinstance(version, str) else "",
                                line_at(text, m.start()) if m else 1, group))
    return out


def go_mod(text: str) -> list[dict[str, Any]]:
    """`require path version` lines and the lines of `require ( ... )` blocks."""
    out, block = [], False
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("//", 1)[0]
        stripped = line.strip()
        if stripped.startswith("require ("):
            block = True
            continue
        if block and stripped == ")":
            block = False
            continue
        if block or stripped.startswith("require "):
            m = _GO_REQUIRE.match(line)
            if m:
                out.append(_package(m.group(1), m.group(2), n))
    return out


def _without_comments(xml: str) -> str:
    """XML with its comments blanked out, lines kept (a commented-out dependency is no dependency)."""
    return re.sub(r"<!--.*?-->", lambda c: "\n" * c.group().count("\n"), xml, flags=re.S)


def pom(text: str) -> list[dict[str, Any]]:
    out, text = [], _without_comments(text)
    for m in _POM_DEPENDENCY.finditer(text):
        fields = dict(_POM_FIELD.findall(m.group(1)))
        if "groupId" in fields and "artifactId" in fields:
            out.append(_package(f"{fields['groupId']}:{fields['artifactId']}", fields.get("version", ""),
                                line_at(text, m.start())))
    return out


def csproj(text: str) -> list[dict[str, Any]]:
    out, text = [], _without_comments(text)
    for m in _CSPROJ_REFERENCE.finditer(text):
        attributes = {k.lower(): v for k, v in _XML_ATTRIBUTE.findall(m.group(1))}
        if attributes.get("include"):
            out.append(_package(attributes["include"].lower(), attributes.get("version", ""), line_at(text, m.start())))
    return out


def document(manifest: str, text: str, shown: str, limits: Limits, parsed: Any = None) -> dict[str, Any]:
    """The dependencies document of a manifest's text (`parsed`: its TOML or JSON value, when read)."""
    if manifest == "requirements":
        packages = requirements(text)
    elif manifest == "pyproject":
        packages = pyproject(parsed if isinstance(parsed, dict) else {}, text)
    elif manifest == "package.json":
        packages = package_json(parsed if isinstance(parsed, dict) else {}, text)
    elif manifest == "go.mod":
        packages = go_mod(text)
    elif manifest == "pom":
        packages = pom(text)
    elif manifest == "csproj":
        packages = csproj(text)
    else:  # pragma: no cover - manifests.kind_of names only the above
        raise InputError(f"unknown manifest {manifest}", where=shown)
    if len(packages) > limits.max_nodes:
        raise InputError(f"more than {limits.max_nodes} packages", where=shown, hint="raise the limit with --max-nodes")
    value = {"manifest": manifest, "ecosystem": ECOSYSTEMS[manifest], "packages": packages}
    check_tree(value, shown, limits)
    return value


__all__ = ["ECOSYSTEMS", "document", "pypi_name"]
