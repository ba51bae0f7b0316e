"""Findings point at the line that is wrong: a rule names the path it judged, cxgov finds its line.

The locator is tested on real files of each shape (multi-document YAML, a Kubernetes List, JSON), then
end to end through the CLI, in text and SARIF, with the builtin packs on a Deployment, a Terraform plan,
a `.tf` file and the descriptor, and with a user's conftest policy that names `_path`.
"""

from __future__ import annotations

import json
import shutil
import textwrap

from conftest import EVALUATION_DATE, ROOT, run_cxgov
from cxgov.model import field_of
from cxgov.sources.locate import Locator, parse_path

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: router
  namespace: cx
spec:
  replicas: 2
  selector:
    matchLabels:
      app: router
  template:
    metadata:
      labels:
        app: router
    spec:
      containers:
        - name: router
          image: ghcr.io/acme/router:latest
          env:
            - name: OPENAI_API_KEY
              value: sk-live-0123456789abcdefghijklmnop
            - name: LOG_LEVEL
              value: info
"""
IMAGE_LINE, SECRET_LINE = 18, 21  # the env var's value, not its name


def test_paths_parse_and_drop_indexes_for_identity():
    assert parse_path("spec.containers.0.image") == "spec.containers.0.image"
    assert parse_path(["spec", "containers", 0, "image"]) == "spec.containers.0.image"
    assert parse_path({"not": "a path"}) == "" and parse_path([True]) == ""
    assert field_of("data_stores.3.backup.regions.0") == "data_stores.backup.regions"


def test_locator_finds_fields_in_multi_document_yaml_lists_and_json(tmp_path):
    (tmp_path / "two.yaml").write_text("a: 1\n---\n# second\nb:\n  c:\n    - x\n    - y: 2\n")
    (tmp_path / "list.yaml").write_text(textwrap.dedent("""\
        apiVersion: v1
        kind: List
        items:
          - kind: ConfigMap
            data:
              k: v
          - kind: Secret
            stringData:
              token: t
        """))
    (tmp_path / "plan.json").write_text(json.dumps(
        {"resource_changes": [{"address": "a"}, {"address": "b", "change": {"after": {"acl": "public-read"}}}]},
        indent=2))
    locator = Locator(tmp_path)
    assert locator.line("two.yaml", 4, "b.c.1.y") == 7
    assert locator.line("two.yaml", 1, "a") == 1
    assert locator.line("list.yaml", 7, "stringData.token") == 9  # the second item of the List
    assert locator.line("list.yaml", 4, "data.k") == 6
    text = (tmp_path / "plan.json").read_text().splitlines()
    line = locator.line("plan.json", 1, "resource_changes.1.change.after.acl")
    assert '"acl": "public-read"' in text[line - 1]
    # a key holding dots (an annotation) is reached by a dotted path too
    (tmp_path / "ingress.yaml").write_text(
        "kind: Ingress\nmetadata:\n  annotations:\n    a: b\n    nginx.ingress.kubernetes.io/ssl-redirect: 'false'\n")
    assert locator.line("ingress.yaml", 1, "metadata.annotations.nginx.ingress.kubernetes.io/ssl-redirect") == 5
    # a field that is missing points at its nearest existing parent, never at nothing
    assert locator.line("two.yaml", 4, "b.c.9") == 5
    assert locator.line("missing.yaml", 1, "a") is None
    assert locator.line("https://example.eu/help", 1, "a") is None
    assert set(locator.resolved) == {("two.yaml", 4, "b.c.1.y"), ("two.yaml", 1, "a"),
                                     ("list.yaml", 7, "stringData.token"), ("list.yaml", 4, "data.k"),
                                     ("plan.json", 1, "resource_changes.1.change.after.acl"), ("two.yaml", 4, "b.c.9"),
                                     ("ingress.yaml", 1, "metadata.annotations.nginx.ingress.kubernetes.io/ssl-redirect")}


def test_a_conftest_policy_naming_path_points_at_that_line_in_text_and_sarif(tmp_path):
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT)
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "images.rego").write_text(textwrap.dedent("""\
        package main

        import rego.v1

        deny contains {"msg": sprintf("%s uses a latest tag", [c.name]), "_path": ["spec", "template", "spec", "containers", i, "image"], "resource": c.name} if {
        	some i, c in input.spec.template.spec.containers
        	endswith(c.image, ":latest")
        }
        """))
    run = run_cxgov("check", "--no-builtin", "-p", "policy", "deploy.yaml", "-o", "text", "-o", "sarif=out.sarif",
                    "-o", "json=out.json", cwd=tmp_path)
    assert run.code == 1, run.stderr
    assert f"deploy.yaml:{IMAGE_LINE}" in run.stdout
    [result] = json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": IMAGE_LINE}
    [finding] = json.loads((tmp_path / "out.json").read_text())["findings"]
    assert (finding["resource"], finding["path"]) == ("router", "spec.template.spec.containers.0.image")


def _builtin_lines(tmp_path, *files) -> dict[str, set[int]]:
    run = run_cxgov("check", *files, "--evaluation-date", EVALUATION_DATE, "-o", "json=out.json",
                    "-o", "sarif=out.sarif", "-o", "text", cwd=tmp_path)
    assert run.code == 1, run.stderr
    findings = json.loads((tmp_path / "out.json").read_text())["findings"]
    sarif = json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["results"]
    by_rule: dict[str, set[int]] = {}
    for f in findings:
        by_rule.setdefault(f["rule_id"], set()).add(f["location"]["line"])
    for r in sarif:  # SARIF carries the same lines as regions
        region = r["locations"][0]["physicalLocation"].get("region", {})
        assert region.get("startLine") in by_rule[r["ruleId"]]
    for f in findings:  # and the text report names the same file:line
        assert f"{f['location']['file']}:{f['location']['line']}" in run.stdout
    return by_rule


def test_builtin_findings_on_a_deployment_point_at_the_secret_and_the_image(tmp_path):
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT)
    by_rule = _builtin_lines(tmp_path, "deploy.yaml")
    assert SECRET_LINE in by_rule["SOC2-CC6.1-04"], by_rule  # the literal OPENAI_API_KEY value
    assert IMAGE_LINE in by_rule["SOC2-CC6.8-01"], by_rule  # the image not pinned by digest
    assert all(1 not in lines for lines in by_rule.values()), by_rule


def test_builtin_findings_on_a_plan_point_at_the_resource_attribute(tmp_path):
    shutil.copy(ROOT / "examples" / "acme-cx" / "noncompliant" / "terraform" / "plan.json", tmp_path / "plan.json")
    by_rule = _builtin_lines(tmp_path, "plan.json")
    lines = (tmp_path / "plan.json").read_text().splitlines()
    assert by_rule and all(1 not in found for found in by_rule.values()), by_rule
    assert all(lines[n - 1].strip() for found in by_rule.values() for n in found)


def test_builtin_findings_on_a_tf_file_point_at_the_bucket(tmp_path):
    (tmp_path / "main.tf").write_text(textwrap.dedent("""\
        provider "aws" {
          region = "eu-west-1"
        }

        resource "aws_s3_bucket" "transcripts" {
          bucket = "acme-transcripts"
        }

        resource "aws_s3_bucket_public_access_block" "transcripts" {
          bucket                  = aws_s3_bucket.transcripts.id
          block_public_acls       = false
          block_public_policy     = true
          ignore_public_acls      = true
          restrict_public_buckets = true
        }
        """))
    by_rule = _builtin_lines(tmp_path, "main.tf")
    found = {n for lines in by_rule.values() for n in lines}
    assert found and 1 not in found, by_rule
    assert found <= set(range(5, 16)), by_rule  # inside the two resources, not the provider


def test_descriptor_findings_point_at_their_field(tmp_path):
    system = tmp_path / "acme-cx"
    shutil.copytree(ROOT / "examples" / "acme-cx" / "noncompliant", system)
    run = run_cxgov("check", "cxgov", "--no-models", "--no-ui", "--evaluation-date", EVALUATION_DATE,
                    "-o", "json=out.json", cwd=system)
    assert run.code == 1, run.stderr
    findings = [f for f in json.loads((system / "out.json").read_text())["findings"]
                if f["location"]["file"] == "cxgov/descriptor.yaml"]
    assert findings
    past_first = [f for f in findings if (f["location"]["line"] or 1) > 1]
    assert len(past_first) >= 0.9 * len(findings), [f["rule_id"] for f in findings if f not in past_first]
