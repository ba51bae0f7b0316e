"""What `cxgov --version` prints: cxgov, the policy engine, axe-core and the builtin policy packs.

Packs have no version of their own: each is named with its rule count and the digest of its Rego
sources (the same digest function every report records), so two installations can be compared.
Nothing here starts the engine or a browser.
"""

from __future__ import annotations

import hashlib
import re

from cxgov import __version__


def _engine() -> str:
    from cxgov.engine.opa_library import ENGINE_VERSION

    try:
        from importlib.metadata import PackageNotFoundError, version

        wheel = f"opa-golib-python-bindings {version('opa-golib-python-bindings')}"
    except PackageNotFoundError:
        wheel = "opa-golib-python-bindings not installed"
    return f"{ENGINE_VERSION}; {wheel}"


def _axe() -> str:
    from cxgov.errors import CxgovError
    from cxgov.sources.ui_browser import find_axe

    try:
        axe = find_axe()
    except CxgovError as exc:
        return f"not found ({exc.message})"
    note = ", the outdated fallback" if axe.fallback else ""
    return f"{axe.version or 'unknown version'} ({axe.path}{note})"


def _packs() -> list[str]:
    from cxgov.engine.policyset import builtin_policy_dir, policy_digest
    from cxgov.packs import PACKS

    base = builtin_policy_dir()
    out = []
    for pack in ("lib", *PACKS):
        files = sorted(f for f in (base / pack).rglob("*.rego") if not f.name.endswith("_test.rego"))
        sources = [(f.relative_to(base).as_posix(), f.read_text(encoding="utf-8")) for f in files]
        rules = sum(len(re.findall(r"(?m)^#\s+id:\s*\S", text)) for _, text in sources)
        what = f"{rules:>3} rules" if rules else f"{len(files):>3} files"  # lib: helpers only
        out.append(f"  {pack:<11} {what}  {policy_digest(sources, {})[:12]}")
    data = sorted((base / "data").glob("*.json"))
    digest = hashlib.sha256(b"".join(f.name.encode() + b"\0" + f.read_bytes() for f in data)).hexdigest()
    out.append(f"  {'data':<11} {len(data):>3} files  {digest[:12]}")
    return out


def version_text() -> str:
    lines = [f"cxgov {__version__}", f"engine: {_engine()}", f"axe-core: {_axe()}",
             "policy packs (rules, digest of their Rego sources):", *_packs()]
    return "\n".join(lines) + "\n"

