"""`-o junit` as test reporters read it: parsed with junitparser, from real runs of `cxgov check`.

One test case per (rule, subject), each with a time, a file and a line; deny findings fail, warnings are
reported as warnings (skipped, type warning), waived ones as waived; names are unique.
"""

from __future__ import annotations

import shutil
from collections import defaultdict

import pytest
from junitparser import Attr, Failure, JUnitXml, Skipped, TestCase

from conftest import DATA, EVALUATION_DATE, run_cxgov
from evidence_bundles import EXAMPLE


class Case(TestCase):
    """A test case with the attributes annotating reporters read."""

    file = Attr()
    line = Attr()


def cases(path) -> list[Case]:
    return [Case.fromelem(c._elem) for suite in JUnitXml.fromfile(str(path)) for c in suite]


@pytest.fixture(scope="module")
def acme(tmp_path_factory):
    """The non-compliant example without its live sources: findings of every gate and a waiver."""
    variant = tmp_path_factory.mktemp("junit") / "noncompliant"
    shutil.copytree(EXAMPLE / "noncompliant", variant)
    run = run_cxgov("check", "cxgov", "k8s", "terraform/plan.json", "--no-models", "--no-ui", "--evaluation-date",
                    EVALUATION_DATE, "-o", "junit=report.xml", "-o", "json=report.json", cwd=variant)
    assert run.code == 1, run.stderr
    import json

    return variant, cases(variant / "report.xml"), json.loads((variant / "report.json").read_text())


def test_one_case_per_rule_and_subject_with_time_file_and_line(acme):
    variant, all_cases, result = acme
    names = [c.name for c in all_cases]
    assert len(names) == len(set(names))  # unique
    assert not any("passed" in n for n in names)  # no placeholders
    for c in all_cases:
        assert c.time == 0.0 and c._elem.get("time") == "0"  # a number, never NaN in a reporter
        assert c.file and (variant / c.file).is_file(), c.name
        assert c.line and int(c.line) >= 1, c.name
    pairs = defaultdict(list)
    for f in result["findings"]:
        pairs[f"{f['rule_id']}: {f['subject']}"].append(f)
    assert set(pairs) <= set(names)  # every finding's pair is a case
    assert len(names) > len(pairs)  # and so is every rule that passed on a subject
    by_name = {c.name: c for c in all_cases}
    for name, findings in pairs.items():
        case = by_name[name]
        [outcome] = case.result
        if any(f["gate"] == "deny" and not f["waiver"] for f in findings):
            assert isinstance(outcome, Failure) and outcome.type == findings[0]["rule_id"]
            first = min(findings, key=lambda f: (f["location"]["file"] or "", f["location"]["line"] or 0))
            assert case.file == (first["location"]["file"] or case.file)
        elif any(not f["waiver"] for f in findings):
            assert isinstance(outcome, Skipped) and outcome.type == "warning"
            assert outcome.message.startswith("warning: ")
        else:
            assert isinstance(outcome, Skipped) and outcome.type == "waived"


def test_failures_are_the_cases_that_fail_the_gate(acme):
    _, all_cases, result = acme
    xml = JUnitXml.fromfile(str(acme[0] / "report.xml"))
    failing = {(f["rule_id"], f["subject"]) for f in result["findings"] if f["gate"] == "deny" and not f["waiver"]}
    assert xml.failures == len(failing) == sum(c.is_failure for c in all_cases)
    assert xml.tests == len(all_cases) and xml.errors == 0
    assert xml.skipped == sum(c.is_skipped for c in all_cases) > 0
    waived = [c for c in all_cases if c.is_skipped and c.result[0].type == "waived"]
    assert waived and "[waived:" in waived[0].result[0].message


def test_conftest_policies_each_case_a_rule_and_document(tmp_path):
    case = tmp_path / "case"
    shutil.copytree(DATA / "conftest", case)
    run = run_cxgov("check", "--no-builtin", "--evaluation-date", EVALUATION_DATE, "files", "-d", "data",
                    "-o", "junit=r.xml", cwd=case)
    assert run.code == 1, run.stderr
    by_name = {c.name: c for c in cases(case / "r.xml")}
    root = by_name["K8S-ROOT: files/app.yaml#Deployment/chat-api"]
    assert root.is_failure and (root.file, root.line) == ("files/app.yaml", "2")  # the document starts at line 2
    warned = by_name["main.warn: files/app.yaml#Service/chat-api"]
    assert warned.is_skipped and warned.result[0].type == "warning" and warned.file == "files/app.yaml"
    # the exception rule turned deny_image_tag off for legacy-batch: skipped as an exception, not passed
    legacy = [c for n, c in by_name.items() if n.endswith("files/legacy.yaml#Deployment/legacy-batch")
              and c.is_skipped and c.result[0].type == "exception"]
    assert len(legacy) == 1
