"""Policy evaluation is bounded: a policy that grows without end or loops stops at --eval-memory or
--eval-timeout with exit 2 naming the limit, the package and the document, and nothing outlives the
run. A catastrophic regex for backtracking engines is linear in OPA (RE2): it finishes.

The CLI runs in a subprocess of a small wrapper that reports the largest resident set of any process
of the run (cxgov and its workers), so "memory stays under the limit" is measured, not assumed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conftest import EVALUATION_DATE

MiB = 1 << 20
# what a worker holds besides what the limit counts: the interpreter and the loaded engine
WORKER_BASELINE = 160 * MiB

WRAPPER = """\
import json, os, resource, subprocess, sys, time
start = time.monotonic()
proc = subprocess.run([sys.executable, "-m", "cxgov", *sys.argv[1:]], capture_output=True, text=True)
print(json.dumps({"code": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr,
                  "seconds": time.monotonic() - start,
                  "max_rss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024}))
"""


def measured(*args: str, cwd: Path, tag: str | None = None) -> dict:
    """Run cxgov; its exit code, output, wall time and the largest RSS of cxgov or any worker."""
    env = {**os.environ, "NO_COLOR": "1", **({"CXGOV_TEST_TAG": tag} if tag else {})}
    proc = subprocess.run([sys.executable, "-c", WRAPPER, *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def leftover_processes(tag: str) -> list[int]:
    """Processes still running with the run's tag in their environment (workers inherit it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if f"CXGOV_TEST_TAG={tag}".encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def project(tmp_path: Path, rule_body: str, docs: list[dict] | None = None) -> Path:
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "bounded.rego").write_text(
        "package main\n\nimport rego.v1\n\ndeny contains msg if {\n" + rule_body + "}\n")
    for i, doc in enumerate(docs or [{"kind": "Deployment", "metadata": {"name": "api"}}]):
        (tmp_path / f"doc{i:03}.json").write_text(json.dumps(doc))
    return tmp_path


def check(tmp_path: Path, *extra: str, tag: str | None = None) -> dict:
    files = sorted(p.name for p in tmp_path.glob("doc*.json"))
    return measured("check", "--no-builtin", "-p", "policy", *files, "--evaluation-date", EVALUATION_DATE,
                    *extra, cwd=tmp_path, tag=tag)


def test_an_unbounded_collection_stops_at_the_memory_limit(tmp_path):
    project(tmp_path, '\tinput.kind == "Deployment"\n\tn := count([x | some x in numbers.range(1, 1e8)])\n'
                      '\tmsg := sprintf("%d", [n])\n')
    tag = uuid.uuid4().hex
    run = check(tmp_path, "--eval-memory", "384MiB", tag=tag)
    assert run["code"] == 2, run
    error = run["stderr"]
    assert "memory limit of 384 MiB per worker (--eval-memory)" in error, error
    assert "package main (policy/bounded.rego)" in error and "doc000.json" in error, error
    assert run["stdout"] == ""  # nothing reported as a result
    assert run["max_rss"] < 384 * MiB + WORKER_BASELINE, run["max_rss"] / MiB
    assert leftover_processes(tag) == []


def test_an_endless_loop_stops_at_the_time_limit(tmp_path):
    project(tmp_path, '\tinput.kind == "Deployment"\n\tsome i in numbers.range(1, 100000)\n'
                      '\tsome j in numbers.range(1, 100000)\n\ti * j < 0\n\tmsg := "never"\n')
    tag = uuid.uuid4().hex
    run = check(tmp_path, "--eval-timeout", "3", tag=tag)
    assert run["code"] == 2, run
    assert "time limit of 3 s per batch (--eval-timeout)" in run["stderr"], run["stderr"]
    assert "package main (policy/bounded.rego)" in run["stderr"] and "doc000.json" in run["stderr"]
    assert run["seconds"] < 3 + 30  # the limit, plus starting Python and the engine on a busy runner
    assert leftover_processes(tag) == []


def test_the_document_that_hit_the_limit_is_named_among_many(tmp_path):
    docs = [{"kind": "Deployment", "metadata": {"name": f"app-{i}"}, "spin": i == 150} for i in range(300)]
    project(tmp_path, '\tinput.spin\n\tsome i in numbers.range(1, 100000)\n\tsome j in numbers.range(1, 100000)\n'
                      '\ti * j < 0\n\tmsg := "never"\n', docs)
    tag = uuid.uuid4().hex
    run = check(tmp_path, "--eval-timeout", "3", "-j", "2", tag=tag)
    assert run["code"] == 2, run
    assert "doc150.json" in run["stderr"] and "--eval-timeout" in run["stderr"], run["stderr"]
    assert leftover_processes(tag) == []


def test_a_catastrophic_regex_for_backtracking_engines_finishes(tmp_path):
    # ^(a+)+$ against "aaa...a!" takes exponential time in a backtracking engine; OPA's regex is RE2
    project(tmp_path, '\tregex.match("^(a+)+$", input.text)\n\tmsg := "matched"\n',
            [{"text": "a" * 30000 + "!"}, {"text": "a" * 30000}])
    run = check(tmp_path, "--eval-timeout", "20", "-o", "json")
    assert run["code"] == 1, run  # the second document matches, the first does not: no hang either way
    findings = json.loads(run["stdout"])["findings"]
    assert [f["location"]["file"] for f in findings] == ["doc001.json"]


def test_a_regex_workload_past_the_time_limit_stops(tmp_path):
    project(tmp_path, '\tsome i in numbers.range(1, 10000000)\n\tregex.match("^(a|aa)+b$", concat("", [input.text, '
                      'format_int(i, 10)]))\n\tmsg := "matched"\n', [{"text": "a" * 5000}])
    run = check(tmp_path, "--eval-timeout", "3")
    assert run["code"] == 2, run
    assert "time limit" in run["stderr"] and "package main" in run["stderr"] and "doc000.json" in run["stderr"]
    assert run["seconds"] < 3 + 30


def test_bounds_apply_to_an_engine_made_anywhere_in_the_command():
    from cxgov.engine.bounds import EvalBounds, current, evaluation_bounds
    from cxgov.engine.embedded import EmbeddedEngine

    assert EmbeddedEngine().bounds == EvalBounds()
    with evaluation_bounds(EvalBounds(7, 256 * MiB)):
        assert current() == EvalBounds(7, 256 * MiB) and EmbeddedEngine().bounds.timeout == 7
    assert current() == EvalBounds()


@pytest.mark.parametrize("text, size", [("512M", 512 * MiB), ("2GiB", 2 << 30), ("1.5G", 3 << 29),
                                        (str(100 * MiB), 100 * MiB)])
def test_memory_sizes(text, size):
    from cxgov.engine.bounds import parse_size

    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["lots", "12", "-1G", "2X"])
def test_bad_memory_sizes_are_usage_errors(tmp_path, text):
    project(tmp_path, '\tinput.kind == "x"\n\tmsg := "x"\n')
    run = check(tmp_path, "--eval-memory", text)
    assert run["code"] == 2 and "--eval-memory" in run["stderr"], run


def test_result_type_errors_name_the_rule_file_line_and_column(tmp_path):
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "typed.rego").write_text("package main\n\nimport rego.v1\n\ndeny contains 5 if {\n"
                                                     "\tinput.kind\n}\n")
    (tmp_path / "doc000.json").write_text('{"kind": "x"}')
    run = check(tmp_path)
    assert run["code"] == 2
    assert "policy/typed.rego:5:1: a result of data.main.deny is int, not a message" in run["stderr"], run["stderr"]


def test_builtin_errors_name_file_line_and_column(tmp_path):
    project(tmp_path, '\tx := to_number(input.kind)\n\tmsg := sprintf("%v", [x])\n')
    run = check(tmp_path)
    assert run["code"] == 2
    assert "policy/bounded.rego:6:7: eval_builtin_error: to_number" in run["stderr"], run["stderr"]
    assert "doc000.json" in run["stderr"]


def test_an_evaluation_within_the_limits_is_unchanged(tmp_path):
    started = time.monotonic()
    project(tmp_path, '\tinput.kind == "Deployment"\n\tmsg := sprintf("deployment %s", [input.metadata.name])\n')
    run = check(tmp_path, "--eval-timeout", "30", "--eval-memory", "256M", "-o", "json")
    assert run["code"] == 1, run
    assert [f["message"] for f in json.loads(run["stdout"])["findings"]] == ["deployment api"]
    assert time.monotonic() - started < 60
