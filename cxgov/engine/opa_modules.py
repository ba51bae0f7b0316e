"""Rego modules made ready for an OPA server: moved under a run's own root, in an order OPA accepts."""

from __future__ import annotations

from cxgov.engine.policyset import references
from cxgov.engine.rego_source import Module


def rewrite_under(module: Module, prefix: str) -> str:
    """The module's source with its package and every `data` reference moved under data.<prefix>.

    Only code tokens change (never strings or comments) and no line breaks are added, so rows in
    OPA's error messages still point into the original file."""
    if not prefix:
        return module.source
    inserts: list[tuple[int, str]] = []
    code = [t for t in module.tokens if t.kind not in ("comment", "newline")]
    package_seen = False
    for i, tok in enumerate(code):
        if tok.kind != "ident":
            continue
        if tok.text == "package" and not package_seen and i + 1 < len(code):
            inserts.append((code[i + 1].offset, f"{prefix}."))
            package_seen = True
        elif tok.text == "data" and (i == 0 or code[i - 1].text != "."):
            inserts.append((tok.offset + len("data"), f".{prefix}"))
    source = module.source
    for offset, text in sorted(inserts, reverse=True):
        source = source[:offset] + text + source[offset:]
    return source


def upload_order(modules: list[Module]) -> list[Module]:
    """Modules with the packages they reference first, so OPA's compile-on-PUT finds their functions."""
    by_package: dict[str, list[Module]] = {}
    for m in modules:
        by_package.setdefault(m.package, []).append(m)
    ordered: list[Module] = []
    state: dict[str, str] = {}

    def visit(package: str) -> None:
        if state.get(package):
            return  # done, or on the current path (a cycle: the retry in _push sorts it out)
        state[package] = "visiting"
        for m in by_package[package]:
            for ref in sorted(references(m, by_package)):
                visit(ref)
        state[package] = "done"
        ordered.extend(by_package[package])

    for package in sorted(by_package):
        visit(package)
    return ordered
