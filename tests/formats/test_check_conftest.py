"""Conftest conventions through the real `cxgov check`: verdicts, counts and messages.

The expected tallies follow conftest's own counting (policy/engine.go): per document and namespace,
one test per control-rule definition; an `exception` turns a whole rule into one exception.
"""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import DATA, EVALUATION_DATE, ROOT

CASE = DATA / "conftest"
BASE = ("check", "--no-builtin", "--evaluation-date", EVALUATION_DATE)


@pytest.fixture
def case(tmp_path):
    target = tmp_path / "case"
    shutil.copytree(CASE, target)
    return target


def as_json(run):
    assert run.stderr == "", run.stderr
    return json.loads(run.stdout)


def findings(doc):
    return sorted((f["rule_id"], f["gate"], f["subject"], f["message"]) for f in doc["findings"])


def test_default_namespace_main_verdict_counts_and_messages(case, cxgov):
    run = cxgov(*BASE, "files", "-d", "data", "-o", "json", cwd=case)
    assert run.code == 1
    doc = as_json(run)
    assert doc["verdict"]["counts"] == {"tests": 20, "successes": 14, "warn": 2, "deny": 3, "exceptions": 1, "waived": 0,
                                       "findings": 5, "pre_enforcement": 0}
    assert findings(doc) == [
        ("K8S-ROOT", "deny", "files/app.yaml#Deployment/chat-api", "Deployment chat-api must set runAsNonRoot"),
        ("K8S-TAG", "deny", "files/app.yaml#Deployment/chat-api", "container api uses the latest tag"),
        ("main.violation", "deny", "files/app.yaml#Deployment/chat-api", "registry docker.io is not allowed"),
        ("main.warn", "warn", "files/app.yaml#Service/chat-api", "Service chat-api is exposed through a LoadBalancer"),
        ("main.warn_labels", "warn", "files/app.yaml#Service/chat-api", "missing app label"),
    ]
    # the exception rule turned deny_image_tag off for legacy-batch, and only there
    assert [c["exceptions"] for c in doc["checks"] if c["subject"] == "files/legacy.yaml#Deployment/legacy-batch"] == [["deny_image_tag"]]


def test_text_summary_line_is_conftest_shaped(case, cxgov):
    run = cxgov(*BASE, "files", "-d", "data", cwd=case)
    assert run.code == 1
    assert "20 tests, 14 passed, 2 warnings, 3 failures, 1 exception" in run.stdout


def test_object_results_keep_metadata_and_loc(case, cxgov):
    doc = as_json(cxgov(*BASE, "files", "-d", "data", "-o", "json", cwd=case))
    by_rule = {f["rule_id"]: f for f in doc["findings"]}
    assert by_rule["main.violation"]["metadata"] == {"registry": "docker.io"}
    assert by_rule["main.violation"]["location"] == {"file": "files/app.yaml", "line": 2}
    assert by_rule["main.warn_labels"]["location"] == {"file": "files/labels-policy.md", "line": 7}
    assert by_rule["main.warn"]["location"] == {"file": "files/app.yaml", "line": 13}


def test_metadata_annotations_reach_findings(case, cxgov):
    doc = as_json(cxgov(*BASE, "files", "-d", "data", "-o", "json", cwd=case))
    root = next(f for f in doc["findings"] if f["rule_id"] == "K8S-ROOT")
    assert root["title"] == "Workloads run as non-root"
    assert root["severity"] == "high"
    assert root["controls"] == {"soc2": ["CC6.8"]}  # package-scope frameworks, rule-scope id
    assert root["remediation"].startswith("Set spec.template.spec.securityContext.runAsNonRoot")
    tag = next(f for f in doc["findings"] if f["rule_id"] == "K8S-TAG")
    assert (tag["severity"], tag["controls"]) == ("medium", {"soc2": ["CC8.1"]})


def test_data_files_merge_under_data_and_keep_norway_a_string(case, cxgov):
    # registries.yaml lists `NO` (unquoted): YAML 1.2 keeps it the string "NO", so an image from
    # registry "NO" is allowed; under YAML 1.1 it would be `false` and the image would be denied
    (case / "files" / "no.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: nordic}\nspec:\n  template:\n    spec:\n"
        "      securityContext: {runAsNonRoot: true}\n      containers: [{name: a, image: NO/app@sha256:1}]\n"
    )
    doc = as_json(cxgov(*BASE, "files/no.yaml", "-d", "data", "-o", "json", cwd=case))
    assert doc["findings"] == []
    without_data = cxgov(*BASE, "files/no.yaml", "-o", "json", cwd=case)
    assert [f["rule_id"] for f in as_json(without_data)["findings"]] == ["main.violation"]


def test_namespace_globs_and_all_namespaces(case, cxgov):
    network_only = as_json(cxgov(*BASE, "files", "-p", "policy", "-p", "network", "-n", "kubernetes.*", "-o", "json", cwd=case))
    assert findings(network_only) == [("kubernetes.network.deny", "deny", "files/ingress.yaml#Ingress/chat", "Ingress chat serves plain HTTP")]
    assert network_only["verdict"]["counts"]["tests"] == 4  # one rule, four documents
    both = as_json(cxgov(*BASE, "files", "-d", "data", "-p", "policy", "-p", "network", "--all-namespaces", "-o", "json", cwd=case))
    assert both["verdict"]["counts"] == {"tests": 24, "successes": 17, "warn": 2, "deny": 4, "exceptions": 1, "waived": 0,
                                    "findings": 6, "pre_enforcement": 0}


def test_fail_on_warn_and_no_fail(case, cxgov):
    service_only = ("files/app.yaml", "-d", "data", "--exclude", "legacy.yaml")
    warn_only = cxgov(*BASE, "files/ingress.yaml", "-d", "data", cwd=case)
    assert warn_only.code == 0
    (case / "svc.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: LoadBalancer}\n")
    assert cxgov(*BASE, "svc.yaml", cwd=case).code == 0
    assert cxgov(*BASE, "svc.yaml", "--fail-on-warn", cwd=case).code == 1
    assert cxgov(*BASE, "svc.yaml", "--fail-on", "warn", cwd=case).code == 1
    assert cxgov(*BASE, *service_only, cwd=case).code == 1
    assert cxgov(*BASE, *service_only, "--no-fail", cwd=case).code == 0
    # --no-fail never hides an error
    assert cxgov(*BASE, "missing.yaml", "--no-fail", cwd=case).code == 2


def test_combine_evaluates_one_list_of_path_and_contents(case, cxgov):
    (case / "combined").mkdir()
    (case / "combined" / "routes.rego").write_text(
        "package combined\n\nimport rego.v1\n\n"
        "documents contains doc if {\n\tsome file in input\n\tis_array(file.contents)\n\tsome doc in file.contents\n}\n\n"
        "documents contains file.contents if {\n\tsome file in input\n\tis_object(file.contents)\n}\n\n"
        "service_named(name) if {\n\tsome d in documents\n\td.kind == \"Service\"\n\td.metadata.name == name\n}\n\n"
        "deny contains msg if {\n\tsome ing in documents\n\ting.kind == \"Ingress\"\n\tname := ing.metadata.name\n\tnot service_named(name)\n"
        "\tmsg := sprintf(\"Ingress %s routes to no Service\", [ing.metadata.name])\n}\n\n"
        "warn contains msg if {\n\tmsg := sprintf(\"%d files\", [count(input)])\n}\n"
    )
    doc = as_json(cxgov(*BASE, "files/app.yaml", "files/ingress.yaml", "-p", "combined", "-n", "combined",
                        "--combine", "-o", "json", cwd=case))
    assert findings(doc) == [
        ("combined.deny", "deny", "combined", "Ingress chat routes to no Service"),
        ("combined.warn", "warn", "combined", "2 files"),
    ]
    assert [s["id"] for s in doc["subjects"]] == ["combined"]


def test_conftest_toml_supplies_defaults(case, cxgov):
    (case / "conftest.toml").write_text('policy = ["policy", "network"]\nnamespace = ["kubernetes.network"]\n')
    doc = as_json(cxgov(*BASE, "files/ingress.yaml", "-o", "json", cwd=case))
    assert [f["rule_id"] for f in doc["findings"]] == ["kubernetes.network.deny"]
    # a cxgov.toml wins over conftest.toml, and a flag wins over both
    (case / "cxgov.toml").write_text('[check]\nnamespace = "main"\ndata = "data"\n')
    doc = as_json(cxgov(*BASE, "files/app.yaml", "-o", "json", cwd=case))
    assert {f["rule_id"] for f in doc["findings"]} >= {"K8S-ROOT"}
    doc = as_json(cxgov(*BASE, "files/ingress.yaml", "-p", "network", "-n", "kubernetes.network", "-o", "json", cwd=case))
    assert [f["rule_id"] for f in doc["findings"]] == ["kubernetes.network.deny"]


def test_stdin_dash_reads_one_stream(case, cxgov):
    text = (case / "files" / "ingress.yaml").read_text()
    doc = as_json(cxgov(*BASE, "-", "-p", "network", "-n", "kubernetes.network", "-o", "json", cwd=case, stdin=text))
    assert [(f["rule_id"], f["location"]["file"]) for f in doc["findings"]] == [("kubernetes.network.deny", "-")]


def test_deny_suffix_and_violation_count_as_failures_warn_suffix_as_warning(case, cxgov):
    doc = as_json(cxgov(*BASE, "files/app.yaml", "-d", "data", "-o", "json", cwd=case))
    gates = {f["query"]: f["gate"] for f in doc["findings"]}
    assert gates == {"data.main.deny": "deny", "data.main.deny_image_tag": "deny", "data.main.violation": "deny",
                     "data.main.warn": "warn", "data.main.warn_labels": "warn"}


def test_evaluation_date_reaches_input_and_data(tmp_path, cxgov):
    (tmp_path / "p.rego").write_text(
        "package main\n\nimport rego.v1\n\n"
        "warn contains msg if {\n\tmsg := sprintf(\"%s %s\", [input.evaluation_date, data.cxgov.run.evaluation_date])\n}\n"
    )
    (tmp_path / "a.json").write_text('{"x": 1}')
    doc = as_json(cxgov("check", "--no-builtin", "-p", "p.rego", "a.json", "--evaluation-date", "2027-01-02", "-o", "json", cwd=tmp_path))
    assert [f["message"] for f in doc["findings"]] == ["2027-01-02 2027-01-02"]


def test_policies_above_the_working_directory_are_found_and_hidden_ones_skipped(tmp_path, cxgov):
    """`-p ../policy` names a directory by a path that starts with `..`: its policies load; a hidden
    directory below it (an editor's or VCS's) is skipped."""
    policy = tmp_path / "policy"
    (policy / ".backup").mkdir(parents=True)
    (policy / "main.rego").write_text('package main\n\nimport rego.v1\n\ndeny contains "no" if input.bad\n')
    (policy / ".backup" / "old.rego").write_text("package main\n\nthis is not rego\n")
    work = tmp_path / "work"
    work.mkdir()
    (work / "app.yaml").write_text("bad: true\n")
    run = cxgov("check", "--no-builtin", "-p", "../policy", "app.yaml", cwd=work)
    assert run.code == 1, run.stderr
    assert "no" in run.stdout


def test_combine_makes_a_descriptor_part_of_the_one_input_not_a_system_of_its_own(case, cxgov):
    # conftest's --combine: one input, so a cxgov descriptor among the files is in it as any file is,
    # and no system view is built beside it
    descriptor = (ROOT / "examples" / "acme-cx" / "noncompliant" / "cxgov" / "descriptor.yaml").read_text()
    (case / "files" / "descriptor.yaml").write_text(descriptor)
    (case / "counted").mkdir()
    (case / "counted" / "count.rego").write_text(
        "package counted\n\nimport rego.v1\n\nwarn contains msg if {\n\tmsg := sprintf(\"%d files\", [count(input)])\n}\n")
    run = cxgov(*BASE, "files/app.yaml", "files/descriptor.yaml", "-p", "counted", "-n", "counted", "--combine",
                "--no-models", "--no-ui", "-o", "json", cwd=case)
    assert run.code == 0, run.stderr
    doc = json.loads(run.stdout)
    assert [s["id"] for s in doc["subjects"]] == ["combined"]
    assert findings(doc) == [("counted.warn", "warn", "combined", "2 files")]
