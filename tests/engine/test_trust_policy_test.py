"""`cxgov policy test` is bounded as `check` is: a test_ rule that grows without end or loops stops
at --eval-memory or --eval-timeout with exit 2 naming the limit and the test, memory staying under
the limit and no worker left behind; a test that errs is reported and the others still run."""

from __future__ import annotations

import uuid
from pathlib import Path

from test_eval_bounds import MiB, WORKER_BASELINE, leftover_processes, measured

POLICY = "package main\n\nimport rego.v1\n\ndeny contains msg if {\n\tinput.kind == \"Pod\"\n\tmsg := \"a pod\"\n}\n"


def project(tmp_path: Path, tests: str) -> Path:
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "main.rego").write_text(POLICY)
    (tmp_path / "policy" / "main_test.rego").write_text(
        "package main\n\nimport rego.v1\n\ntest_pod_denied if {\n\tcount(deny) == 1 with input as {\"kind\": \"Pod\"}\n}\n\n"
        + tests)
    return tmp_path


def test_an_unbounded_test_stops_at_the_memory_limit(tmp_path):
    project(tmp_path, "test_grows if {\n\tcount([x | some x in numbers.range(1, 1e8)]) > 0\n}\n")
    tag = uuid.uuid4().hex
    run = measured("policy", "test", "policy", "--eval-memory", "384MiB", cwd=tmp_path, tag=tag)
    assert run["code"] == 2, run
    error = run["stderr"]
    assert "policy/main_test.rego:9: test data.main.test_grows reached the memory limit of 384 MiB per worker " \
           "(--eval-memory)" in error, error
    assert run["max_rss"] < 384 * MiB + WORKER_BASELINE, run["max_rss"] / MiB
    assert leftover_processes(tag) == []


def test_an_endless_test_stops_at_the_time_limit(tmp_path):
    project(tmp_path, "test_spins if {\n\tsome i in numbers.range(1, 100000)\n\tsome j in numbers.range(1, 100000)\n"
                      "\ti * j < 0\n}\n")
    tag = uuid.uuid4().hex
    run = measured("policy", "test", "policy", "--eval-timeout", "3", cwd=tmp_path, tag=tag)
    assert run["code"] == 2, run
    assert "test data.main.test_spins passed the time limit of 3 s (--eval-timeout)" in run["stderr"], run["stderr"]
    assert run["seconds"] < 3 + 30  # the limit, plus starting Python and the engine on a busy runner
    assert leftover_processes(tag) == []


def test_within_the_bounds_tests_pass_fail_and_err_as_before(tmp_path):
    project(tmp_path, "test_fails if {\n\tcount(deny) == 1 with input as {\"kind\": \"Service\"}\n}\n\n"
                      "conflict := 1 if input.x\nconflict := 2 if input.x\n\n"
                      "test_errs if {\n\tconflict == 1 with input as {\"x\": true}\n}\n\n"
                      "test_undefined if {\n\tinput.nothing\n}\n")
    run = measured("policy", "test", "policy", "--eval-timeout", "30", cwd=tmp_path)
    assert run["code"] == 2, run  # a test erred
    out = run["stdout"]
    assert "PASS: 1/4" in out and "FAIL: 2/4" in out and "ERROR: 1/4" in out, out
    assert "data.main.test_errs: ERROR" in out and "data.main.test_undefined: FAIL (the test rule is undefined)" in out
