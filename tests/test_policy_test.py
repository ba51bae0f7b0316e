"""`cxgov policy test`: conftest-style unit tests run on the embedded engine, crash-isolated per file."""

from __future__ import annotations

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
    status = {line.split(": ")[1]: line.split(": ")[2].split()[0] for line in lines if "data.main." in line}
    assert status == {
        "data.main.test_root_denied": "PASS",
        "data.main.test_non_root_allowed": "PASS",
        "data.main.test_latest_tag": "PASS",
        "data.main.test_deliberately_wrong": "FAIL",
    }
    assert "PASS: 3/4" in run.stdout and "FAIL: 1/4" in run.stdout
    assert "policy/main_test.rego:19: data.main.test_deliberately_wrong: FAIL (line 20: assertion is not true)" in run.stdout


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


def test_a_crashing_file_is_that_files_error_and_others_still_run(tmp_path, cxgov):
    # `with` inside a helper rule (not a test) is left as written, and rego-cpp aborts on it
    write(tmp_path, {
        "p/main.rego": POLICY,
        "p/crash_test.rego": HEAD + "helper if {\n\tcount(deny) == 1 with input as {\"containers\": [{\"name\": \"a\"}]}\n}\n\n"
                                    "test_helper if {\n\thelper\n}\n",
        "p/good_test.rego": HEAD + "test_ok if {\n\tdeny[\"bad a\"] with input as {\"containers\": [{\"name\": \"a\"}]}\n}\n",
    })
    run = cxgov("policy", "test", "p", "-v", cwd=tmp_path)
    assert run.code == 2
    assert "p/crash_test.rego:1: <file>: ERROR (the embedded engine crashed (SIGABRT)" in run.stdout
    assert "data.main.test_ok: PASS" in run.stdout


def test_with_data_is_reported_not_silently_passed(tmp_path, cxgov):
    write(tmp_path, {"p/main.rego": POLICY, "p/main_test.rego": HEAD + "test_data if {\n\tdeny with data.x as 1\n}\n"})
    run = cxgov("policy", "test", "p", cwd=tmp_path)
    assert run.code == 2
    assert "with data.x as ..." in run.stdout and "ERROR" in run.stdout


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
