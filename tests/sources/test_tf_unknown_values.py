"""A Terraform value known only at apply is reported once, as could-not-check (TF-001), at its own line,
and never judged as if it were unset: the real `cxgov check` on a `.tf` file (and a plan) with the
builtin packs. The same file with literal values gets the attribute rules' findings instead.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import EVALUATION_DATE

MAIN_TF = """\
provider "aws" {
  region = "eu-west-1"
}

variable "encrypted" {
  type = bool
}

variable "algorithm" {
  type = string
}

resource "aws_db_instance" "main" {
  identifier              = "orders"
  engine                  = "postgres"
  storage_encrypted       = var.encrypted
  publicly_accessible     = false
  backup_retention_period = 7
  multi_az                = true
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
}

resource "aws_s3_bucket_public_access_block" "data" {
  bucket                  = aws_s3_bucket.data.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = var.algorithm
    }
  }
}
"""
LITERAL_TF = MAIN_TF.replace("var.encrypted", "false").replace("var.algorithm", "false")

DB = "aws_db_instance.main"
SSE = "aws_s3_bucket_server_side_encryption_configuration.data"
ATTRIBUTE_RULES = {"SOC2-CC6.1-01", "GDPR-32-01"}


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def check(cxgov, directory: Path, name: str) -> tuple[int, str, list[dict]]:
    run = cxgov("check", name, "--evaluation-date", EVALUATION_DATE, "-o", "text", "-o", "json=out.json",
                cwd=directory)
    assert run.code in (0, 1), run.stdout + run.stderr
    return run.code, run.stdout, json.loads((directory / "out.json").read_text())["findings"]


def test_expressions_are_could_not_check_at_their_lines_never_unset(tmp_path, cxgov):
    (tmp_path / "main.tf").write_text(MAIN_TF)
    code, text, findings = check(cxgov, tmp_path, "main.tf")
    assert code == 1, text

    encrypted_line = line_of(MAIN_TF, "storage_encrypted")
    algorithm_line = line_of(MAIN_TF, "sse_algorithm")
    tf_001 = {(f["resource"], f["location"]["file"], f["location"]["line"]): f["message"]
              for f in findings if f["rule_id"] == "TF-001"}
    assert tf_001[(DB, "main.tf", encrypted_line)].startswith(
        f"could not check {DB}.storage_encrypted: its value is an expression (var.encrypted) known only at apply")
    assert tf_001[(SSE, "main.tf", algorithm_line)].startswith(
        f"could not check {SSE}.rule.0.apply_server_side_encryption_by_default.0.sse_algorithm: "
        "its value is an expression (var.algorithm) known only at apply")
    assert all(f["gate"] == "deny" for f in findings if f["rule_id"] == "TF-001")
    assert f"main.tf:{encrypted_line}  TF-001" in text and f"main.tf:{algorithm_line}  TF-001" in text

    # the attribute rules do not judge the null the expression stands for
    judged = [f for f in findings if f["rule_id"] in ATTRIBUTE_RULES and f["resource"] in (DB, SSE)]
    assert judged == [], [f["message"] for f in judged]
    assert not any("is not set" in f["message"] or "not true" in f["message"] for f in findings), \
        [f["message"] for f in findings]
    # the bucket's encryption configuration (and public access block) are linked by reference: no
    # could-not-check for their bucket, no "no configuration" finding for the bucket
    assert not any(f["path"].endswith(".bucket") for f in findings if f["rule_id"] == "TF-001")
    assert not any(f["rule_id"] in ATTRIBUTE_RULES and f["resource"] == "aws_s3_bucket.data" for f in findings)


def test_the_same_file_with_literals_gets_the_attribute_rules_findings(tmp_path, cxgov):
    (tmp_path / "main.tf").write_text(LITERAL_TF)
    code, text, findings = check(cxgov, tmp_path, "main.tf")
    assert code == 1, text

    encrypted_line = line_of(LITERAL_TF, "storage_encrypted")
    algorithm_line = line_of(LITERAL_TF, "sse_algorithm")
    judged = {(f["rule_id"], f["location"]["line"], f["message"]) for f in findings if f["rule_id"] in ATTRIBUTE_RULES}
    assert ("SOC2-CC6.1-01", encrypted_line, f"{DB}: storage_encrypted is false (encryption at rest is off)") in judged
    assert ("GDPR-32-01", encrypted_line, f"{DB}: storage_encrypted is not true (data stored unencrypted)") in judged
    assert ("SOC2-CC6.1-01", algorithm_line, f"{SSE}: sse_algorithm is false") in judged
    assert not any(f["rule_id"] == "TF-001" for f in findings), [f["message"] for f in findings]


def test_a_plan_value_known_only_at_apply_is_could_not_check(tmp_path, cxgov):
    # a plan leaves the value out of `after`, marks it in `after_unknown` and keeps the expression
    plan = {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "resource_changes": [{
            "address": DB, "mode": "managed", "type": "aws_db_instance", "name": "main",
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["create"], "before": None,
                       "after": {"identifier": "orders", "engine": "postgres", "publicly_accessible": False,
                                 "backup_retention_period": 7, "multi_az": True},
                       "after_unknown": {"storage_encrypted": True, "arn": True}},
        }],
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}},
            "root_module": {"resources": [{
                "address": DB, "mode": "managed", "type": "aws_db_instance", "name": "main",
                "provider_config_key": "aws",
                "expressions": {"identifier": {"constant_value": "orders"},
                                "storage_encrypted": {"references": ["aws_kms_key.db.enabled", "aws_kms_key.db"]}},
            }]},
        },
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan, indent=2))
    code, text, findings = check(cxgov, tmp_path, "plan.json")
    assert code == 1, text
    messages = [f["message"] for f in findings if f["resource"] == DB]
    assert (f"could not check {DB}.storage_encrypted: its value is an expression (aws_kms_key.db.enabled) "
            "known only at apply; set it to a literal or a variable so the plan records it") in messages
    assert not any(f["rule_id"] in ATTRIBUTE_RULES and f["resource"] == DB for f in findings), messages
    # the computed arn is the provider's, not the author's: nothing about it
    assert not any(".arn" in m for m in messages), messages
