"""The YAML and region traps a residency tool must not fall into, end to end through `cxgov check`."""

from __future__ import annotations

import json

from conftest import EVALUATION_DATE

DESCRIPTOR = """\
apiVersion: cxgov.io/v1
kind: AISystem
metadata:
  name: helpdesk
data_stores:
  - name: transcripts
    provider: aws
    region: on
    contains_personal_data: true
vendors:
  - name: nordic-support
    country: NO
    role: processor
"""


def findings(cxgov, tmp_path, text):
    (tmp_path / "descriptor.yaml").write_text(text)
    run = cxgov("check", "descriptor.yaml", "--evaluation-date", EVALUATION_DATE, "-o", "json", cwd=tmp_path)
    assert run.code in (0, 1), run.stderr
    return run.code, json.loads(run.stdout)["findings"]


def test_unquoted_on_is_a_region_name_and_an_unknown_region_is_a_deny(cxgov, tmp_path):
    code, found = findings(cxgov, tmp_path, DESCRIPTOR)
    res_001 = [f for f in found if f["rule_id"] == "RES-001"]
    assert code == 1
    assert [(f["gate"], f["location"]["line"]) for f in res_001] == [("deny", 6)]  # the data store entry
    assert '"on"' in res_001[0]["message"]  # the string "on", not YAML 1.1's true


def test_unquoted_no_is_norway_and_passes_residency(cxgov, tmp_path):
    _, found = findings(cxgov, tmp_path, DESCRIPTOR)
    residency_on_vendor = [f for f in found if f["rule_id"].startswith("RES-") and "nordic-support" in f["message"]
                           and f["rule_id"] not in ("RES-010", "RES-007")]  # DPA and sub-processor evidence are other rules
    assert residency_on_vendor == []
    # the same vendor in a third country is caught, so the pass above is not a blind spot
    _, found = findings(cxgov, tmp_path, DESCRIPTOR.replace("country: NO", "country: IN"))
    assert any(f["rule_id"] in ("RES-002", "RES-004") and "nordic-support" in f["message"] for f in found)
