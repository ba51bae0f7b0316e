"""The builtin packs: complete METADATA, and a passing and a failing Rego test for every rule,
all run through the real engine."""

from __future__ import annotations

import re

import pytest

from cxgov.engine.policyset import load

REQUIRED_FRAMEWORKS = {"soc2", "gdpr", "eu-ai-act", "wcag22", "eaa", "en301549"}


@pytest.fixture(scope="module")
def packs():
    return load([], builtin=True, include_tests=True)


def slug(rule_id: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", rule_id.lower()).strip("_")


def test_every_builtin_rule_has_complete_metadata(packs):
    infos = [i for i in packs.catalog().values() if i.builtin]
    assert infos, "no builtin rules found"
    for info in infos:
        where = f"{info.file}:{info.line}"
        assert re.fullmatch(r"[A-Z0-9]+(-[A-Z0-9.]+)+", info.id), f"{where}: id {info.id!r}"
        assert info.title and info.title != f"{info.package}.{info.rule}", f"{where}: no title"
        assert info.remediation, f"{where}: no remediation"
        assert info.frameworks and set(info.frameworks) <= REQUIRED_FRAMEWORKS, f"{where}: frameworks {info.frameworks}"
        assert all(info.frameworks.values()), f"{where}: a framework without controls"
        assert info.applies_to, f"{where}: no applies_to (builtin rules must say which subjects they judge)"
        assert info.package.startswith("cxgov.") and not info.package.startswith("cxgov.lib"), where


def test_one_rule_id_per_package(packs):
    by_id: dict[str, set[str]] = {}
    for info in packs.rules.values():
        if info.builtin:
            by_id.setdefault(info.id, set()).add(info.package)
    shared = {k: v for k, v in by_id.items() if len(v) > 1}
    assert not shared, shared


def test_every_builtin_rule_has_a_passing_and_a_failing_test(packs):
    tests = {r.name for t in packs.tests for r in t.rules if r.name.startswith("test_")}
    missing = []
    for info in packs.catalog().values():
        if not info.builtin:
            continue
        s = slug(info.id)
        for kind in ("pass", "fail"):
            if not any(t.startswith(f"test_{s}_{kind}") for t in tests):
                missing.append(f"{info.id}: no test_{s}_{kind}_*")
    assert not missing, "\n".join(missing)


def test_builtin_policy_tests_all_pass(cxgov):
    run = cxgov("policy", "test", timeout=600)  # 600+ tests; minutes on a loaded 2-core runner
    assert run.code == 0, run.stdout[-4000:] + run.stderr
    assert "FAIL" not in run.stdout and "ERROR" not in run.stdout
