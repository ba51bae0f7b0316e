"""Inline suppressions next to the offending line, through the real `cxgov check`: YAML and HCL
comments, a Kubernetes annotation for JSON, a finding about a UI page suppressed at its declaration,
and a suppression without a reason, which never applies."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from conftest import EVALUATION_DATE

from cxgov.model import Check, Finding, Location, Result, RunInfo, SubjectRef
from cxgov.gate import verdict
from cxgov.suppressions import Suppression, apply_inline, parse_comment

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: api
          image: nginx:latest{image_comment}
"""
TERRAFORM = """\
provider "aws" {{
  region = "us-east-1"
}}
{comment}
resource "aws_s3_bucket" "logs" {{
  bucket = "acme-logs"
}}
"""


def check(cxgov, cwd, *files, extra=()):
    run = cxgov("check", *files, "--evaluation-date", EVALUATION_DATE, "-o", "json=r.json", "-o", "sarif=r.sarif",
                "-o", "junit=r.xml", "-o", "text", *extra, cwd=cwd)
    assert run.code in (0, 1), run.stderr
    return run, json.loads((cwd / "r.json").read_text()), json.loads((cwd / "r.sarif").read_text())


def test_a_yaml_comment_on_the_line_suppresses_that_line_only(tmp_path, cxgov):
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT.format(
        image_comment="  # cxgov:ignore SOC2-CC6.8-01 pinned by digest when the deploy job resolves the tag"))
    run, doc, sarif = check(cxgov, tmp_path, "deploy.yaml")
    by_line = {}
    for f in doc["findings"]:
        by_line.setdefault(f["location"]["line"], []).append(f)
    [image] = by_line[12]
    assert image["waiver"]["kind"] == "inline"
    assert image["waiver"]["reason"] == "pinned by digest when the deploy job resolves the tag"
    assert image["waiver"]["source"] == {"file": "deploy.yaml", "line": 12}
    assert all(f["waiver"] is None for f in by_line[11])  # the container's other findings still gate
    assert run.code == 1
    counts = doc["verdict"]["counts"]
    assert (counts["waived"], counts["suppressed"]) == (1, 1)
    line = next(x for x in run.stdout.splitlines() if "deploy.yaml:12" in x)
    assert line.split()[0] == "SUPPRESSED" and "[suppressed: pinned by digest" in line and "comment at deploy.yaml:12" in line
    assert "1 suppressed" in run.stdout.splitlines()[-2]
    [suppressed] = [r for r in sarif["runs"][0]["results"] if "suppressions" in r]
    assert suppressed["suppressions"][0]["kind"] == "inSource"
    case = next(c for c in ET.parse(tmp_path / "r.xml").getroot().iter("testcase")
                if c.get("name").startswith("SOC2-CC6.8-01"))
    assert case.find("failure") is not None  # the other two findings of the rule on the container still fail


def test_a_comment_above_suppresses_every_finding_of_its_rules_there(tmp_path, cxgov):
    text = DEPLOYMENT.format(image_comment="").replace(
        "        - name: api\n", "        # cxgov:ignore SOC2-CC6.8-* -- hardening ticket SEC-12, due in Q1\n"
                                  "        - name: api\n")
    (tmp_path / "deploy.yaml").write_text(text)
    run, doc, _ = check(cxgov, tmp_path, "deploy.yaml")
    at_item = [f for f in doc["findings"] if f["location"]["line"] == 12]
    assert len(at_item) == 2 and all(f["waiver"]["kind"] == "inline" for f in at_item)
    assert all(f["waiver"]["source"]["line"] == 11 for f in at_item)
    assert [f["waiver"] for f in doc["findings"] if f["location"]["line"] == 13] == [None]  # the image line
    assert run.code == 1


def test_an_hcl_comment_suppresses_terraform_findings(tmp_path, cxgov):
    (tmp_path / "main.tf").write_text(TERRAFORM.format(
        comment="# cxgov:ignore RES-020,GDPR-5E-01 -- US-only bucket for US customers, see DPA-17"))
    run, doc, _ = check(cxgov, tmp_path, "main.tf")
    suppressed = sorted(f["rule_id"] for f in doc["findings"] if f["waiver"])
    assert suppressed == ["GDPR-5E-01", "RES-020"]
    assert any(f["waiver"] is None and f["gate"] == "deny" for f in doc["findings"])  # the others still gate
    (tmp_path / "main.tf").write_text(TERRAFORM.format(comment="// cxgov:ignore RES-020 US-only bucket"))
    _, doc, _ = check(cxgov, tmp_path, "main.tf")
    assert [f["rule_id"] for f in doc["findings"] if f["waiver"]] == ["RES-020"]


def test_a_suppression_without_a_reason_does_not_apply_and_fails_the_gate(tmp_path, cxgov):
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT.format(image_comment="  # cxgov:ignore SOC2-CC6.8-01"))
    run, doc, sarif = check(cxgov, tmp_path, "deploy.yaml")
    assert all(f["waiver"] is None for f in doc["findings"])
    [problem] = [f for f in doc["findings"] if f["rule_id"] == "GOV-005"]
    assert problem["gate"] == "deny" and problem["location"] == {"file": "deploy.yaml", "line": 12}
    assert "gives no reason" in problem["message"]
    assert "GOV-005" in doc["rules"] and run.code == 1
    assert any(r["id"] == "GOV-005" for r in sarif["runs"][0]["tool"]["driver"]["rules"])


def test_a_kubernetes_annotation_suppresses_in_json_manifests(tmp_path, cxgov):
    manifest = {"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "api", "namespace": "shop", "annotations": {
                    "cxgov.io/ignore.SOC2-CC6.8-01": "hardened by the admission controller (policy PSA-3)"}},
                "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "api", "image": "nginx:latest"}]}}}}
    (tmp_path / "deploy.json").write_text(json.dumps(manifest, indent=2))
    run, doc, _ = check(cxgov, tmp_path, "deploy.json")
    rules = [f for f in doc["findings"] if f["rule_id"] == "SOC2-CC6.8-01"]
    assert rules and all(f["waiver"]["kind"] == "annotation" for f in rules)
    assert rules[0]["waiver"]["reason"] == "hardened by the admission controller (policy PSA-3)"
    assert run.code == 0
    manifest["metadata"]["annotations"]["cxgov.io/ignore.SOC2-CC6.8-01"] = " "
    (tmp_path / "deploy.json").write_text(json.dumps(manifest, indent=2))
    run, doc, _ = check(cxgov, tmp_path, "deploy.json")
    assert run.code == 1 and any(f["rule_id"] == "GOV-005" for f in doc["findings"])


def test_a_ui_finding_is_suppressed_at_the_descriptor_line_declaring_the_page(tmp_path):
    (tmp_path / "cxgov").mkdir()
    (tmp_path / "cxgov" / "descriptor.yaml").write_text(
        "apiVersion: cxgov.io/v1\nkind: AISystem\nmetadata: {name: x}\nui:\n  entry_points:\n    - name: help\n"
        "      # cxgov:ignore WCAG-A-AA-02 the zoom lock is a vendor widget, replaced in ticket UX-7\n"
        "      url: https://shop.example/help\n")
    page = Finding("WCAG-A-AA-02", "t", "medium", "warn", "closed: meta-viewport", "https://shop.example/help#closed",
                   Location("https://shop.example/help"), resource="meta-viewport")
    other = Finding("WCAG-A-AA-01", "t", "high", "deny", "closed: label", "https://shop.example/help#closed",
                    Location("https://shop.example/help"), resource="label")
    subjects = [SubjectRef("descriptor", "cxgov/descriptor.yaml", Location("cxgov/descriptor.yaml", 1), "0" * 64),
                SubjectRef("ui-scan", "https://shop.example/help#closed", Location("https://shop.example/help"), "1" * 64)]
    run = RunInfo("0", "embedded", "OPA", EVALUATION_DATE, "0" * 64, str(tmp_path))
    result = Result(run, subjects, [Check(subjects[1].id, "cxgov.wcag", 0)], [page, other], {},
                    verdict([page, other], [], "deny"))
    findings, problems = apply_inline(result, [], tmp_path)
    assert problems == []
    assert isinstance(findings[0].waiver, Suppression) and findings[0].waiver.source == Location("cxgov/descriptor.yaml", 7)
    assert findings[1].waiver is None


def test_comment_syntax():
    where = Location("a.yaml", 3)
    assert parse_comment("x: 1  # cxgov:ignore R-1, R-2: because", where).rules == ("R-1", "R-2")
    assert parse_comment("x: 1  # cxgov:ignore R-1, R-2: because", where).reason == "because"
    assert parse_comment("// cxgov:ignore R-1 -- why not", where).reason == "why not"
    assert parse_comment("x: 1 # a comment about cxgov", where) is None
    assert parse_comment("# cxgov:ignore", where).problem.startswith("it names no rule")
    assert parse_comment("# cxgov:ignore R-1 --", where).problem.startswith("it gives no reason")
