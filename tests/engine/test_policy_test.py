"""`cxgov policy test`: conftest-style unit tests, run natively by the embedded OPA."""

from __future__ import annotations

import json
import shutil

from conftest import DATA

HEAD = "package main\n\nimport rego.v1\n\n"
POLICY = HEAD + (
    "names contains n if {\n\tsome c in input.containers\n\tn := c.name\n}\n\n"
    "deny contains msg if {\n\tsome n in names\n\tmsg := sprintf(\"bad %s\", [n])\n}\n"
)


def write(tmp_path, files: dict[str, str]):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)


def test_with_input_tests_pass_and_fail_as_opa_would(tmp_path, cxgov):
    shutil.copytree(DATA / "conftest" / "policy", tmp_path / "policy")
    run = cxgov("policy", "test", "policy", "-v", cwd=tmp_path)
    assert run.code == 1
    lines = run.stdout.splitlines()
    status = {line.split(": ")[1]: line.split(": ")[2].split()[0] for line in lines
              if "data.main." in line and not line.startswith(" ")}  # indented: trace lines
    assert status == {
        "data.main.test_root_denied": "PASS",
        "data.main.test_non_root_allowed": "PASS",
        "data.main.test_latest_tag": "PASS",
        "data.main.test_deliberately_wrong": "FAIL",
    }
    assert "PASS: 3/4" in run.stdout and "FAIL: 1/4" in run.stdout
    assert "policy/main_test.rego:19: data.main.test_deliberately_wrong: FAIL (the test rule is undefined)" in run.stdout
    # -v prints OPA's trace of the failing test: the expression that failed, with its line
    trace = run.stdout.split("test_deliberately_wrong: FAIL", 1)[1].split("------", 1)[0]
    assert "Fail  policy/main_test.rego:20: " in trace and "count(" in trace


def test_fixture_binding_and_several_inputs_in_one_test(tmp_path, cxgov):
    write(tmp_path, {"p/main.rego": POLICY, "p/main_test.rego": HEAD + (
        "test_two_inputs if {\n"
        "\tbad := {\"containers\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}\n"
        "\tcount(deny) == 2 with input as bad\n"
        "\tr := deny with input as {\"containers\": []}\n"
        "\tcount(r) == 0\n"
        "}\n\n"
        "test_plain if {\n\tcount(names) == 0\n}\n"
    )})
    run = cxgov("policy", "test", "p", cwd=tmp_path)
    assert run.code == 0, run.stdout + run.stderr
    assert "PASS: 2/2" in run.stdout


def test_an_erroring_test_is_named_and_the_others_still_run(tmp_path, cxgov):
    # a builtin error aborts OPA's evaluation of the whole run; the runner then finds the test
    write(tmp_path, {
        "p/main.rego": POLICY,
        "p/err_test.rego": HEAD + "test_divides if {\n\tx := 1 / count(deny)\n\tx > 0\n}\n",
        "p/good_test.rego": HEAD + "test_ok if {\n\tdeny[\"bad a\"] with input as {\"containers\": [{\"name\": \"a\"}]}\n}\n",
    })
    run = cxgov("policy", "test", "p", "-v", cwd=tmp_path)
    assert run.code == 2
    assert "p/err_test.rego:5: data.main.test_divides: ERROR (p/err_test.rego:6:9: eval_builtin_error: div: divide by zero)" in run.stdout
    assert "data.main.test_ok: PASS" in run.stdout


def test_with_data_and_function_mocks_as_in_opa(tmp_path, cxgov):
    policy = HEAD + ("limit := data.limits.max\n\n"
                     "deny contains \"too many\" if count(input.items) > limit\n\n"
                     "deny contains \"weekend\" if day_of(input.t) == \"Saturday\"\n\n"
                     "day_of(t) := time.weekday(time.parse_rfc3339_ns(t))\n")
    tests = HEAD + ("test_data_override if {\n\tdeny[\"too many\"] with input as {\"items\": [1, 2], \"t\": \"2026-12-07T10:00:00Z\"}"
                    " with data.limits.max as 1\n}\n\n"
                    "test_function_mock if {\n\tdeny[\"weekend\"] with input as {\"items\": [], \"t\": \"2026-12-07T10:00:00Z\"}"
                    " with data.limits.max as 5 with day_of as \"Saturday\"\n}\n\n"
                    "test_rfc3339_with_z if {\n\tnot deny[\"weekend\"] with input as {\"items\": [], \"t\": \"2026-12-05T10:00:00Z\"}"
                    " with data.limits.max as 5\n}\n")
    write(tmp_path, {"p/main.rego": policy, "p/main_test.rego": tests})
    run = cxgov("policy", "test", "p", "-v", cwd=tmp_path)
    assert run.code == 1, run.stdout + run.stderr  # 2026-12-05 is a Saturday: the last test fails
    assert "test_data_override: PASS" in run.stdout and "test_function_mock: PASS" in run.stdout
    assert "test_rfc3339_with_z: FAIL" in run.stdout


def test_coverage_reports_uncovered_policy_lines(tmp_path, cxgov):
    policy = HEAD + ("deny contains \"a\" if input.a\n\n"
                     "deny contains \"b\" if {\n\tinput.b\n\tinput.c\n}\n")
    write(tmp_path, {"p/main.rego": policy, "p/main_test.rego": HEAD + "test_a if deny[\"a\"] with input as {\"a\": true}\n"})
    run = cxgov("policy", "test", "p", "--coverage", cwd=tmp_path)
    assert run.code == 0, run.stdout + run.stderr
    line = next(x for x in run.stdout.splitlines() if "p/main.rego" in x and "%" in x)
    assert "not covered:" in line and "9" in line.split("not covered:")[1]  # `input.c` never runs
    as_json = cxgov("policy", "test", "p", "--coverage", "json", cwd=tmp_path)
    report = json.loads(as_json.stdout[as_json.stdout.index("{"):])
    assert report["files"]["p/main.rego"]["not_covered_lines"] >= 1 and report["coverage"] < 100


def test_run_filter_and_no_tests(tmp_path, cxgov):
    shutil.copytree(DATA / "conftest" / "policy", tmp_path / "policy")
    run = cxgov("policy", "test", "policy", "-r", "latest", "-v", cwd=tmp_path)
    assert run.code == 0 and "PASS: 1/1" in run.stdout
    write(tmp_path, {"only/main.rego": POLICY})
    assert cxgov("policy", "test", "only", cwd=tmp_path).code == 2


def test_lint_errors_stop_policy_test(tmp_path, cxgov):
    write(tmp_path, {"p/main.rego": "package main\n\nallow {\n\ttrue\n}\n", "p/main_test.rego": HEAD + "test_a if allow\n"})
    run = cxgov("policy", "test", "p", cwd=tmp_path)
    assert run.code == 2 and "p/main.rego:3:" in run.stderr
