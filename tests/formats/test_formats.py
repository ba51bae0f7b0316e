"""The output formats, rendered from one hand-built Result."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cxgov import formats
from cxgov.errors import CxgovError
from cxgov.formats.github import escape_data, escape_property
from cxgov.formats.junit import namespace_of
from cxgov.formats.markdown import cell
from cxgov.gate import verdict
from cxgov.model import Check, Finding, Location, Result, RuleInfo, RunInfo, SubjectRef, Waiver
from conftest import DATA, ROOT

# The SARIF 2.1.0 schema as the SARIF SDK ships it: `sarif-2.1.0.json` from the npm package
# @microsoft/sarif-multitool-linux 5.7.0 (MIT, github.com/microsoft/sarif-sdk), copied unchanged.
SARIF_SCHEMA = DATA / "sarif-2.1.0.json"
SARIF_SCHEMA_SHA256 = "1c49a0f2b60444c71bb14878e21e0d882198eff4c539861b133093ad89ed798c"

ANSI = re.compile(r"\x1b\[[0-9;]*m")
NASTY = "region eu-west-1 | us-east-1\nsee 100% of pods: a, b"


def _finding(rule_id, gate, message, subject, file, line=None, **kw) -> Finding:
    return Finding(
        rule_id=rule_id,
        title=kw.pop("title", f"Title of {rule_id}"),
        severity=kw.pop("severity", "high"),
        gate=gate,
        message=message,
        subject=subject,
        location=Location(file, line),
        query=kw.pop("query", "data.cxgov.residency.deny"),
        **kw,
    )


WAIVER = Waiver(
    rule="SOC2-004",
    subject="k8s/*",
    reason="legacy logging sidecar",
    approved_by="dpo@example.com",
    requested_by="dev@example.com",
    ticket="COMP-42",
    expires="2031-01-31",
)

FINDINGS = [
    _finding(
        "RES-002",
        "deny",
        "Deployment cx-router runs in us-east-1",
        "k8s/deploy.yaml#Deployment/cx-router",
        "k8s/deploy.yaml",
        12,
        severity="critical",
        controls={"gdpr": ["Art.44"], "soc2": ["CC6.1"]},
        remediation="Pin the region to an EU region.",
    ),
    _finding("RES-002", "deny", NASTY, "terraform/plan.json#aws_s3_bucket.logs", "terraform/plan.json", 40),
    _finding(
        "SOC2-004",
        "warn",
        "Audit log retention is 30 days",
        "k8s/deploy.yaml#Deployment/cx-router",
        "k8s/deploy.yaml",
        30,
        severity="medium",
        query="data.cxgov.soc2.warn",
    ),
    _finding(
        "SOC2-004",
        "deny",
        "Audit log retention is 7 days",
        "k8s/logging.yaml#DaemonSet/fluent",
        "k8s/logging.yaml",
        3,
        severity="medium",
        waiver=WAIVER,
        controls={"soc2": ["CC7.2"]},
    ),
    _finding(
        "AIA-012",
        "warn",
        "Model version lacks a training dataset record",
        "models:/cx-router/7",
        "models:/cx-router/7",
        severity="low",
        pre_enforcement=True,
        controls={"eu-ai-act": ["Art.12"]},
        query="data.cxgov.ai_act.deny",
    ),
    _finding("main.deny", "deny", "no file for this one", "descriptor", None, query="data.main.deny", title=""),
]

SUBJECTS = [
    SubjectRef("kubernetes", "k8s/deploy.yaml#Deployment/cx-router", Location("k8s/deploy.yaml", 1), "a" * 64),
    SubjectRef("kubernetes", "k8s/logging.yaml#DaemonSet/fluent", Location("k8s/logging.yaml", 1), "b" * 64),
    SubjectRef("terraform-plan", "terraform/plan.json#aws_s3_bucket.logs", Location("terraform/plan.json"), "c" * 64),
    SubjectRef("model-version", "models:/cx-router/7", Location("models:/cx-router/7"), "d" * 64),
    SubjectRef("descriptor", "descriptor", Location(None), "e" * 64),
    SubjectRef("kubernetes", "k8s/quiet.yaml#Service/ok", Location("k8s/quiet.yaml", 1), "f" * 64),
]

CHECKS = [
    Check("k8s/deploy.yaml#Deployment/cx-router", "cxgov.residency", 3),
    Check("k8s/quiet.yaml#Service/ok", "cxgov.residency", 4, exceptions=("deny_public_service",)),
    Check("terraform/plan.json#aws_s3_bucket.logs", "cxgov.residency", 1),
    # as the engine records them: a check for every subject and package evaluated, those with only
    # findings too (no success), so every subject here was judged
    Check("k8s/deploy.yaml#Deployment/cx-router", "cxgov.soc2", 0),
    Check("k8s/logging.yaml#DaemonSet/fluent", "cxgov.residency", 0),
    Check("models:/cx-router/7", "cxgov.ai_act", 0),
    Check("descriptor", "main", 0),
]

RULES = {
    "RES-002": RuleInfo(
        id="RES-002",
        title="Workloads run in an EU region",
        description="Personal data of EU customers is processed in the EU.",
        severity="critical",
        frameworks={"gdpr": ["Art.44"], "soc2": ["CC6.1"]},
        remediation="Pin the region to an EU region.",
        package="cxgov.residency",
    ),
    "SOC2-004": RuleInfo(id="SOC2-004", title="Audit logs are kept a year", severity="medium", gate="warn"),
}

RUN = RunInfo(
    tool_version="0.1.0",
    engine="embedded",
    engine_version="OPA v1.20.2 (embedded)",
    evaluation_date="2026-03-01",
    policy_digest="0123456789abcdef" * 4,
    root="/home/someone/checkout",
)


def make_result(findings=FINDINGS, checks=CHECKS, subjects=SUBJECTS, fail_on="deny") -> Result:
    return Result(RUN, list(subjects), list(checks), list(findings), dict(RULES), verdict(findings, checks, fail_on))


@pytest.fixture
def result() -> Result:
    return make_result()


def render(name: str, result: Result, **kw) -> str:
    return formats.get(name).render(result, **kw)


# --- every format ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(formats.FORMATS))
def test_output_is_byte_stable_and_independent_of_input_order(name, result):
    first = render(name, result)
    shuffled = make_result(
        findings=list(reversed(FINDINGS)), checks=list(reversed(CHECKS)), subjects=list(reversed(SUBJECTS))
    )
    shuffled = dataclasses.replace(shuffled, rules=dict(reversed(list(RULES.items()))))
    assert render(name, result) == first
    assert render(name, shuffled) == first
    assert first.endswith("\n")


@pytest.mark.parametrize("name", sorted(formats.FORMATS))
def test_findings_that_tie_on_sort_key_keep_one_order(name):
    twin = dataclasses.replace(FINDINGS[1], severity="low", remediation="other")
    one, other = make_result(findings=[*FINDINGS, twin]), make_result(findings=[twin, *FINDINGS])
    assert render(name, one) == render(name, other)


def test_formats_import_nothing_heavy():
    code = (
        "import sys\n"
        "from cxgov import formats\n"
        "for name in formats.FORMATS: formats.get(name)\n"
        "print(sorted(m for m in ('jsonschema', 'rich', 'pydantic', 'yaml') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("name", sorted(formats.FORMATS))
def test_output_does_not_leak_the_machine_path(name, result):
    assert "/home/someone/checkout" not in render(name, result)


def test_format_attributes():
    for name in formats.FORMATS:
        fmt = formats.get(name)
        assert fmt.name == name
        assert fmt.extension.startswith(".")



def test_the_writer_makes_the_plain_result_once_for_every_format_read_by_people(tmp_path, monkeypatch):
    """-o text -o markdown -o github -o tap -o table: one plain_result per write, and only those formats
    read it (JSON keeps what the inputs said, escaped; a terminal format shows no control from them)."""
    import io

    from cxgov.commands import outputs
    from cxgov.formats._common import plain_result

    calls = []
    monkeypatch.setattr(outputs, "plain_result", lambda r: calls.append(r) or plain_result(r))
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    coloured = dataclasses.replace(FINDINGS[0], message="runs in \x1b[31mus-east-1\x1b[0m")
    people = ["text", "markdown", "github", "tap", "table"]
    targets = [outputs.Target(n, tmp_path / n) for n in [*people, "json"]]
    outputs.write_outputs(make_result(findings=[coloured]), targets, color=False, stdout=io.StringIO())
    assert len(calls) == 1
    assert sorted(n for n in formats.FORMATS if formats.get(n).reads_plain_result) == sorted(people)
    assert not [n for n in people if "\x1b" in (tmp_path / n).read_text()]
    assert all("runs in us-east-1" in (tmp_path / n).read_text() for n in ("text", "markdown"))
    assert json.loads((tmp_path / "json").read_text())["findings"][0]["message"] == coloured.message

# --- text -----------------------------------------------------------------------------------------------


def test_text_groups_by_file_with_labels(result):
    text = render("text", result)
    lines = text.splitlines()
    assert "k8s/quiet.yaml" not in text  # no findings: only counted
    deploy = lines.index("k8s/deploy.yaml")
    assert lines[deploy + 1].split()[:3] == ["FAIL", "k8s/deploy.yaml:12", "RES-002"]
    assert lines[deploy + 2].split()[:3] == ["WARN", "k8s/deploy.yaml:30", "SOC2-004"]
    waived = next(line for line in lines if "k8s/logging.yaml:3" in line)
    assert waived.split()[0] == "WAIVED"
    assert "COMP-42" in waived and "2031-01-31" in waived
    model = next(line for line in lines if "models:/cx-router/7" in line and "AIA-012" in line)
    assert model.split()[0] == "WARN" and "[pre-enforcement]" in model
    # a multi-line message continues under its message column
    first = next(line for line in lines if line.endswith("eu-west-1 | us-east-1"))
    assert lines[lines.index(first) + 1] == " " * first.index("region") + "see 100% of pods: a, b"


def test_text_summary_and_verdict(result):
    lines = render("text", result).splitlines()
    # the findings as the verdict counts them, then conftest's tally, labelled
    assert lines[-2] == ("6 findings (3 deny, 2 warn, 1 waived; 1 pre-enforcement) · "
                         "conftest-style: 15 tests, 8 passed, 2 warnings, 3 failures, 1 exception")
    assert lines[-1].startswith("FAIL (fail-on deny; 6 subjects, 5 with findings)")
    passing = make_result(findings=[], checks=[Check(SUBJECTS[0].id, "main", 1)], subjects=SUBJECTS[:1])
    assert render("text", passing).splitlines() == [
        "0 findings (0 deny, 0 warn, 0 waived) · conftest-style: 1 test, 1 passed, 0 warnings, 0 failures, "
        "0 exceptions",
        "PASS (fail-on deny; 1 subject, 0 with findings)",
    ]


def test_text_colour_only_when_asked(result):
    plain, coloured = render("text", result), render("text", result, color=True)
    assert not ANSI.search(plain)
    assert "\x1b[31mFAIL" in coloured and "\x1b[33mWARN" in coloured and "\x1b[36mWAIVED" in coloured
    assert ANSI.sub("", coloured) == plain


# --- json -----------------------------------------------------------------------------------------------


def test_json_round_trips(result):
    text = render("json", result)
    doc = json.loads(text)
    assert list(doc) == ["schema_version", "cxgov", "verdict", "subjects", "not_judged", "checks", "findings", "rules"]
    assert doc["schema_version"] == 2
    assert doc["not_judged"] == []
    # allow_nondeterministic is written only when a run allowed it, so ordinary results stay unchanged; the
    # root is "." (paths are relative to it), never the machine's directory
    assert doc["cxgov"] == {**{k: v for k, v in dataclasses.asdict(RUN).items() if k != "allow_nondeterministic"},
                            "root": "."}
    assert doc["verdict"] == json.loads(json.dumps(result.verdict.to_dict()))
    by_key = sorted(FINDINGS, key=Finding.sort_key)
    assert doc["findings"] == [json.loads(json.dumps(f.to_dict())) for f in by_key]
    assert [f["waiver"]["ticket"] for f in doc["findings"] if f["waiver"]] == ["COMP-42"]
    assert doc["rules"]["RES-002"] == json.loads(json.dumps(RULES["RES-002"].to_dict()))
    assert [c["subject"] for c in doc["checks"]] == sorted(c.subject for c in CHECKS)
    assert next(c for c in doc["checks"] if c["subject"] == "k8s/quiet.yaml#Service/ok") == {
        "exceptions": ["deny_public_service"],
        "namespace": "cxgov.residency",
        "subject": "k8s/quiet.yaml#Service/ok",
        "successes": 4,
    }
    assert [s["id"] for s in doc["subjects"]][0] == "descriptor"  # no file sorts first
    assert '  "cxgov": {' in text  # indent=2


# --- sarif ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator():
    import jsonschema

    raw = SARIF_SCHEMA.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SARIF_SCHEMA_SHA256
    schema = json.loads(raw)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    # artifactLocation.uri is a "uri-reference"; jsonschema checks that format only with rfc3986-validator
    assert "uri-reference" in cls.FORMAT_CHECKER.checkers, "pip install rfc3986-validator"
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_sarif_validates_against_the_schema(result, sarif_validator):
    doc = json.loads(render("sarif", result))
    errors = sorted(sarif_validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    # and the validator does reject a broken log
    broken = json.loads(json.dumps(doc))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    assert not sarif_validator.is_valid(broken)


def test_sarif_rules_and_results(result):
    doc = json.loads(render("sarif", result))
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json" and doc["version"] == "2.1.0"
    (run,) = doc["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["informationUri"]) == (
        "cxgov",
        "0.1.0",
        "https://github.com/cxgov/cxgov",
    )
    rules = {r["id"]: r for r in driver["rules"]}
    assert [r["id"] for r in driver["rules"]] == ["AIA-012", "RES-002", "SOC2-004", "main.deny"]
    res = rules["RES-002"]
    assert res["name"] == "WorkloadsRunInAnEURegion"
    assert res["shortDescription"]["text"] == "Workloads run in an EU region"
    assert res["fullDescription"]["text"] == "Personal data of EU customers is processed in the EU."
    assert res["help"]["text"] == "Pin the region to an EU region."
    assert "`gdpr/Art.44`" in res["help"]["markdown"]
    assert res["defaultConfiguration"]["level"] == "error"
    assert res["properties"] == {
        "security-severity": "9.5",
        "precision": "very-high",
        "tags": ["security", "compliance", "gdpr/Art.44", "soc2/CC6.1"],
    }
    assert rules["SOC2-004"]["defaultConfiguration"]["level"] == "warning"
    assert rules["SOC2-004"]["properties"]["security-severity"] == "5.5"
    # not in result.rules: made from the finding
    assert rules["AIA-012"]["properties"]["tags"] == ["security", "compliance", "eu-ai-act/Art.12"]
    assert rules["AIA-012"]["properties"]["security-severity"] == "3.0"
    assert rules["main.deny"]["name"] == "main.deny"  # empty title falls back to the id

    results = run["results"]
    assert len(results) == len(FINDINGS)
    for r in results:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
    by_message = {r["message"]["text"]: r for r in results}
    deny = by_message["Deployment cx-router runs in us-east-1"]
    assert deny["level"] == "error"
    assert deny["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "k8s/deploy.yaml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 12},
            }
        }
    ]
    # the identity, never the message (which may carry day counts)
    expected = hashlib.sha256(
        json.dumps(["RES-002", "k8s/deploy.yaml#Deployment/cx-router", "", ""], separators=(",", ":")).encode()
    ).hexdigest()
    assert deny["partialFingerprints"] == {"cxgovFinding/v2": expected}
    assert deny["properties"] == {
        "subject": "k8s/deploy.yaml#Deployment/cx-router",
        "severity": "critical",
        "gate": "deny",
        "controls": {"gdpr": ["Art.44"], "soc2": ["CC6.1"]},
        "pre_enforcement": False,
    }
    assert "suppressions" not in deny

    # a model version no descriptor declares: a repository file of the run stands in, the URI is in the
    # message and the properties (GitHub rejects a whole upload over one non-file URI)
    model = by_message["models:/cx-router/7: Model version lacks a training dataset record"]
    assert model["level"] == "warning" and model["properties"]["pre_enforcement"] is True
    assert model["properties"]["uri"] == "models:/cx-router/7"
    assert model["locations"] == [{"physicalLocation": {"artifactLocation": {"uri": "k8s/deploy.yaml",
                                                                             "uriBaseId": "%SRCROOT%"}}}]

    waived = by_message["Audit log retention is 7 days"]
    assert waived["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "legacy logging sidecar (ticket COMP-42; approved by dpo@example.com; expires 2031-01-31)",
            "properties": {
                "ticket": "COMP-42",
                "approved_by": "dpo@example.com",
                "requested_by": "dev@example.com",
                "expires": "2031-01-31",
            },
        }
    ]
    assert [r for r in results if "suppressions" in r] == [waived]
    assert by_message["no file for this one"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "k8s/deploy.yaml"
    assert all(r["locations"] for r in results)

    assert run["properties"] == {
        "evaluation_date": "2026-03-01",
        "engine": "embedded",
        "engine_version": "OPA v1.20.2 (embedded)",
        "policy_digest": RUN.policy_digest,
        "counts": dict(sorted(result.verdict.counts.items())),
        "not_judged": [],
    }
    assert run["invocations"] == [{"executionSuccessful": True}]
    assert "originalUriBaseIds" not in run
    assert "automationDetails" not in run  # no category given: upload-sarif's `category` applies
    assert all("helpUri" not in r for r in driver["rules"])  # only builtin rules have documentation


def test_sarif_builtin_rules_link_their_documentation_and_the_category_is_the_automation_id(monkeypatch):
    builtin = dict(RULES, **{"RES-002": dataclasses.replace(RULES["RES-002"], builtin=True)})
    result = dataclasses.replace(make_result(), rules=builtin)
    monkeypatch.setenv("CXGOV_SARIF_CATEGORY", "cxgov-acme")
    (run,) = json.loads(render("sarif", result))["runs"]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["RES-002"]["helpUri"] == "https://github.com/cxgov/cxgov/blob/main/docs/rules/RES-002.md"
    assert (ROOT / "docs" / "rules" / "RES-002.md").is_file()
    assert run["automationDetails"] == {"id": "cxgov-acme/"}


def test_sarif_fingerprints_ignore_the_message_and_number_findings_sharing_an_identity():
    day1 = _finding("main.deny", "deny", "certificate expires in 30 days", "k8s/a.yaml#Secret/tls", "k8s/a.yaml", 3,
                    query="data.main.deny")
    day2 = dataclasses.replace(day1, message="certificate expires in 29 days")
    other = dataclasses.replace(day1, message="another problem of the same document")

    def prints(*findings):
        doc = json.loads(render("sarif", make_result(findings=list(findings), checks=[])))
        return sorted(r["partialFingerprints"]["cxgovFinding/v2"] for r in doc["runs"][0]["results"])

    assert prints(day1) == prints(day2)
    assert prints(day1, other) == prints(day2, other)
    assert len(set(prints(day1, other))) == 2  # one identity, two results: numbered, never merged


def test_sarif_results_over_githubs_limit_are_cut_with_a_notice(monkeypatch, sarif_validator):
    from cxgov.formats import sarif

    monkeypatch.setattr(sarif, "MAX_RESULTS", 3)
    doc = json.loads(render("sarif", make_result()))
    (run,) = doc["runs"]
    assert len(run["results"]) == 3 and run["properties"]["results_left_out"] == len(FINDINGS) - 3
    # the most important are kept: unwaived deny findings, most severe first
    assert {r["ruleId"] for r in run["results"]} == {"RES-002", "main.deny"}
    [notice] = [n for n in run["invocations"][0]["toolExecutionNotifications"]
                if n["descriptor"]["id"] == "cxgov/results-limit"]
    assert notice["message"]["text"].startswith(f"{len(FINDINGS) - 3} of {len(FINDINGS)} results left out")
    assert sarif_validator.is_valid(doc)


def test_sarif_paths_become_relative_uri_references(result, sarif_validator):
    odd = _finding("RES-002", "deny", "m", "s", "deploy\\my app:v2/x.yaml", 0)
    doc = json.loads(render("sarif", make_result(findings=[odd])))
    location = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "deploy/my%20app%3Av2/x.yaml", "uriBaseId": "%SRCROOT%"}}
    assert sarif_validator.is_valid(doc)
    location["artifactLocation"]["uri"] = "deploy/my app:v2/x.yaml"  # unencoded, it would not be valid
    assert not sarif_validator.is_valid(doc)


# --- junit ----------------------------------------------------------------------------------------------


def test_junit_counts_agree_with_its_cases(result):
    text = render("junit", result)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    root = ET.fromstring(text)
    assert root.tag == "testsuites" and root.get("time") == "0"
    assert int(root.get("tests")) == len(root.findall("testsuite/testcase"))
    assert int(root.get("failures")) == len(root.findall(".//failure"))
    assert int(root.get("skipped")) == len(root.findall(".//skipped"))
    assert root.get("errors") == "0"
    for suite in root.findall("testsuite"):
        assert int(suite.get("tests")) == len(suite.findall("testcase"))
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))
        assert int(suite.get("skipped")) == len(suite.findall("testcase/skipped"))
        assert suite.get("time") == "0"
    # one case per (rule, subject): the deny findings' pairs fail, nothing is a placeholder
    deny_pairs = {(f.rule_id, f.subject) for f in FINDINGS if f.gate == "deny" and f.waiver is None}
    assert int(root.get("failures")) == len(deny_pairs)
    names = [c.get("name") for c in root.iter("testcase")]
    assert len(names) == len(set(names)) and not any("passed" in n for n in names)


def test_junit_cases(result):
    root = ET.fromstring(render("junit", result))
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == sorted(suites)
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert all(c.get("time") == "0" and c.get("file") for c in cases.values())
    deny = cases["RES-002: k8s/deploy.yaml#Deployment/cx-router"]
    assert (deny.get("file"), deny.get("line"), deny.get("classname")) == ("k8s/deploy.yaml", "12", "cxgov.residency")
    failure = deny.find("failure")
    assert failure.get("type") == "RES-002"
    assert failure.get("message") == "Deployment cx-router runs in us-east-1"
    assert "remediation: Pin the region to an EU region." in failure.text
    assert "controls: gdpr/Art.44, soc2/CC6.1" in failure.text
    assert deny in list(suites["k8s/deploy.yaml"])
    # a warning is reported as one: skipped with type warning, never a silent pass
    warn = cases["SOC2-004: k8s/deploy.yaml#Deployment/cx-router"]
    assert warn.find("failure") is None
    assert warn.find("skipped").get("type") == "warning"
    assert warn.find("skipped").get("message") == "warning: Audit log retention is 30 days"
    assert "[pre-enforcement]" in cases["AIA-012: models:/cx-router/7"].find("skipped").text
    waived = cases["SOC2-004: k8s/logging.yaml#DaemonSet/fluent"].find("skipped")
    assert waived.get("type") == "waived"
    assert waived.get("message").startswith("Audit log retention is 7 days [waived: legacy logging sidecar")
    # a rule evaluated on a subject that found nothing there passed: a case with no child
    passed = cases["RES-002: k8s/quiet.yaml#Service/ok"]
    assert list(passed) == [] and (passed.get("file"), passed.get("line")) == ("k8s/quiet.yaml", "1")
    exception = cases["cxgov.residency.deny_public_service: k8s/quiet.yaml#Service/ok"].find("skipped")
    assert exception.get("type") == "exception"
    # newline and pipe survive the round trip: the message attribute has the first line, the text all
    plan = cases["RES-002: terraform/plan.json#aws_s3_bucket.logs"].find("failure")
    assert plan.get("message") == NASTY.splitlines()[0] and NASTY in plan.text
    assert cases["main.deny: descriptor"].find("failure").get("type") == "main.deny"


def test_junit_fails_warnings_only_when_the_gate_does():
    root = ET.fromstring(render("junit", make_result(fail_on="warn")))
    warn = next(c for c in root.iter("testcase") if c.get("name") == "SOC2-004: k8s/deploy.yaml#Deployment/cx-router")
    assert warn.find("failure") is not None


def test_junit_one_case_holds_every_finding_of_its_rule_and_subject():
    a = _finding("WCAG-A-AA-01", "deny", "closed: button-name", "https://x.eu/help#closed", "https://x.eu/help",
                 resource="button-name")
    b = dataclasses.replace(a, message="closed: label", resource="label")
    root = ET.fromstring(render("junit", make_result(findings=[a, b], checks=[], subjects=[])))
    [case] = root.iter("testcase")
    assert case.get("name") == "WCAG-A-AA-01: https://x.eu/help#closed"
    failure = case.find("failure")
    assert failure.get("message") == "closed: button-name (and 1 more)"
    assert "closed: button-name" in failure.text and "closed: label" in failure.text


def test_junit_drops_characters_xml_cannot_hold():
    bad = _finding("RES-002", "deny", "bell \x07 here", "s", "a.yaml", 1)
    root = ET.fromstring(render("junit", make_result(findings=[bad], checks=[])))
    assert root.find(".//failure").get("message") == "bell \ufffd here"


def test_namespace_of():
    assert namespace_of(FINDINGS[0]) == "cxgov.residency"
    assert namespace_of(dataclasses.replace(FINDINGS[0], query="")) == "main"


# --- github ---------------------------------------------------------------------------------------------


def test_github_escaping_matches_the_toolkit():
    assert escape_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"
    assert escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"


def test_github_commands(result):
    lines = render("github", result).splitlines()
    # by level, the most severe first; every annotation on a repository file (a model version no
    # descriptor declares: a file of the run stands in, the URI leads the message)
    assert lines == [
        "::error file=k8s/deploy.yaml,line=12,title=RES-002::Deployment cx-router runs in us-east-1",
        "::error file=k8s/deploy.yaml,title=main.deny::no file for this one",
        "::error file=terraform/plan.json,line=40,title=RES-002::"
        "region eu-west-1 | us-east-1%0Asee 100%25 of pods: a, b",
        "::warning file=k8s/deploy.yaml,line=30,title=SOC2-004::Audit log retention is 30 days",
        "::warning file=k8s/deploy.yaml,title=AIA-012::models:/cx-router/7: Model version lacks a training dataset "
        "record [pre-enforcement]",
        "::notice file=k8s/logging.yaml,line=3,title=SOC2-004::Audit log retention is 7 days "
        "[waived: legacy logging sidecar (ticket COMP-42; approved by dpo@example.com; expires 2031-01-31)]",
        "6 findings (3 deny, 2 warn, 1 waived; 1 pre-enforcement) · "
        "conftest-style: 15 tests, 8 passed, 2 warnings, 3 failures, 1 exception",
    ]


def test_github_annotates_the_ten_most_severe_per_level_and_counts_the_rest():
    severities = ["low", "medium", "critical", "info", "high"] * 3
    findings = [_finding(f"R-{i:02d}", "deny", f"problem {i}", f"k8s/a.yaml#D/{i}", "k8s/a.yaml", i + 1, severity=sev)
                for i, sev in enumerate(severities)]
    warnings = [_finding("W-1", "warn", "a warning", "k8s/a.yaml#D/w", "k8s/a.yaml", 99)]
    lines = render("github", make_result(findings=findings + warnings, checks=[], subjects=[])).splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == 10
    shown = [int(line.split("title=R-")[1][:2]) for line in errors]
    ranks = [("critical", "high", "medium", "low", "info").index(severities[i]) for i in shown]
    assert ranks == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3]  # every critical, high and medium one, then a low; no info
    assert [line for line in lines if line.startswith("::warning ")] == [
        "::warning file=k8s/a.yaml,line=99,title=W-1::a warning"]
    assert lines[-2] == ("::notice title=cxgov::GitHub shows 10 annotations per level: 5 more errors are in the "
                         "job summary")


def test_github_escapes_properties():
    odd = _finding("X:1,2", "warn", "m", "s", "dir,a/b:c%.yaml", 5)
    line = render("github", make_result(findings=[odd], checks=[], subjects=[])).splitlines()[0]
    assert line == "::warning file=dir%2Ca/b%3Ac%25.yaml,line=5,title=X%3A1%2C2::m"


def test_github_appends_the_step_summary(result, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    fmt = formats.get("github")
    fmt.side_effects(result)
    fmt.side_effects(result)
    markdown = render("markdown", result)
    assert summary.read_text(encoding="utf-8") == "# earlier step\n" + markdown + markdown


def test_github_step_summary_that_cannot_be_written_is_an_error(result, tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "missing" / "summary.md"))
    with pytest.raises(CxgovError, match="cannot append the step summary") as raised:
        formats.get("github").side_effects(result)
    assert raised.value.where == str(tmp_path / "missing" / "summary.md")


def test_github_without_step_summary_writes_nothing(result, tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.chdir(tmp_path)
    formats.get("github").side_effects(result)
    assert list(tmp_path.iterdir()) == []


# --- markdown -------------------------------------------------------------------------------------------


def test_markdown_summary(result):
    text = render("markdown", result)
    lines = text.splitlines()
    assert lines[0] == "## ❌ cxgov: FAIL"
    counts = lines[lines.index("| findings | deny | warn | waived | pre-enforcement |"):][:5]
    assert counts[2:] == ["| 6 | 3 | 2 | 1 | 1 |", "",
                          "Conftest-style: 15 tests, 8 passed, 2 warnings, 3 failures, 1 exception"]
    findings = lines[lines.index("### Findings") + 2 :]
    assert findings[0] == "| status | severity | rule | location | message |"
    assert "| ❌ FAIL | high | `main.deny` | `descriptor` | no file for this one |" in lines
    assert "| ❌ FAIL | critical | `RES-002` | `k8s/deploy.yaml:12` | Deployment cx-router runs in us-east-1 |" in lines
    assert (
        "| ⚠️ WARN (pre-enforcement) | low | `AIA-012` | `models:/cx-router/7` | "
        "Model version lacks a training dataset record |" in lines
    )
    assert (
        "| ❌ FAIL | high | `RES-002` | `terraform/plan.json:40` | "
        "region eu-west-1 \\| us-east-1<br>see 100% of pods: a, b |" in lines
    )
    waived = lines[lines.index("### Waived") : lines.index("### By framework")]
    assert "Audit log retention is 7 days" not in "\n".join(lines[: lines.index("### Waived")])
    assert waived[2] == "| rule | location | message | reason | ticket | approved by | expires |"
    assert waived[4] == (
        "| `SOC2-004` | `k8s/logging.yaml:3` | Audit log retention is 7 days | legacy logging sidecar"
        " | COMP-42 | dpo@example.com | 2031-01-31 |"
    )
    frameworks = lines[lines.index("### By framework") :]
    assert frameworks[2] == "Findings that map to each framework, each counted once."
    assert frameworks[4:] == ["| framework | deny | warn | waived |", "|---|---|---|---|",
                              "| eu-ai-act | 0 | 1 | 0 |", "| gdpr | 1 | 0 | 0 |", "| soc2 | 1 | 0 | 1 |"]
    assert "### Not judged" not in text


def test_markdown_passing_run():
    text = render("markdown", make_result(findings=[], checks=[Check("x", "main", 2)], fail_on="warn"))
    assert text.startswith("## ✅ cxgov: PASS\n")
    assert "No unwaived findings." in text
    assert "### Waived" not in text and "### By framework" not in text


def test_markdown_cell_escaping():
    assert cell("a|b\r\nc\nd") == "a\\|b<br>c<br>d"
    assert cell("<script>&") == "&lt;script&gt;&amp;"
    assert cell("back\\slash|") == "back\\\\slash\\|"


# --- documents nothing judged ----------------------------------------------------------------------------

UNJUDGED = SubjectRef("config", "app/settings.yaml", Location("app/settings.yaml", 1), "9" * 64)


def test_a_document_nothing_judged_is_listed_by_every_format(sarif_validator):
    result = make_result(subjects=[*SUBJECTS, UNJUDGED])
    assert result.unjudged() == [UNJUDGED]
    text = render("text", result).splitlines()
    [line] = [x for x in text if x.startswith("NOT JUDGED")]
    assert "app/settings.yaml: 1 config document not judged" in line and "-p" in line
    assert text[-1].startswith("FAIL (fail-on deny; 7 subjects, 5 with findings, 1 not judged)")
    doc = json.loads(render("json", result))
    assert [(s["id"], s["kind"]) for s in doc["not_judged"]] == [("app/settings.yaml", "config")]
    assert "own policies" in doc["not_judged"][0]["reason"]
    sarif = json.loads(render("sarif", result))
    assert sarif_validator.is_valid(sarif)
    [note] = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "warning" and note["descriptor"] == {"id": "cxgov/not-judged"}
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/settings.yaml"
    assert sarif["runs"][0]["properties"]["not_judged"] == ["app/settings.yaml"]
    assert len(sarif["runs"][0]["results"]) == len(FINDINGS)  # a note, not a result: no rule failed
    root = ET.fromstring(render("junit", result))
    without = ET.fromstring(render("junit", make_result()))
    assert int(root.get("skipped")) == int(without.get("skipped")) + 1
    assert int(root.get("tests")) == int(without.get("tests")) + 1
    [case] = [c for c in root.iter("testcase") if c.get("classname") == "not judged"]
    assert case.get("name") == "config: app/settings.yaml"
    assert (case.get("file"), case.get("line")) == ("app/settings.yaml", "1")
    skipped = case.find("skipped")
    assert skipped.get("type") == "not-judged"
    assert skipped.get("message").startswith("not judged: no selected rule judges plain YAML/JSON")
    for name in ("tap", "table", "conftest-json"):
        assert "app/settings.yaml" in render(name, result), name
    markdown = render("markdown", result)
    assert "### Not judged" in markdown and "| `app/settings.yaml` | config | 1 |" in markdown
    github = render("github", result).splitlines()
    assert [x for x in github if "title=not judged" in x] == [
        "::warning file=app/settings.yaml,line=1,title=not judged::" + escape_data(line.removeprefix("NOT JUDGED").strip())]


# --- suppressions and baselines, as every format shows them ------------------------------------------

def test_suppressed_and_baselined_findings_are_labelled_in_every_format(sarif_validator):
    from cxgov.suppressions import Suppression

    inline = Suppression("RES-002", "s", "pinned in the deploy job", "", "", "", "", Location("k8s/deploy.yaml", 11),
                         kind="inline")
    known = Suppression("RES-002", "s", "known finding, in the baseline base.json", "", "", "", "",
                        Location("base.json"), kind="baseline")
    findings = [dataclasses.replace(FINDINGS[0], waiver=inline), dataclasses.replace(FINDINGS[1], waiver=known),
                *FINDINGS[2:]]
    counts_result = make_result(findings=findings)
    counts = dict(counts_result.verdict.counts, suppressed=1, baselined=1)
    result = dataclasses.replace(counts_result, verdict=dataclasses.replace(counts_result.verdict, counts=counts))
    text = render("text", result)
    assert "SUPPRESSED  k8s/deploy.yaml:12" in text and "[suppressed: pinned in the deploy job (comment at k8s/deploy.yaml:11)]" in text
    assert "BASELINED  terraform/plan.json:40" in text
    assert "3 waived; 1 pre-enforcement; 1 suppressed; 1 baselined)" in text
    markdown = render("markdown", result)
    assert "| `RES-002` | `k8s/deploy.yaml:12` | Deployment cx-router runs in us-east-1 | pinned in the deploy job " \
           "| — | comment k8s/deploy.yaml:11 | — |" in markdown
    assert "Of these: 1 suppressed next to their line, 1 baselined (known before)." in markdown
    doc = json.loads(render("sarif", result))
    assert sarif_validator.is_valid(doc)
    kinds = {r["message"]["text"][:10]: (r["suppressions"][0]["kind"], r.get("baselineState"))
             for r in doc["runs"][0]["results"] if "suppressions" in r and r["ruleId"] == "RES-002"}
    assert sorted(kinds.values()) == [("external", "unchanged"), ("inSource", None)]
    back = json.loads(render("json", result))
    assert sorted(f["waiver"]["kind"] for f in back["findings"] if f["waiver"] and "kind" in f["waiver"]) == \
        ["baseline", "inline"]
    from cxgov.formats.json_read import result_from_dict

    again = result_from_dict(back)
    assert {type(f.waiver).__name__ for f in again.findings if f.waiver} == {"Suppression", "Waiver"}
    assert render("json", again) == render("json", result)
    junit = ET.fromstring(render("junit", result))
    types = {c.get("name"): c.find("skipped").get("type") for c in junit.iter("testcase")
             if c.find("skipped") is not None}
    assert types["RES-002: k8s/deploy.yaml#Deployment/cx-router"] == "suppressed"
    assert types["RES-002: terraform/plan.json#aws_s3_bucket.logs"] == "baselined"
    conftest = json.loads(render("conftest-json", result))
    skipped = [s["msg"] for r in conftest for s in r.get("skipped", [])]
    assert any("[suppressed: pinned" in m for m in skipped) and any("[baselined: known finding" in m for m in skipped)
