"""`.env` files as documents the shadow-AI rules judge, without their secrets.

A `.env` file becomes {"vars": [{"name", "line", "has_value", "host", "key_shape"}]}: the variable
names, the host of a value that is a URL (never the rest of it: a URL can carry credentials in its
user part or query), and which AI provider's key shape a value has (from the catalog's key_shapes).
No value is kept, so no output, bundle or report built from the document can leak one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from cxgov.sources.readers import Limits, check_tree

_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*?)\s*$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@lru_cache(maxsize=1)
def key_shapes() -> tuple[tuple[str, str, re.Pattern], ...]:
    """(provider, prefix, pattern) of the catalog's key shapes (policies/data/ai_catalog.json)."""
    from cxgov.engine.policyset import reference

    return tuple((s["provider"], s["prefix"], re.compile(s["pattern"])) for s in reference("ai_catalog")["key_shapes"])


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return re.split(r"\s#", value, maxsplit=1)[0].strip()  # an unquoted value ends at ` #`


def host_of(value: str) -> str | None:
    """The host of a URL value (lower case, no port or user part); None when the value is no URL."""
    if not _URL.match(value):
        return None
    try:
        return (urlsplit(value).hostname or "").lower() or None
    except ValueError:
        return None


def shape_of(value: str) -> str | None:
    """The provider whose API key shape `value` has, if any."""
    for provider, prefix, pattern in key_shapes():
        if value.startswith(prefix) and pattern.fullmatch(value):
            return provider
    return None


def document(text: str, shown: str, limits: Limits) -> dict[str, Any]:
    out = []
    for n, raw in enumerate(text.splitlines(), 1):
        if raw.lstrip().startswith("#"):
            continue
        m = _ASSIGNMENT.match(raw)
        if not m:
            continue
        value = _unquoted(m.group(2))
        out.append({"name": m.group(1), "line": n, "has_value": value != "", "host": host_of(value),
                    "key_shape": shape_of(value)})
    result = {"vars": out}
    check_tree(result, shown, limits)
    return result
