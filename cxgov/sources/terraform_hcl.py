"""Terraform source (`.tf`, HCL2) as the plan JSON the builtin Terraform rules read.

A `.tf` file becomes one document shaped like `terraform show -json` of a first apply:
`resource_changes[]` (managed resources, actions ["create"], static values in `change.after`),
`configuration.provider_config` and `configuration.root_module` (resources with `expressions`,
module calls, variables, outputs), plus the file's raw top-level HCL keys for conftest-style
policies and `"cxgov_source": "terraform-hcl"`.

Nothing is evaluated: an attribute whose value is an expression (a variable, local, reference,
function call or interpolation) is null in `after`, true in `after_unknown`, and
`{"references": [...]}` in `expressions`, so rules can report it as not checkable rather than
read it as absent. Terraform's unit is the directory, so provider blocks and required_providers
are also read from the other `.tf` files beside this one: a resource's `provider = aws.us` then
resolves to the alias declared in providers.tf.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from cxgov.errors import InputError
from cxgov.sources.readers import DEFAULT_LIMITS, Document, Limits, hcl2_raw_options, parse_hcl2, read_text
from cxgov.sources.terraform_values import (
    IS_BLOCK,
    bare,
    body,
    references,
    string_value,
    typed_options,
    unquote,
    value,
)

__all__ = ["lines", "load", "normalise", "read", "references", "siblings"]

SOURCE = "terraform-hcl"
# plan keys win over raw HCL top-level keys of the same name
PLAN_KEYS = frozenset({"format_version", "terraform_version", "resource_changes", "configuration", "cxgov_source"})
# meta-arguments: Terraform's, not the provider's, so never in `after`
RESOURCE_META = frozenset({"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"})
MODULE_META = frozenset({"source", "version", "providers", "count", "for_each", "depends_on"})
PROVIDER_META = frozenset({"alias", "version"})
PLACEMENT = frozenset({"region", "zone"})  # what a provider block says about where resources go
_DECLARES = re.compile(r"^\s*(provider|terraform)\b", re.M)
_SIBLING_CACHE: dict[tuple, dict] = {}  # (path, mtime, size, inode) -> its provider and terraform blocks
_SIBLING_CACHE_MAX = 512


# --- the document --------------------------------------------------------------------------------


def _labelled(hcl: Mapping, kind: str, depth: int) -> Iterator[tuple[list[str], dict]]:
    """(labels, body) of every top-level `kind` block, in file order."""
    def walk(node: Any, labels: list[str]) -> Iterator[tuple[list[str], dict]]:
        if len(labels) == depth:
            if isinstance(node, dict):
                yield labels, node
            return
        if isinstance(node, dict):
            for label, inner in node.items():
                if label != IS_BLOCK:
                    yield from walk(inner, [*labels, unquote(label)])

    for entry in hcl.get(kind) or []:
        yield from walk(entry, [])


def provider_sources(files: list[Mapping]) -> dict[str, str]:
    """Local provider name -> source address, from every terraform.required_providers block."""
    sources: dict[str, str] = {}
    for hcl in files:
        for terraform in hcl.get("terraform") or []:
            for required in terraform.get("required_providers") or []:
                for name, spec in required.items():
                    if isinstance(spec, dict) and isinstance(spec.get("source"), str):
                        source = string_value(spec["source"]) if spec["source"].startswith('"') else None
                        if source:
                            sources[unquote(name)] = source
    return sources


def full_name(local: str, sources: Mapping[str, str]) -> str:
    source = sources.get(local) or f"hashicorp/{local}"
    return source if source.count("/") >= 2 else f"registry.terraform.io/{source}"


def _provider_configs(hcl: Mapping, sources: Mapping[str, str], declared_in: str | None) -> dict[str, dict]:
    configs: dict[str, dict] = {}
    for (name,), block in _labelled(hcl, "provider", 1):
        alias = value(block["alias"])[0] if "alias" in block else None
        config: dict[str, Any] = {"name": name, "full_name": full_name(name, sources)}
        if isinstance(alias, str):
            config["alias"] = alias
        if "version" in block:
            config["version_constraint"] = value(block["version"])[0]
        config["expressions"] = body(block, PROVIDER_META)[2]
        if declared_in:  # a sibling file's block, here only so this file's resources resolve their
            # region: its other settings are judged in the file that declares it, not once per user
            config["expressions"] = {k: v for k, v in config["expressions"].items() if k in PLACEMENT}
            config["cxgov_declared_in"] = declared_in
        configs[f"{name}.{alias}" if isinstance(alias, str) else name] = config
    return configs


def normalise(hcl: Mapping, siblings: Mapping[str, Mapping] | None = None, raw: Mapping | None = None) -> dict:
    """The plan-shaped document of one `.tf` file.

    `hcl` is the file as python-hcl2 serialises it with typed_options() (quotes kept, blocks
    marked); `siblings` maps the name of every other `.tf` file of its directory to the same
    serialisation (only their provider and terraform blocks are read); `raw` is the file in the
    plain serialisation, whose top-level keys are kept for conftest-style policies."""
    siblings = siblings or {}
    sources = provider_sources([hcl, *siblings.values()])
    changes: list[dict] = []
    resources: list[dict] = []
    used: set[str] = set()
    for mode, kind in (("managed", "resource"), ("data", "data")):
        for (rtype, name), block in _labelled(hcl, kind, 2):
            key = bare(block.get("provider")) or rtype.split("_", 1)[0]
            used.add(key)
            after, unknown, expressions = body(block, RESOURCE_META)
            # count / for_each: one entry at the literal address (instances cannot be known
            # without evaluating the expression); the expression is kept beside, as plans do
            address = f"{rtype}.{name}" if mode == "managed" else f"data.{rtype}.{name}"
            resource: dict[str, Any] = {"address": address, "mode": mode, "type": rtype, "name": name,
                                        "provider_config_key": key, "expressions": expressions, "schema_version": 0}
            for meta in ("count", "for_each"):
                if meta in block:
                    resource[f"{meta}_expression"] = value(block[meta])[2]
            resources.append(resource)
            if mode == "managed":
                changes.append({
                    "address": address, "mode": mode, "type": rtype, "name": name,
                    "provider_name": full_name(key.split(".", 1)[0], sources),
                    "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown,
                               "before_sensitive": False, "after_sensitive": {}},
                })
    module_calls: dict[str, dict] = {}
    for (name,), block in _labelled(hcl, "module", 1):
        source = value(block["source"])[0] if "source" in block else None
        call: dict[str, Any] = {"source": source if isinstance(source, str) else None,
                                "expressions": body(block, MODULE_META)[2]}
        if "version" in block:
            call["version_constraint"] = value(block["version"])[0]
        for meta in ("count", "for_each"):
            if meta in block:
                call[f"{meta}_expression"] = value(block[meta])[2]
        providers = block.get("providers")
        if isinstance(providers, dict):
            used.update(ref for ref in map(bare, providers.values()) if ref)
        module_calls[name] = call
    variables: dict[str, dict] = {}
    for (name,), block in _labelled(hcl, "variable", 1):
        variable: dict[str, Any] = {}
        for field in ("default", "description", "sensitive"):
            if field in block and value(block[field])[1] is None:
                variable[field] = value(block[field])[0]
        variables[name] = variable
    outputs = {name: {"expression": value(block.get("value"))[2], "sensitive": value(block.get("sensitive", False))[0]}
               for (name,), block in _labelled(hcl, "output", 1)}
    providers = _provider_configs(hcl, sources, None)
    for file, sibling in sorted(siblings.items()):
        for key, config in _provider_configs(sibling, sources, file).items():
            if key in used and key not in providers:
                providers[key] = config
    for key in sorted(used - set(providers)):
        if "." not in key:  # implied default provider configuration (no block: no region known)
            providers[key] = {"name": key, "full_name": full_name(key, sources)}
    root: dict[str, Any] = {"resources": resources}
    for field, entries in (("module_calls", module_calls), ("variables", variables), ("outputs", outputs)):
        if entries:
            root[field] = entries
    document: dict[str, Any] = {k: v for k, v in (raw or {}).items() if k not in PLAN_KEYS}
    document.update({
        "format_version": "1.2",
        "terraform_version": None,  # a source, not a plan: no Terraform ran
        "cxgov_source": SOURCE,
        "resource_changes": changes,
        "configuration": {"provider_config": providers, "root_module": root},
    })
    return document


# --- files ---------------------------------------------------------------------------------------


def load(text: str, name: str, limits: Limits = DEFAULT_LIMITS) -> tuple[dict, dict]:
    """(typed, raw) serialisations of one `.tf` file's text, parsed once."""
    typed, raw = parse_hcl2(text, name, limits, typed_options(), hcl2_raw_options())
    return typed, raw


def _ignored(name: str) -> bool:
    """Files Terraform itself skips in a directory (editor backups and hidden files)."""
    return name.startswith((".", "#")) or name.endswith("~")


def siblings(path: str | Path, shown: str, limits: Limits = DEFAULT_LIMITS) -> dict[str, dict]:
    """The provider and terraform blocks of every other `.tf` file in `path`'s directory, by name.
    A file that declares neither is not parsed; one that cannot be read fails the check by name."""
    path = os.path.abspath(path)
    directory, own = os.path.split(path)
    shown_dir = shown.rsplit("/", 1)[0] + "/" if "/" in shown else ""
    found: dict[str, dict] = {}
    try:
        entries = sorted(e.name for e in os.scandir(directory) if e.name.lower().endswith(".tf") and e.is_file())
    except OSError:
        return found
    for name in entries:
        if name == own or _ignored(name):
            continue
        other = os.path.join(directory, name)
        try:
            st = os.stat(other)
        except OSError:
            continue
        key = (other, st.st_mtime_ns, st.st_size, st.st_ino)
        if key not in _SIBLING_CACHE:
            where = shown_dir + name
            try:
                text = read_text(other, where, limits)
                blocks = {}
                if _DECLARES.search(text):
                    (typed,) = parse_hcl2(text, where, limits, typed_options())
                    blocks = {k: typed[k] for k in ("provider", "terraform") if k in typed}
            except InputError as e:
                beside = f"read because it is in the same Terraform directory as {shown}"
                e.hint = f"{e.hint}; {beside}" if e.hint else beside
                raise
            if len(_SIBLING_CACHE) >= _SIBLING_CACHE_MAX:
                _SIBLING_CACHE.clear()
            _SIBLING_CACHE[key] = blocks
        found[name] = _SIBLING_CACHE[key]
    return found


def read(path: str, shown: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """One `.tf` file as its plan-shaped document (see normalise)."""
    typed, raw = load(read_text(path, shown, limits), shown, limits)
    return Document(normalise(typed, siblings(path, shown, limits), raw), 1)


def lines(path: str | Path) -> dict[str, int]:
    """The 1-based line of every path of `path`'s normalised document (see terraform_lines)."""
    from cxgov.sources.terraform_lines import lines as of_file

    return of_file(path)
