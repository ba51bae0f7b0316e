"""`cxgov controls` and METADATA: the catalog comes from policy source."""

from __future__ import annotations

import json

import pytest

from conftest import DATA
from cxgov.engine.metadata import rule_infos
from cxgov.engine.rego_source import parse_module
from cxgov.errors import PolicyError

POLICY = str(DATA / "conftest" / "policy")


def test_controls_json_lists_rules_with_metadata(cxgov):
    run = cxgov("controls", "--no-builtin", "-p", POLICY, "-o", "json")
    assert run.code == 0, run.stderr
    rules = {r["id"]: r for r in json.loads(run.stdout)}
    assert set(rules) == {"K8S-ROOT", "K8S-TAG", "main.violation", "main.warn", "main.warn_labels"}
    assert rules["K8S-ROOT"]["frameworks"] == {"soc2": ["CC6.8"]}
    assert rules["K8S-ROOT"]["source"]["file"].endswith("policy/main.rego")
    assert rules["main.warn"]["gate"] == "warn"


def test_controls_filters_by_framework_and_control(cxgov):
    run = cxgov("controls", "--no-builtin", "-p", POLICY, "-f", "soc2", "-c", "CC8.1")
    assert run.code == 0
    assert "K8S-TAG" in run.stdout and "K8S-ROOT" not in run.stdout
    assert "1 rule(s)" in run.stdout


HEAD = "package main\n\nimport rego.v1\n\n"


def test_rule_metadata_fields_and_effective_date():
    source = HEAD + ("# METADATA\n# title: Logs are kept six months\n# custom:\n#   id: AIACT-19-01\n#   severity: critical\n"
                     "#   gate: deny\n#   effective_from: 2027-12-02\n#   frameworks:\n#     eu-ai-act: [Art.19, Art.26]\n"
                     "#   remediation: Keep AI event logs 184 days.\n"
                     "deny contains \"x\" if input.short\n")
    [info] = rule_infos(parse_module("p.rego", source)).values()
    assert (info.id, info.severity, info.effective_from, info.frameworks) == (
        "AIACT-19-01", "critical", "2027-12-02", {"eu-ai-act": ["Art.19", "Art.26"]})


@pytest.mark.parametrize("custom,message", [
    ("#   severity: huge\n", "custom.severity"),
    ("#   gate: block\n", "custom.gate"),
    ("#   effective_from: next year\n", "effective_from"),
    ("#   frameworks: [soc2]\n", "custom.frameworks"),
])
def test_invalid_metadata_is_a_policy_error_with_its_line(custom, message):
    source = HEAD + "# METADATA\n# custom:\n" + custom + "deny contains \"x\" if input.a\n"
    with pytest.raises(PolicyError) as err:
        rule_infos(parse_module("p.rego", source))
    assert message in str(err.value) and "p.rego:5" in str(err.value)


def test_pre_enforcement_deny_reports_as_warn(tmp_path, cxgov):
    (tmp_path / "p.rego").write_text(HEAD + "# METADATA\n# custom:\n#   id: LATER-1\n#   effective_from: 2027-12-02\n"
                                     "deny contains \"x\" if input.a\n")
    (tmp_path / "a.json").write_text('{"a": true}')
    before = cxgov("check", "--no-builtin", "-p", "p.rego", "a.json", "--evaluation-date", "2027-12-01", "-o", "json", cwd=tmp_path)
    after = cxgov("check", "--no-builtin", "-p", "p.rego", "a.json", "--evaluation-date", "2027-12-02", "-o", "json", cwd=tmp_path)
    assert before.code == 0 and after.code == 1
    [f] = json.loads(before.stdout)["findings"]
    assert (f["gate"], f["pre_enforcement"]) == ("warn", True)
    [f] = json.loads(after.stdout)["findings"]
    assert (f["gate"], f["pre_enforcement"]) == ("deny", False)
