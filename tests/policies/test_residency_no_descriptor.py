"""Residency without a descriptor, through the real CLI: plans and `.tf` sources whose data goes
outside the default residency profile fail the gate (RES-020, RES-021 warns for the rest), a region
known only at apply is reported as not checkable (TF-001), and an EU-only system raises nothing."""

from __future__ import annotations

import json
from pathlib import Path


from conftest import EVALUATION_DATE, run_cxgov

ADVICE = ("no cxgov descriptor declares this system's regions; add one (cxgov init drafts it) to judge "
          "transfers against the system's own profile")
RESIDENCY = {"RES-020", "RES-021", "TF-001"}


def check(tmp_path: Path, *files: str):
    run = run_cxgov("check", *files, "--evaluation-date", EVALUATION_DATE, "-o", "json", cwd=tmp_path)
    assert run.code in (0, 1), run.stderr
    return run, json.loads(run.stdout)["findings"]


def of(findings, *rules):
    return [f for f in findings if f["rule_id"] in rules]


def resource_change(address, after, unknown=None):
    rtype, name = address.split(".")
    return {"address": address, "mode": "managed", "type": rtype, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown or {}}}


def config(address, key, expressions=None):
    rtype, name = address.split(".")
    return {"address": address, "mode": "managed", "type": rtype, "name": name, "provider_config_key": key,
            "expressions": expressions or {}, "schema_version": 0}


def aws_provider(region, alias=None):
    block = {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
             "expressions": {"region": {"constant_value": region}}}
    return {**block, "alias": alias} if alias else block


def write_plan(path: Path, changes, providers, configs, variables=None) -> str:
    """A plan as `terraform show -json` writes it (the parts the rules read, pretty-printed so that
    each attribute has its own line)."""
    plan = {"format_version": "1.2", "terraform_version": "1.9.5", "variables": variables or {},
            "resource_changes": changes,
            "configuration": {"provider_config": providers, "root_module": {"resources": configs}}}
    path.write_text(json.dumps(plan, indent=2))
    return path.name


RDS = {"identifier": "cx-main", "engine": "postgres", "instance_class": "db.t4g.medium", "allocated_storage": 50,
       "storage_encrypted": True, "publicly_accessible": False, "multi_az": True, "backup_retention_period": 7,
       "deletion_protection": True, "replicate_source_db": None, "tags": {}}
RDS_UNKNOWN = {"arn": True, "id": True, "endpoint": True, "address": True, "kms_key_id": True}


def rds_plan(tmp_path: Path, region_expression, variables=None) -> str:
    return write_plan(
        tmp_path / "plan.json",
        [resource_change("aws_db_instance.main", RDS, RDS_UNKNOWN)],
        {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                 "expressions": {"region": region_expression}}},
        [config("aws_db_instance.main", "aws", {"identifier": {"constant_value": "cx-main"},
                                                 "storage_encrypted": {"constant_value": True}})],
        variables,
    )


def alias_replica_plan(tmp_path: Path, us_region: str) -> str:
    buckets = [("aws_s3_bucket.transcripts", "cx-transcripts", "aws"),
               ("aws_s3_bucket.replica", "cx-transcripts-replica", "aws.us")]
    changes = [resource_change(a, {"bucket": b, "force_destroy": False, "tags": {}}, {"arn": True, "id": True, "region": True})
               for a, b, _ in buckets]
    changes.append(resource_change(
        "aws_s3_bucket_replication_configuration.transcripts",
        {"bucket": "cx-transcripts", "role": "arn:aws:iam::123456789012:role/replication", "token": None,
         "rule": [{"id": "all", "status": "Enabled", "priority": 1, "prefix": None, "filter": [],
                   "destination": [{"bucket": "arn:aws:s3:::cx-transcripts-replica", "storage_class": "STANDARD",
                                    "account": None, "encryption_configuration": []}]}]},
        {"id": True}))
    configs = [config(a, key, {"bucket": {"constant_value": b}}) for a, b, key in buckets]
    configs.append(config("aws_s3_bucket_replication_configuration.transcripts", "aws", {
        "bucket": {"references": ["aws_s3_bucket.transcripts.id", "aws_s3_bucket.transcripts"]},
        "rule": [{"id": {"constant_value": "all"}, "destination": [
            {"bucket": {"references": ["aws_s3_bucket.replica.arn", "aws_s3_bucket.replica"]}}]}],
    }))
    return write_plan(tmp_path / "plan.json", changes,
                      {"aws": aws_provider("eu-central-1"), "aws.us": aws_provider(us_region, "us")}, configs)


# --------------------------------------------------------------------------- plan JSON


def test_plan_with_an_encrypted_private_rds_in_us_east_1_fails(tmp_path):
    run, findings = check(tmp_path, rds_plan(tmp_path, {"constant_value": "us-east-1"}))
    assert run.code == 1
    res = of(findings, "RES-020")
    assert [(f["gate"], f["resource"], f["path"]) for f in res] == [("deny", "aws_db_instance.main", "resource_changes.0")]
    assert res[0]["message"] == ("aws_db_instance.main holds data in us-east-1 (US), from provider aws: outside the "
                                 f"default residency profile (eea_or_adequacy); {ADVICE}")
    # the residency finding is what fails the gate: the database is otherwise compliant
    assert {f["rule_id"] for f in findings if f["gate"] == "deny"} == {"RES-020"}
    assert res[0]["location"]["line"] > 1


def test_plan_variable_region_is_resolved_from_the_plan(tmp_path):
    run, findings = check(tmp_path, rds_plan(tmp_path, {"references": ["var.region"]}, {"region": {"value": "us-east-1"}}))
    assert run.code == 1
    assert [f["message"].split(":")[0] for f in of(findings, "RES-020")] == [
        "aws_db_instance.main holds data in us-east-1 (US), from provider aws (var.region)"]
    assert not of(findings, "TF-001")


def test_plan_with_a_replica_through_provider_alias_fails(tmp_path):
    run, findings = check(tmp_path, alias_replica_plan(tmp_path, "us-east-1"))
    assert run.code == 1
    res = {f["resource"]: f for f in of(findings, "RES-020")}
    assert set(res) == {"aws_s3_bucket.replica", "aws_s3_bucket_replication_configuration.transcripts"}
    assert "holds data in us-east-1 (US), from provider aws.us" in res["aws_s3_bucket.replica"]["message"]
    replication = res["aws_s3_bucket_replication_configuration.transcripts"]
    assert ("from replication destination aws_s3_bucket.replica, provider aws.us" in replication["message"])
    assert replication["path"] == "resource_changes.2.change.after.rule.0.destination.0.bucket"
    text = (tmp_path / "plan.json").read_text().splitlines()
    assert '"arn:aws:s3:::cx-transcripts-replica"' in text[replication["location"]["line"] - 1]


def test_eu_only_plan_raises_no_residency_finding(tmp_path):
    run, findings = check(tmp_path, alias_replica_plan(tmp_path, "eu-west-1"))
    assert not of(findings, *RESIDENCY)
    run, findings = check(tmp_path, rds_plan(tmp_path, {"constant_value": "eu-central-1"}))
    assert not of(findings, *RESIDENCY)
    assert run.code == 0


def test_with_a_descriptor_the_system_profile_judges_instead(tmp_path):
    (tmp_path / "cxgov.yaml").write_text("apiVersion: cxgov.io/v1\nkind: AISystem\nmetadata:\n  name: cx\n")
    plan = rds_plan(tmp_path, {"constant_value": "us-east-1"})
    run = run_cxgov("check", "cxgov.yaml", plan, "--evaluation-date", EVALUATION_DATE, "--no-models", "--no-ui",
                    "-o", "json", cwd=tmp_path)
    findings = json.loads(run.stdout)["findings"]
    assert not of(findings, "RES-020", "RES-021")
    # the descriptor does not declare us-east-1: the system view's RES-008 reports it instead
    assert any("us-east-1" in f["message"] for f in of(findings, "RES-008"))


# --------------------------------------------------------------------------- `.tf` sources

PROVIDERS_TF = """
provider "aws" {
  region = "eu-central-1"
}

provider "aws" {
  alias  = "us"
  region = "%s"
}
"""

RDS_TF = """
resource "aws_db_instance" "main" {
  identifier              = "cx-main"
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  allocated_storage       = 50
  storage_encrypted       = %s
  publicly_accessible     = false
  multi_az                = true
  backup_retention_period = 7
}
"""

REPLICA_TF = """
resource "aws_s3_bucket" "transcripts" {
  bucket = "cx-transcripts"
}

resource "aws_s3_bucket" "replica" {
  provider = aws.us
  bucket   = "cx-transcripts-replica"
}

resource "aws_s3_bucket_replication_configuration" "transcripts" {
  bucket = aws_s3_bucket.transcripts.id
  role   = "arn:aws:iam::123456789012:role/replication"

  rule {
    id     = "all"
    status = "Enabled"
    destination {
      bucket        = aws_s3_bucket.replica.arn
      storage_class = "STANDARD"
    }
  }
}
"""


def test_tf_source_with_a_us_database_fails(tmp_path):
    (tmp_path / "main.tf").write_text('provider "aws" {\n  region = "us-east-1"\n}\n' + RDS_TF % "true")
    run, findings = check(tmp_path, "main.tf")
    assert run.code == 1
    res = of(findings, "RES-020")
    assert [(f["resource"], f["location"]["file"]) for f in res] == [("aws_db_instance.main", "main.tf")]
    assert res[0]["message"].startswith("aws_db_instance.main holds data in us-east-1 (US), from provider aws:")
    assert (tmp_path / "main.tf").read_text().splitlines()[res[0]["location"]["line"] - 1].startswith('resource "aws_db_instance"')


def test_tf_source_with_a_replica_through_provider_alias_fails(tmp_path):
    (tmp_path / "providers.tf").write_text(PROVIDERS_TF % "us-east-1")
    (tmp_path / "main.tf").write_text(REPLICA_TF)
    run, findings = check(tmp_path, "main.tf")
    assert run.code == 1
    res = {f["resource"]: f for f in of(findings, "RES-020")}
    assert set(res) == {"aws_s3_bucket.replica", "aws_s3_bucket_replication_configuration.transcripts"}
    assert "from provider aws.us" in res["aws_s3_bucket.replica"]["message"]
    line = res["aws_s3_bucket_replication_configuration.transcripts"]["location"]["line"]
    assert "aws_s3_bucket.replica.arn" in (tmp_path / "main.tf").read_text().splitlines()[line - 1]


def test_tf_source_with_unresolvable_values_is_never_a_pass(tmp_path):
    (tmp_path / "main.tf").write_text(
        'variable "region" {\n  default = "eu-central-1"\n}\n\nprovider "aws" {\n  region = var.region\n}\n'
        + RDS_TF % "var.encrypted")
    run, findings = check(tmp_path, "main.tf")
    assert run.code == 1
    messages = sorted(f["message"] for f in of(findings, "TF-001"))
    fix = "give a plan JSON (terraform show -json) or a literal"
    assert messages == [
        "could not check aws_db_instance.main.storage_encrypted: its value is an expression (var.encrypted) "
        f"known only at apply; {fix}",
        "could not check the region of aws_db_instance.main: provider aws sets region to an expression "
        f"(var.region) known only at apply; {fix}",
    ]
    text = (tmp_path / "main.tf").read_text().splitlines()
    encrypted = next(f for f in of(findings, "TF-001") if "storage_encrypted" in f["message"])
    assert "var.encrypted" in text[encrypted["location"]["line"] - 1]
    assert not of(findings, "RES-020")


def test_eu_only_tf_source_raises_no_residency_finding(tmp_path):
    (tmp_path / "providers.tf").write_text(PROVIDERS_TF % "eu-west-1")
    (tmp_path / "main.tf").write_text(REPLICA_TF + RDS_TF % "true")
    run, findings = check(tmp_path, "main.tf", "providers.tf")
    assert not of(findings, *RESIDENCY)
