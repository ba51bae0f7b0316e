"""Terraform source (`.tf`) is judged like a plan: the normaliser, its line map, the files source and
the real `cxgov check` with the builtin packs. The shape follows `terraform show -json` (one resource
is compared with what Terraform wrote in examples/acme-cx/noncompliant/terraform/plan.json).
"""

from __future__ import annotations

import io
import json
import re
import textwrap
from pathlib import Path

import pytest

from conftest import EVALUATION_DATE, ROOT
from cxgov.errors import InputError
from cxgov.sources.files import FileSource, recognise
from cxgov.sources.terraform_hcl import lines, load, normalise, references

MAIN_TF = """\
resource "aws_s3_bucket" "logs" {
  bucket        = "acme-logs"
  force_destroy = true
  tags = {
    Team = "cx"
    Env  = var.env
  }
  ports = [80, 443]
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    bucket_key_enabled = true
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.logs.arn
    }
  }
}

data "aws_caller_identity" "me" {}

resource "aws_db_instance" "db" {
  provider          = aws.us
  identifier        = "acme-${var.env}"
  storage_encrypted = var.encrypted
  count             = 2
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.8.1"
  cidr    = "10.0.0.0/16"
  azs     = local.azs
}
"""
PROVIDERS_TF = """\
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

provider "aws" {
  region = "eu-central-1"
}

provider "aws" {
  alias      = "us"
  region     = "us-east-1"
  secret_key = "not-judged-twice"
}
"""


def normalised(text: str, siblings: dict[str, str] | None = None) -> dict:
    typed, raw = load(textwrap.dedent(text), "main.tf")
    return normalise(typed, {name: load(t, name)[0] for name, t in (siblings or {}).items()}, raw)


def by_address(document: dict) -> dict[str, dict]:
    return {rc["address"]: rc for rc in document["resource_changes"]}


def config_resources(document: dict) -> dict[str, dict]:
    return {r["address"]: r for r in document["configuration"]["root_module"]["resources"]}


# --- the normaliser ----------------------------------------------------------------------------


def test_resources_become_resource_changes_with_static_values_in_after():
    doc = normalised(MAIN_TF)
    assert recognise(doc) == "terraform-plan" and doc["cxgov_source"] == "terraform-hcl"
    bucket = by_address(doc)["aws_s3_bucket.logs"]
    assert {k: bucket[k] for k in ("mode", "type", "name", "provider_name")} == {
        "mode": "managed", "type": "aws_s3_bucket", "name": "logs",
        "provider_name": "registry.terraform.io/hashicorp/aws"}
    assert bucket["change"]["actions"] == ["create"]
    after = bucket["change"]["after"]
    assert after["bucket"] == "acme-logs" and after["force_destroy"] is True and after["ports"] == [80, 443]
    # the literal parts of a map are known; the variable is not
    assert after["tags"] == {"Team": "cx", "Env": None}
    assert bucket["change"]["after_unknown"] == {"tags": {"Env": True}}
    expressions = config_resources(doc)["aws_s3_bucket.logs"]["expressions"]
    assert expressions["bucket"] == {"constant_value": "acme-logs"}
    assert expressions["tags"] == {"references": ["var.env"]}


def test_nested_blocks_are_lists_of_objects_as_in_a_plan():
    doc = normalised(MAIN_TF)
    sse = by_address(doc)["aws_s3_bucket_server_side_encryption_configuration.logs"]
    after = sse["change"]["after"]
    assert after["rule"] == [{"bucket_key_enabled": True, "apply_server_side_encryption_by_default": [
        {"sse_algorithm": "aws:kms", "kms_master_key_id": None}]}]
    assert after["bucket"] is None
    assert sse["change"]["after_unknown"] == {
        "bucket": True,
        "rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": True}]}]}
    # the configuration of the same resource in the acme-cx plan, which Terraform wrote
    plan = json.loads((ROOT / "examples/acme-cx/noncompliant/terraform/plan.json").read_text())
    real = next(r for r in plan["configuration"]["root_module"]["resources"]
                if r["address"] == "aws_s3_bucket_server_side_encryption_configuration.transcripts")
    ours = config_resources(doc)["aws_s3_bucket_server_side_encryption_configuration.logs"]
    assert set(ours) >= set(real)
    assert ours["expressions"]["bucket"] == {"references": ["aws_s3_bucket.logs.id", "aws_s3_bucket.logs"]}
    assert real["expressions"]["bucket"]["references"][1] == "aws_s3_bucket.transcripts"
    by_default = ours["expressions"]["rule"][0]["apply_server_side_encryption_by_default"][0]
    assert by_default == {"sse_algorithm": {"constant_value": "aws:kms"},
                          "kms_master_key_id": {"references": ["aws_kms_key.logs.arn", "aws_kms_key.logs"]}}


def test_unresolved_expressions_are_unknown_never_a_value():
    doc = normalised(MAIN_TF)
    db = by_address(doc)["aws_db_instance.db"]
    after, unknown = db["change"]["after"], db["change"]["after_unknown"]
    assert after["storage_encrypted"] is None and unknown["storage_encrypted"] is True
    assert after["identifier"] is None and unknown["identifier"] is True  # an interpolation
    assert "provider" not in after and "count" not in after  # meta-arguments are Terraform's
    config = config_resources(doc)["aws_db_instance.db"]
    assert config["expressions"]["storage_encrypted"] == {"references": ["var.encrypted"]}
    assert config["expressions"]["identifier"] == {"references": ["var.env"]}
    # count: one entry at the literal address, its expression beside it
    assert db["address"] == "aws_db_instance.db" and config["count_expression"] == {"constant_value": 2}


def test_values_strings_and_dynamic_blocks():
    doc = normalised('''\
        resource "x_thing" "t" {
          escaped = "$${not.a.ref} %%{x} tab\\there"
          quoted  = "say \\"hi\\""
          call    = lower("ABC")
          cond    = var.on ? "a" : "b"
          heredoc = <<-EOT
            line one
            line two
          EOT
          listed  = ["a", var.b]
          dynamic "ingress" {
            for_each = var.rules
            content {
              port = ingress.value.port
            }
          }
        }
        ''')
    rc = by_address(doc)["x_thing.t"]
    after, unknown = rc["change"]["after"], rc["change"]["after_unknown"]
    assert after["escaped"] == "${not.a.ref} %{x} tab\there" and after["quoted"] == 'say "hi"'
    assert after["heredoc"] == "line one\nline two"  # python-hcl2 drops a heredoc's final newline
    assert after["call"] is None and unknown["call"] is True
    assert after["listed"] == ["a", None] and unknown["listed"] == [False, True]
    assert after["ingress"] is None and unknown["ingress"] is True
    expressions = config_resources(doc)["x_thing.t"]["expressions"]
    assert expressions["cond"] == {"references": ["var.on"]}
    assert expressions["ingress"] == {"references": ["var.rules"]}  # not the iterator `ingress`
    assert expressions["escaped"] == {"constant_value": "${not.a.ref} %{x} tab\there"}


@pytest.mark.parametrize(("expression", "expected"), [
    ("${var.region}", ["var.region"]),
    ("${aws_s3_bucket.b.arn}", ["aws_s3_bucket.b.arn", "aws_s3_bucket.b"]),
    ('"arn:${data.aws_partition.p.partition}:s3:::x"', ["data.aws_partition.p.partition", "data.aws_partition.p"]),
    ("${module.vpc.private_subnets[0]}", ["module.vpc.private_subnets[0]", "module.vpc"]),
    ("${aws_instance.web[*].id}", ["aws_instance.web"]),
    ('${jsonencode({Statement = [{Resource = "x.y"}]})}', []),
    ("${[for s in var.subnets : s.id]}", ["var.subnets"]),
    ('${lookup(local.regions, "eu.west", 1.5)}', ["local.regions"]),
    ("${count.index}", ["count.index"]),
])
def test_references_are_traversals_not_functions_strings_or_symbols(expression, expected):
    assert references(expression) == expected


def test_data_sources_and_module_calls_are_configuration_only():
    doc = normalised(MAIN_TF)
    assert "data.aws_caller_identity.me" not in by_address(doc)
    resources = doc["configuration"]["root_module"]["resources"]
    assert [r["mode"] for r in resources] == ["managed", "managed", "managed", "data"]
    assert resources[-1]["address"] == "data.aws_caller_identity.me"
    assert doc["configuration"]["root_module"]["module_calls"] == {"vpc": {
        "source": "terraform-aws-modules/vpc/aws",
        "version_constraint": "5.8.1",
        "expressions": {"cidr": {"constant_value": "10.0.0.0/16"}, "azs": {"references": ["local.azs"]}},
    }}


def test_providers_resolve_across_the_files_of_a_directory():
    doc = normalised(MAIN_TF, {"providers.tf": PROVIDERS_TF})
    providers = doc["configuration"]["provider_config"]
    # a sibling's block brings only where it places resources: its other settings (a literal key)
    # are judged in providers.tf itself, not again in every file that uses the alias
    assert providers["aws.us"] == {
        "name": "aws", "full_name": "registry.terraform.io/hashicorp/aws", "alias": "us",
        "expressions": {"region": {"constant_value": "us-east-1"}}, "cxgov_declared_in": "providers.tf"}
    assert providers["aws"]["expressions"] == {"region": {"constant_value": "eu-central-1"}}
    keys = {r["address"]: r["provider_config_key"] for r in doc["configuration"]["root_module"]["resources"]}
    assert keys["aws_db_instance.db"] == "aws.us" and keys["aws_s3_bucket.logs"] == "aws"
    # alone, the default provider is implied (no region known) and the alias is not invented
    alone = normalised(MAIN_TF)["configuration"]["provider_config"]
    assert alone == {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}}


def test_required_providers_name_the_provider_and_raw_keys_stay():
    doc = normalised('''\
        terraform {
          required_providers {
            acme = { source = "example.com/acme/acme" }
          }
        }
        resource "acme_queue" "q" { name = "q" }
        locals { x = 1 }
        ''')
    assert by_address(doc)["acme_queue.q"]["provider_name"] == "example.com/acme/acme"
    assert doc["resource"] == [{"acme_queue": {"q": {"name": "q"}}}] and doc["locals"] == [{"x": 1}]


# --- the line map ------------------------------------------------------------------------------


def test_lines_point_at_blocks_attributes_and_nested_blocks(tmp_path):
    (tmp_path / "main.tf").write_text(PROVIDERS_TF + "\n" + MAIN_TF)
    found = lines(tmp_path / "main.tf")
    text = (tmp_path / "main.tf").read_text().splitlines()

    def line_of(fragment: str, start: int = 0) -> int:
        return next(n for n, line in enumerate(text, 1) if n > start and fragment in line)

    bucket = line_of('resource "aws_s3_bucket" "logs"')
    sse = line_of('"aws_s3_bucket_server_side_encryption_configuration"')
    assert found["resource_changes.0"] == bucket
    assert found["resource_changes.0.change.after.force_destroy"] == line_of("force_destroy")
    assert found["resource_changes.0.change.after_unknown.tags"] == line_of("tags = {")
    assert found["resource_changes.1"] == sse
    assert found["resource_changes.1.change.after.rule.0"] == line_of("rule {", sse)
    assert found["resource_changes.1.change.after.rule.0.apply_server_side_encryption_by_default.0.sse_algorithm"] \
        == line_of("sse_algorithm", sse)
    assert found["resource_changes.2.change.after.storage_encrypted"] == line_of("storage_encrypted")
    assert found["configuration.root_module.resources.1.expressions.bucket"] == line_of("bucket = aws_s3_bucket")
    assert found["configuration.root_module.resources.2.provider_config_key"] == line_of("provider          = aws.us")
    assert found["configuration.root_module.resources.3"] == line_of('data "aws_caller_identity"')
    assert found["configuration.provider_config.aws"] == line_of('provider "aws"')
    assert found["configuration.provider_config.aws.us"] == line_of('provider "aws"', line_of('provider "aws"'))
    assert found["configuration.provider_config.aws.us.expressions.region"] == line_of('"us-east-1"')
    assert found["configuration.root_module.module_calls.vpc"] == line_of('module "vpc"')
    assert found["configuration.root_module.module_calls.vpc.source"] == line_of("source  =")
    assert found["resource.0.aws_s3_bucket.logs.bucket"] == line_of('"acme-logs"')  # the raw keys too
    assert not any(key.endswith(("after.count", "after.provider")) for key in found)
    (tmp_path / "bad.tf").write_text('resource "x" "y" {\n  a = \n}\n')  # reported when read: no lines
    assert lines(tmp_path / "bad.tf") == {} and lines(tmp_path / "missing.tf") == {}


# --- the files source --------------------------------------------------------------------------


def write(directory: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(textwrap.dedent(text))


def test_a_tf_file_is_one_terraform_subject_other_hcl_stays_config(tmp_path):
    write(tmp_path, {"main.tf": MAIN_TF, "providers.tf": PROVIDERS_TF, "app.hcl": 'x = "y"\n', "notes.txt": "a = 1\n"})
    subjects = {s.id: s for s in FileSource([str(tmp_path)], root=tmp_path).subjects()}
    assert {i: s.kind for i, s in subjects.items()} == {
        "main.tf": "terraform-plan", "providers.tf": "terraform-plan", "app.hcl": "config"}
    us = subjects["main.tf"].document["configuration"]["provider_config"]["aws.us"]
    assert us["expressions"]["region"] == {"constant_value": "us-east-1"}
    assert subjects["providers.tf"].document["resource_changes"] == []
    # --parser hcl2 names the syntax: a .tf file is still Terraform, any other file raw configuration
    (forced,) = FileSource([str(tmp_path / "notes.txt")], root=tmp_path, parser="hcl2").subjects()
    assert (forced.kind, forced.document) == ("config", {"a": 1})
    (tf,) = FileSource([str(tmp_path / "main.tf")], root=tmp_path, parser="hcl2").subjects()
    assert tf.kind == "terraform-plan"
    (piped,) = FileSource(["-"], parser="hcl2", stdin=io.BytesIO(MAIN_TF.encode())).subjects()
    assert piped.kind == "config"  # stdin has no directory to be a Terraform configuration of


def test_parse_errors_name_the_file_and_line_a_broken_sibling_too(tmp_path, cxgov):
    write(tmp_path, {"main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  acl = \n}\n'})
    run = cxgov("check", "main.tf", cwd=tmp_path)
    assert run.code == 2 and "main.tf:3:" in run.stderr and "invalid HCL2" in run.stderr, run.stderr
    write(tmp_path, {"main.tf": MAIN_TF, "providers.tf": 'provider "aws" {\n  region = \n}\n'})
    with pytest.raises(InputError) as caught:
        list(FileSource([str(tmp_path / "main.tf")], root=tmp_path).subjects())
    message = str(caught.value)
    assert "providers.tf:2:" in message and "same Terraform directory as main.tf" in message


# --- end to end --------------------------------------------------------------------------------

PUBLIC_BUCKET_TF = """\
provider "aws" {
  region = "eu-west-1"
}

resource "aws_s3_bucket" "exports" {
  bucket = "acme-exports"
}

resource "aws_s3_bucket_public_access_block" "exports" {
  bucket                  = aws_s3_bucket.exports.id
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_db_instance" "orders" {
  identifier        = "orders"
  engine            = "postgres"
  storage_encrypted = var.encrypted
}
"""


def check(cxgov, directory: Path, *args: str) -> tuple[int, dict]:
    run = cxgov("check", *args, "--evaluation-date", EVALUATION_DATE, "-o", "json=out.json", cwd=directory)
    assert run.code in (0, 1), run.stderr
    return run.code, json.loads((directory / "out.json").read_text())


def test_cxgov_check_judges_a_raw_tf_file_with_the_builtin_packs(tmp_path, cxgov):
    write(tmp_path, {"main.tf": PUBLIC_BUCKET_TF})
    run = cxgov("check", "main.tf", "--evaluation-date", EVALUATION_DATE, cwd=tmp_path)
    assert run.code == 1, run.stdout + run.stderr
    assert not re.search(r"\b0 tests", run.stdout) and "FAIL" in run.stdout
    code, doc = check(cxgov, tmp_path, "main.tf")
    found = {(f["rule_id"], f["resource"]) for f in doc["findings"] if f["gate"] == "deny"}
    assert ("SOC2-CC6.6-01", "aws_s3_bucket_public_access_block.exports") in found  # public bucket
    assert ("GDPR-32-01", "aws_s3_bucket.exports") in found  # no encryption configuration
    # storage_encrypted = var.encrypted could not be read: a could-not-check finding, never a pass
    assert ("TF-001", "aws_db_instance.orders") in found, found
    block = next(f for f in doc["findings"] if f["resource"] == "aws_s3_bucket_public_access_block.exports")
    assert block["location"]["file"] == "main.tf" and 9 <= block["location"]["line"] <= 14


def test_static_settings_of_a_tf_file_are_read_like_a_plan(tmp_path, cxgov):
    fixed = PUBLIC_BUCKET_TF.replace("= false", "= true").replace("var.encrypted", "true")
    write(tmp_path, {"main.tf": fixed})
    _, doc = check(cxgov, tmp_path, "main.tf")
    resources = {(f["rule_id"], f["resource"]) for f in doc["findings"] if f["gate"] == "deny"}
    assert ("SOC2-CC6.6-01", "aws_s3_bucket_public_access_block.exports") not in resources
    assert not any(res == "aws_db_instance.orders" and rule in ("SOC2-CC6.1-01", "GDPR-32-01")
                   for rule, res in resources), resources


def test_conftest_policies_over_raw_hcl_still_work(tmp_path, cxgov):
    write(tmp_path, {"main.tf": PUBLIC_BUCKET_TF, "policy/main.rego": """\
        package main

        import rego.v1

        deny contains msg if {
        \tsome block in input.resource
        \tsome name, bucket in block.aws_s3_bucket
        \tnot bucket.versioning
        \tmsg := sprintf("bucket %s has no versioning", [name])
        }
        """})
    run = cxgov("check", "--no-builtin", "main.tf", "--evaluation-date", EVALUATION_DATE, cwd=tmp_path)
    assert run.code == 1, run.stdout + run.stderr
    assert "bucket exports has no versioning" in run.stdout


def test_a_provider_alias_declared_in_another_file_places_the_resource(tmp_path, cxgov):
    write(tmp_path, {"providers.tf": PROVIDERS_TF, "replica.tf": """\
        resource "aws_s3_bucket" "replica" {
          provider = aws.us
          bucket   = "acme-replica"
        }
        """})
    code, doc = check(cxgov, tmp_path, "replica.tf")
    assert code == 1
    placed = [f for f in doc["findings"]
              if f["gate"] == "deny" and f["resource"] == "aws_s3_bucket.replica" and "us-east-1" in f["message"]]
    assert placed, [f["message"] for f in doc["findings"]]
    # without the alias the bucket is in eu-central-1: no finding names a US region
    (tmp_path / "replica.tf").write_text((tmp_path / "replica.tf").read_text().replace("provider = aws.us\n", ""))
    _, doc = check(cxgov, tmp_path, "replica.tf")
    assert not any("us-east-1" in f["message"] for f in doc["findings"]), [f["message"] for f in doc["findings"]]
