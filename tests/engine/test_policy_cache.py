"""The policy cache: a second load of the same sources skips the reading, and gives the same set."""

from __future__ import annotations

import pytest

from cxgov.engine.policyset import load

POLICY = "package main\n\nimport rego.v1\n\n# METADATA\n# title: No root\n# custom:\n#   id: T-1\ndeny contains \"root\" if input.root\n"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CXGOV_CACHE_DIR", str(folder))
    return folder


def same(a, b):
    assert a.digest() == b.digest() and a.rules == b.rules and a.catalog() == b.catalog()
    assert [(m.path, m.package, [r.name for r in m.rules]) for m in a.modules] == \
        [(m.path, m.package, [r.name for r in m.rules]) for m in b.modules]
    plans = a.plan(["main"])
    assert plans == b.plan(["main"]) and a.sources_for(plans) == b.sources_for(plans)


def test_a_second_load_reads_the_record_and_gives_the_same_set(cache):
    first = load([], builtin=True)
    assert len(list(cache.glob("*.json"))) == 1
    second = load([], builtin=True)
    assert second.modules[0]._tokens is None  # read back from the record: nothing was tokenised
    same(first, second)
    assert second.modules[0].tokens  # and tokens are still there on demand (the OPA server engine)


def test_a_changed_byte_is_a_miss_never_a_stale_answer(cache, tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "main.rego").write_text(POLICY)
    assert load([tmp_path / "p"]).catalog()["T-1"].title == "No root"
    (tmp_path / "p" / "main.rego").write_text(POLICY.replace("No root", "Never root"))
    assert load([tmp_path / "p"]).catalog()["T-1"].title == "Never root"
    assert len(list(cache.glob("*.json"))) == 2


def test_a_broken_record_is_ignored_and_off_writes_nothing(cache, tmp_path, monkeypatch):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "main.rego").write_text(POLICY)
    load([tmp_path / "p"])
    [record] = cache.glob("*.json")
    record.write_text("{not json")
    assert load([tmp_path / "p"]).catalog()["T-1"].title == "No root"
    monkeypatch.setenv("CXGOV_CACHE_DIR", "off")
    (tmp_path / "p" / "main.rego").write_text(POLICY.replace("No root", "Other"))
    assert load([tmp_path / "p"]).catalog()["T-1"].title == "Other"
    assert len(list(cache.glob("*.json"))) == 1


def test_lint_warnings_come_back_from_the_record(cache, tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "main.rego").write_text(POLICY + "warn contains \"x\" if not is_string(input.a.b)\n")
    first, second = load([tmp_path / "p"]), load([tmp_path / "p"])
    assert [w.code for w in first.warnings] == [w.code for w in second.warnings] == ["CX013"]
