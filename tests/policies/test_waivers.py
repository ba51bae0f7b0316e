"""Waivers: valid ones waive (and stay visible); broken ones never apply and are GOV-002 findings."""

from __future__ import annotations

import json

from conftest import EVALUATION_DATE

POLICY = "package main\n\nimport rego.v1\n\ndeny contains msg if {\n\tinput.public\n\tmsg := sprintf(\"%s is public\", [input.name])\n}\n"

GOOD = {"rule": "main.deny", "subject": "stores/*.json", "reason": "read-only marketing assets", "approved_by": "dpo@acme",
        "requested_by": "dev@acme", "ticket": "SEC-42", "expires": "2027-01-31"}


def setup(tmp_path, waivers: list[dict]):
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "p.rego").write_text(POLICY)
    (tmp_path / "stores").mkdir()
    (tmp_path / "stores" / "assets.json").write_text('{"name": "assets", "public": true}')
    (tmp_path / "waivers.yaml").write_text("waivers:\n" + "".join(
        "  - " + json.dumps(w) + "\n" for w in waivers))


def run(cxgov, tmp_path, *extra):
    result = cxgov("check", "--no-builtin", "stores", "--waivers", "waivers.yaml", "--evaluation-date", EVALUATION_DATE,
                   "-o", "json", *extra, cwd=tmp_path)
    return result.code, json.loads(result.stdout)


def test_valid_waiver_passes_the_gate_and_stays_visible(tmp_path, cxgov):
    setup(tmp_path, [GOOD])
    code, doc = run(cxgov, tmp_path)
    assert code == 0
    [finding] = doc["findings"]
    assert finding["waiver"]["ticket"] == "SEC-42"
    assert doc["verdict"]["counts"]["waived"] == 1 and doc["verdict"]["counts"]["deny"] == 0


def test_waived_finding_is_a_sarif_suppression(tmp_path, cxgov):
    setup(tmp_path, [GOOD])
    result = cxgov("check", "--no-builtin", "stores", "--waivers", "waivers.yaml", "--evaluation-date", EVALUATION_DATE,
                   "-o", "sarif", cwd=tmp_path)
    [res] = json.loads(result.stdout)["runs"][0]["results"]
    assert res["suppressions"][0]["status"] == "accepted"


def test_broken_waivers_do_not_apply_and_are_findings(tmp_path, cxgov):
    setup(tmp_path, [
        {**GOOD, "expires": "2026-11-01"},  # expired
        {**GOOD, "approved_by": "dev@acme"},  # self-approved
        {**GOOD, "expires": "2027-06-30"},  # more than 90 days ahead
        {k: v for k, v in GOOD.items() if k != "ticket"},  # incomplete
        {**GOOD, "expires": "soon"},  # malformed date
    ])
    code, doc = run(cxgov, tmp_path)
    assert code == 1
    gov = [f for f in doc["findings"] if f["rule_id"] == "GOV-002"]
    assert [f["location"]["line"] for f in gov] == [2, 3, 4, 5, 6]
    reasons = " | ".join(f["message"] for f in gov)
    for expected in ("expired on 2026-11-01", "self-approved", "more than 90 days", "missing ticket", "not a YYYY-MM-DD"):
        assert expected in reasons
    [deny] = [f for f in doc["findings"] if f["rule_id"] == "main.deny"]
    assert deny["waiver"] is None


def test_waiver_for_another_rule_or_subject_does_not_apply(tmp_path, cxgov):
    setup(tmp_path, [{**GOOD, "rule": "main.other"}, {**GOOD, "subject": "elsewhere/*"}])
    code, doc = run(cxgov, tmp_path)
    assert code == 1 and [f["waiver"] for f in doc["findings"]] == [None]
