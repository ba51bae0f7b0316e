"""policies/COVERAGE.md is generated from the builtin packs and must match them."""

from __future__ import annotations

import importlib.util

from conftest import ROOT


def test_coverage_document_is_current():
    spec = importlib.util.spec_from_file_location("coverage_script", ROOT / "scripts" / "coverage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.render()
    actual = (ROOT / "policies" / "COVERAGE.md").read_text(encoding="utf-8")
    assert actual == expected, "run scripts/coverage.py and commit policies/COVERAGE.md"
