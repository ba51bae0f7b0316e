"""Where each path of a `.tf` file's normalised document sits in the file.

`lines(path)` maps dotted paths (list indexes as numbers) of the document terraform_hcl.normalise
builds to 1-based lines: a resource's entries to its block, `change.after.<attr>`,
`after_unknown.<attr>` and `expressions.<attr>` to the attribute, nested blocks
(`after.<block>.<k>...`) to the block and the attributes inside it, provider configurations,
module calls, variables and outputs to their blocks and attributes, and the raw HCL keys
(`resource.0.aws_s3_bucket.logs.bucket`) likewise. Entries are numbered as normalise numbers them:
managed resources in file order, then data sources after them in root_module.resources.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cxgov.sources.terraform_hcl import MODULE_META, PROVIDER_META, RESOURCE_META
from cxgov.sources.terraform_values import string_value, typed_options, unquote

__all__ = ["lines"]

_CACHE: dict[tuple, dict[str, int]] = {}  # (path, mtime, size) -> lines
_CACHE_MAX = 256


class _Block:
    """A block's labels, first line, attributes (name -> line, value rule) and nested blocks."""

    __slots__ = ("labels", "line", "attrs", "blocks")

    def __init__(self, labels: list[str], line: int, body: Any):
        from hcl2.rules.base import AttributeRule, BlockRule

        self.labels, self.line = labels, line
        self.attrs: dict[str, tuple[int, Any]] = {}
        self.blocks: list[_Block] = []
        for child in body.children:
            if isinstance(child, AttributeRule):
                name = str(child.identifier.serialize())
                self.attrs[name] = (_line(child, line), child.expression)
            elif isinstance(child, BlockRule):
                labels = [unquote(label.serialize()) for label in child.labels]
                self.blocks.append(_Block(labels, _line(child, line), child.body))

    def literal(self, name: str) -> Any:
        """The static string value of an attribute, else None."""
        if name not in self.attrs:
            return None
        text = self.attrs[name][1].serialize(typed_options())
        return string_value(text) if isinstance(text, str) and text[:1] == text[-1:] == '"' else None


def _line(rule: Any, default: int) -> int:
    return getattr(getattr(rule, "_meta", None), "line", None) or default


def _contents(block: _Block, prefix: str, out: dict[str, int], raw: bool = False,
              skip: frozenset = frozenset()) -> None:
    """Lines of a block's attributes and nested blocks under `prefix` (normalised or raw shape),
    leaving out the names in `skip` (meta-arguments, which normalise leaves out too)."""
    for name, (line, _) in block.attrs.items():
        if name not in skip:
            out[f"{prefix}{name}"] = line
    counts: dict[str, int] = {}
    for nested in block.blocks:
        name = nested.labels[0]
        if name in skip:
            continue
        if not raw and len(nested.labels) > 1:  # `dynamic "x"` (and labelled kin) is `x` in after
            out.setdefault(f"{prefix}{nested.labels[-1]}", nested.line)
            continue
        k = counts[name] = counts.get(name, -1) + 1
        out.setdefault(f"{prefix}{name}", nested.line)
        path = f"{prefix}{name}.{k}"
        for label in nested.labels[1:]:
            out[path] = nested.line
            path = f"{path}.{label}"
        out[path] = nested.line
        _contents(nested, f"{path}.", out, raw)


def _all(top: _Block) -> dict[str, int]:
    out: dict[str, int] = {}
    _contents(top, "", out, raw=True)  # the raw HCL keys, as conftest-style policies see them
    managed = [b for b in top.blocks if b.labels[0] == "resource" and len(b.labels) == 3]
    data = [b for b in top.blocks if b.labels[0] == "data" and len(b.labels) == 3]
    for i, b in enumerate(managed):
        at = f"resource_changes.{i}"
        for suffix in ("", ".address", ".mode", ".type", ".name", ".provider_name", ".change",
                       ".change.actions", ".change.after", ".change.after_unknown"):
            out[at + suffix] = b.line
        _contents(b, f"{at}.change.after.", out, skip=RESOURCE_META)
        _contents(b, f"{at}.change.after_unknown.", out, skip=RESOURCE_META)
    for j, b in enumerate(managed + data):
        at = f"configuration.root_module.resources.{j}"
        for suffix in ("", ".address", ".mode", ".type", ".name", ".expressions"):
            out[at + suffix] = b.line
        out[f"{at}.provider_config_key"] = b.attrs["provider"][0] if "provider" in b.attrs else b.line
        for meta in ("count", "for_each"):
            if meta in b.attrs:
                out[f"{at}.{meta}_expression"] = b.attrs[meta][0]
        _contents(b, f"{at}.expressions.", out, skip=RESOURCE_META)
    for b in top.blocks:
        if len(b.labels) != 2:
            continue
        kind, name = b.labels
        if kind == "provider":
            alias = b.literal("alias")
            at = f"configuration.provider_config.{name}.{alias}" if alias else f"configuration.provider_config.{name}"
            for suffix in ("", ".name", ".full_name", ".expressions"):
                out[at + suffix] = b.line
            for field in ("alias", "version"):
                if field in b.attrs:
                    out[f"{at}.{'version_constraint' if field == 'version' else field}"] = b.attrs[field][0]
            _contents(b, f"{at}.expressions.", out, skip=PROVIDER_META)
        elif kind == "module":
            at = f"configuration.root_module.module_calls.{name}"
            out[at] = out[f"{at}.expressions"] = b.line
            if "source" in b.attrs:
                out[f"{at}.source"] = b.attrs["source"][0]
            _contents(b, f"{at}.expressions.", out, skip=MODULE_META)
        elif kind == "variable":
            at = f"configuration.root_module.variables.{name}"
            out[at] = b.line
            _contents(b, f"{at}.", out)
        elif kind == "output":
            at = f"configuration.root_module.outputs.{name}"
            out[at] = b.line
            if "value" in b.attrs:
                out[f"{at}.expression"] = b.attrs["value"][0]
    return out


def lines(path: str | Path) -> dict[str, int]:
    """Dotted path -> 1-based line for the `.tf` file at `path`; {} when it cannot be read or
    parsed (the check has reported that already). Cached by the file's size and mtime."""
    path = os.fspath(path)
    try:
        st = os.stat(path)
        key = (os.path.abspath(path), st.st_mtime_ns, st.st_size)
        if key in _CACHE:
            return dict(_CACHE[key])
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
        import hcl2

        tree = hcl2.parses(text)
        found = _all(_Block([], 1, tree.body))
    except Exception:  # noqa: BLE001 -- a locator helper: no lines is the answer for an unreadable file
        return {}
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.clear()
    _CACHE[key] = found
    return dict(found)
