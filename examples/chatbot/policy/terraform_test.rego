package terraform

import rego.v1

# Run with the example's data: cxgov policy test policy -d data

# --- fixtures: a compliant plan, and helpers to change one thing in it --------------------------

change(type, name, after) := {
	"address": concat(".", [type, name]),
	"mode": "managed",
	"type": type,
	"name": name,
	"change": {"actions": ["create"], "before": null, "after": after},
}

provider(region) := {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws", "expressions": {"region": {"constant_value": region}}}

bucket := change("aws_s3_bucket", "transcripts", {"bucket": "acme-cx-transcripts-eu"})

# a bucket whose name is only known after apply (bucket_prefix): the plan omits after.bucket
unnamed_bucket := change("aws_s3_bucket", "transcripts", {"bucket_prefix": "acme-cx-transcripts-"})

sse(algorithm) := change("aws_s3_bucket_server_side_encryption_configuration", "transcripts", {
	"bucket": "acme-cx-transcripts-eu",
	"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": algorithm}], "bucket_key_enabled": true}],
})

public_access_block(restrict) := change("aws_s3_bucket_public_access_block", "transcripts", {
	"bucket": "acme-cx-transcripts-eu",
	"block_public_acls": true,
	"block_public_policy": true,
	"ignore_public_acls": true,
	"restrict_public_buckets": restrict,
})

lifecycle(status) := change("aws_s3_bucket_lifecycle_configuration", "transcripts", {
	"bucket": "acme-cx-transcripts-eu",
	"rule": [{"id": "expire-transcripts", "status": status, "expiration": [{"days": 180}]}],
})

table(encrypted) := change("aws_dynamodb_table", "conversations", {
	"name": "acme-cx-conversations",
	"server_side_encryption": [{"enabled": encrypted}],
})

log_group(days) := change("aws_cloudwatch_log_group", "chat_api", {"name": "/acme-cx/chat-api", "retention_in_days": days})

iam_policy(document) := change("aws_iam_policy", "chat_api", {"name": "acme-cx-chat-api", "policy": document})

least_privilege := `{"Version":"2012-10-17","Statement":[{"Sid":"Transcripts","Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::acme-cx-transcripts-eu/*"}]}`

good_changes := [
	bucket, sse("aws:kms"), public_access_block(true), lifecycle("Enabled"),
	table(true), log_group(365), iam_policy(least_privilege),
]

plan(changes, providers) := {
	"format_version": "1.2",
	"terraform_version": "1.9.8",
	"resource_changes": changes,
	"configuration": {
		"provider_config": providers,
		"root_module": {"resources": [{"address": c.address, "provider_config_key": "aws"} | some c in changes]},
	},
}

good := plan(good_changes, {"aws": provider("eu-central-1")})

# replace the change at `address` in the good plan
with_change(address, replacement) := plan(
	array.concat([c | some c in good_changes; c.address != address], [replacement]),
	{"aws": provider("eu-central-1")},
)

# --- a compliant plan passes every rule -------------------------------------------------------

test_compliant_plan_has_no_findings if {
	count(deny) == 0 with input as good
	count(deny_encryption) == 0 with input as good
	count(deny_public_access) == 0 with input as good
	count(deny_log_retention) == 0 with input as good
	count(deny_iam_wildcard) == 0 with input as good
	count(warn_lifecycle) == 0 with input as good
}

# --- CHAT-TF-001 provider regions ---------------------------------------------------------------

test_provider_outside_allowed_regions_denied if {
	inp := plan(good_changes, {"aws": provider("eu-central-1"), "aws.dr": provider("us-east-1")})
	results := deny with input as inp
	count(results) == 1
	some r in results
	r.msg == "provider aws.dr deploys 0 resources to us-east-1, outside the allowed regions"
	r.region == "us-east-1"
}

test_provider_without_constant_region_denied if {
	providers := {"aws": {"name": "aws", "expressions": {"region": {"references": ["var.region"]}}}}
	deny["provider aws has no constant region, so residency cannot be verified from the plan"] with input as plan(good_changes, providers)
}

test_dr_provider_in_allowed_region_passes if {
	count(deny) == 0 with input as plan(good_changes, {"aws": provider("eu-central-1"), "aws.dr": provider("eu-west-1")})
}

test_other_providers_ignored if {
	count(deny) == 0 with input as plan(good_changes, {"aws": provider("eu-central-1"), "datadog": {"name": "datadog", "expressions": {}}})
}

# --- CHAT-TF-002 encryption ---------------------------------------------------------------------

test_bucket_with_aes256_denied if {
	deny_encryption["aws_s3_bucket.transcripts: bucket has no SSE-KMS encryption configuration"] with input as with_change(sse("aws:kms").address, sse("AES256"))
}

test_bucket_without_encryption_denied if {
	inp := plan([c | some c in good_changes; c.type != "aws_s3_bucket_server_side_encryption_configuration"], {"aws": provider("eu-central-1")})
	count(deny_encryption) == 1 with input as inp
}

test_unencrypted_table_denied if {
	deny_encryption["aws_dynamodb_table.conversations: table does not enable server-side encryption with a KMS key"] with input as with_change(table(true).address, table(false))
}

test_dsse_kms_allowed if {
	count(deny_encryption) == 0 with input as with_change(sse("aws:kms").address, sse("aws:kms:dsse"))
}

test_bucket_with_unknown_name_denied if {
	deny_encryption["aws_s3_bucket.transcripts: bucket has no SSE-KMS encryption configuration"] with input as with_change(bucket.address, unnamed_bucket)
}

# --- CHAT-TF-003 public access ------------------------------------------------------------------

test_partial_public_access_block_denied if {
	deny_public_access["aws_s3_bucket.transcripts: bucket does not block all public access"] with input as with_change(public_access_block(true).address, public_access_block(false))
}

test_full_public_access_block_allowed if {
	count(deny_public_access) == 0 with input as good
}

test_bucket_with_unknown_name_not_blocked if {
	deny_public_access["aws_s3_bucket.transcripts: bucket does not block all public access"] with input as with_change(bucket.address, unnamed_bucket)
}

# --- CHAT-TF-004 log retention ------------------------------------------------------------------

test_short_log_retention_denied if {
	deny_log_retention["aws_cloudwatch_log_group.chat_api: log group /acme-cx/chat-api keeps logs for 90 days, fewer than the required 184"] with input as with_change(log_group(365).address, log_group(90))
}

test_six_months_retention_allowed if {
	count(deny_log_retention) == 0 with input as with_change(log_group(365).address, log_group(545))
}

test_never_expiring_log_group_allowed if {
	count(deny_log_retention) == 0 with input as with_change(log_group(365).address, log_group(0))
}

# --- CHAT-TF-005 IAM wildcards ------------------------------------------------------------------

test_wildcard_action_denied if {
	document := `{"Version":"2012-10-17","Statement":[{"Sid":"Everything","Effect":"Allow","Action":"*","Resource":"*"}]}`
	deny_iam_wildcard["aws_iam_policy.chat_api: statement Everything allows *"] with input as with_change(iam_policy(least_privilege).address, iam_policy(document))
}

test_least_privilege_allowed if {
	count(deny_iam_wildcard) == 0 with input as good
}

# wildcard_grants reads one policy document (JSON text), so its cases need no plan around them

test_service_wildcard_found if {
	document := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:*"],"Resource":"arn:aws:s3:::acme-cx-transcripts-eu/*"}]}`
	wildcard_grants(document) == {{"sid": "(no Sid)", "action": "s3:*"}}
}

test_pretty_printed_document_read if {
	document := "{\n  \"Statement\": [\n    {\n      \"Sid\": \"All\",\n      \"Effect\": \"Allow\",\n      \"Action\": \"*\"\n    }\n  ]\n}"
	wildcard_grants(document) == {{"sid": "All", "action": "*"}}
}

test_wildcard_deny_statement_ignored if {
	document := `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}}`
	count(wildcard_grants(document)) == 0
}

test_named_actions_not_wildcards if {
	count(wildcard_grants(least_privilege)) == 0
}

# --- CHAT-TF-006 lifecycle expiration (warn) ----------------------------------------------------

test_disabled_lifecycle_warns if {
	warn_lifecycle["aws_s3_bucket.transcripts: bucket has no enabled lifecycle rule that expires objects"] with input as with_change(lifecycle("Enabled").address, lifecycle("Disabled"))
}

test_enabled_lifecycle_no_warning if {
	count(warn_lifecycle) == 0 with input as good
}

test_bucket_with_unknown_name_warns if {
	warn_lifecycle["aws_s3_bucket.transcripts: bucket has no enabled lifecycle rule that expires objects"] with input as with_change(bucket.address, unnamed_bucket)
}

# --- deleted resources are not judged -----------------------------------------------------------

test_deleted_log_group_ignored if {
	deleted := object.union(log_group(30), {"change": {"actions": ["delete"], "before": {"retention_in_days": 30}, "after": null}})
	count(deny_log_retention) == 0 with input as with_change(log_group(365).address, deleted)
}
