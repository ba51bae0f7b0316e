package cxgov.gdpr.gdpr_5e_01

import rego.v1

import data.cxgov.lib.fixtures.system
import data.cxgov.lib.fixtures.system_with_documents
import data.cxgov.lib.terraform

with_plan(d, plan) := system_with_documents(d, [{"id": "plan.json", "kind": "terraform-plan", "file": "plan.json", "line": 1, "document": plan}])

rc(type, name, after) := {"address": concat(".", [type, name]), "type": type, "name": name, "mode": "managed", "change": {"actions": ["create"], "after": after}}

plan(rcs) := {"format_version": "1.2", "evaluation_date": "2026-11-22", "resource_changes": rcs}

good := {
	"data_stores": [{"name": "transcripts", "retention_days": 30, "contains_personal_data": true, "backup": {"enabled": true, "retention_days": 35}}],
	"log_sinks": [{"name": "app-logs", "retention_days": 90, "data_kinds": ["ai_event"]}, {"name": "metrics", "data_kinds": ["metrics"]}],
}

test_gdpr_5e_01_pass_descriptor_retention if {
	count(deny) == 0 with input as system(good)
}

test_gdpr_5e_01_pass_non_personal_store_without_retention if {
	count(deny) == 0 with input as system({"data_stores": [{"name": "cache", "contains_personal_data": false}]})
}

test_gdpr_5e_01_fail_retention_missing if {
	r := deny with input as system({"data_stores": [{"name": "transcripts"}]})
	count(r) == 1
	some f in r
	contains(f.msg, "data store transcripts: retention_days not set")
}

test_gdpr_5e_01_fail_retention_zero if {
	r := deny with input as system({"log_sinks": [{"name": "chat", "retention_days": 0, "data_kinds": ["transcript"]}]})
	some f in r
	contains(f.msg, "log sink chat: retention_days is 0 (kept forever)")
}

test_gdpr_5e_01_fail_backup_without_retention if {
	r := deny with input as system({"data_stores": [{"name": "crm", "retention_days": 30, "backup": {"enabled": true}}]})
	count(r) == 1
	some f in r
	contains(f.msg, "data store crm: backup retention_days not set")
	loc := deny with input as object.union(system({"data_stores": [{"name": "crm", "retention_days": 30, "backup": {"enabled": true}}]}), {"lines": {"data_stores.0": 3, "data_stores.0.backup": 7}})
	{g._loc.line | some g in loc} == {7}
}

test_gdpr_5e_01_fail_line_points_at_field if {
	inp := {"evaluation_date": "2026-11-22", "descriptor": {"data_stores": [{"name": "t", "retention_days": 0}]}, "descriptor_file": "cxgov.yaml", "lines": {"data_stores.0": 10, "data_stores.0.retention_days": 12}, "evidence": {}, "documents": []}
	r := deny with input as inp
	some f in r
	f._loc.line == 12
}

test_gdpr_5e_01_pass_descriptor_and_terraform_agree if {
	p := plan([rc("aws_cloudwatch_log_group", "app", {"name": "app-logs", "retention_in_days": 90})])
	count(deny) == 0 with input as with_plan(good, p)
}

test_gdpr_5e_01_fail_descriptor_and_terraform_disagree if {
	p := plan([rc("aws_cloudwatch_log_group", "app", {"name": "app-logs", "retention_in_days": 365})])
	r := deny with input as with_plan(good, p)
	count(r) == 1
	some f in r
	contains(f.msg, "log sink app-logs: retention 90 days in the descriptor, but Terraform aws_cloudwatch_log_group.app (plan.json) keeps 365 days")
}

test_gdpr_5e_01_fail_terraform_keeps_forever_cross_source if {
	p := plan([rc("aws_s3_bucket", "transcripts", {"bucket": "acme-transcripts"})])
	r := deny with input as with_plan(good, p)
	some f in r
	contains(f.msg, "keeps data forever")
}

test_gdpr_5e_01_pass_terraform_log_group if {
	count(deny) == 0 with input as plan([rc("aws_cloudwatch_log_group", "app", {"name": "app", "retention_in_days": 30})])
}

test_gdpr_5e_01_fail_terraform_log_group_zero if {
	r := deny with input as plan([rc("aws_cloudwatch_log_group", "app", {"name": "app", "retention_in_days": 0})])
	some f in r
	f.msg == "aws_cloudwatch_log_group.app: retention_in_days = 0 (kept forever)"
	f._path == "resource_changes.0.change.after.retention_in_days"
}

test_gdpr_5e_01_fail_terraform_log_group_missing if {
	r := deny with input as plan([rc("aws_cloudwatch_log_group", "app", {"name": "app"})])
	some f in r
	f.msg == "aws_cloudwatch_log_group.app: retention_in_days not set (kept forever)"
	f._path == "resource_changes.0"
}

test_gdpr_5e_01_pass_terraform_tagged_non_personal if {
	count(deny) == 0 with input as plan([rc("aws_cloudwatch_log_group", "build", {"name": "build", "tags": {"contains_personal_data": "false"}})])
}

test_gdpr_5e_01_fail_terraform_workspace_missing if {
	r := deny with input as plan([rc("azurerm_log_analytics_workspace", "la", {"name": "la"})])
	some f in r
	contains(f.msg, "azurerm_log_analytics_workspace.la: retention_in_days not set")
}

lifecycle(bucket, status, days) := rc("aws_s3_bucket_lifecycle_configuration", "t", {"bucket": bucket, "rule": [{"status": status, "expiration": [{"days": days}]}]})

test_gdpr_5e_01_pass_terraform_bucket_lifecycle_by_name if {
	count(deny) == 0 with input as plan([rc("aws_s3_bucket", "t", {"bucket": "acme-t"}), lifecycle("acme-t", "Enabled", 30)])
}

test_gdpr_5e_01_pass_terraform_bucket_lifecycle_by_reference if {
	lc := rc("aws_s3_bucket_lifecycle_configuration", "t", {"rule": [{"status": "Enabled", "expiration": [{"days": 30}]}]})
	cfg := {"root_module": {"resources": [{"address": "aws_s3_bucket_lifecycle_configuration.t", "expressions": {"bucket": {"references": ["aws_s3_bucket.t.id", "aws_s3_bucket.t"]}}}]}}
	p := object.union(plan([rc("aws_s3_bucket", "t", {}), lc]), {"configuration": cfg})
	count(deny) == 0 with input as p
}

test_gdpr_5e_01_pass_terraform_bucket_inline_lifecycle if {
	count(deny) == 0 with input as plan([rc("aws_s3_bucket", "t", {"bucket": "acme-t", "lifecycle_rule": [{"enabled": true, "expiration": [{"days": 30}]}]})])
}

test_gdpr_5e_01_fail_terraform_bucket_without_lifecycle if {
	r := deny with input as plan([rc("aws_s3_bucket", "t", {"bucket": "acme-t"})])
	some f in r
	f.msg == "aws_s3_bucket.t: no lifecycle configuration expires its objects (kept forever)"
	f._path == "resource_changes.0"
}

test_gdpr_5e_01_fail_terraform_bucket_lifecycle_disabled if {
	r := deny with input as plan([rc("aws_s3_bucket", "t", {"bucket": "acme-t"}), lifecycle("acme-t", "Disabled", 30)])
	count(r) == 1
	some f in r
	contains(f.msg, "has no enabled expiration rule")
}

test_gdpr_5e_01_fail_terraform_lifecycle_of_other_bucket if {
	r := deny with input as plan([lifecycle("existing-bucket", "Enabled", 0)])
	some f in r
	contains(f.msg, "no enabled rule expires objects of bucket existing-bucket")
	f._path == "resource_changes.0.change.after.rule"
}

test_gdpr_5e_01_pass_terraform_gcs_lifecycle if {
	count(deny) == 0 with input as plan([rc("google_storage_bucket", "t", {"name": "t", "lifecycle_rule": [{"action": [{"type": "Delete"}], "condition": [{"age": 30}]}]})])
}

test_gdpr_5e_01_fail_terraform_gcs_without_delete if {
	r := deny with input as plan([rc("google_storage_bucket", "t", {"name": "t", "lifecycle_rule": [{"action": [{"type": "SetStorageClass"}], "condition": [{"age": 30}]}]})])
	some f in r
	contains(f.msg, "google_storage_bucket.t: no lifecycle_rule deletes objects")
	f._path == "resource_changes.0.change.after.lifecycle_rule"
}

test_gdpr_5e_01_pass_largest_is_numeric_not_textual if {
	largest([12, 3, 100]) == 100
	largest([]) == 0
}

test_gdpr_5e_01_fail_terraform_lifecycle_bucket_unknown_until_apply if {
	r := deny with input as plan([rc("aws_s3_bucket_lifecycle_configuration", "t", {"rule": []})])
	some f in r
	f.msg == "aws_s3_bucket_lifecycle_configuration.t: no enabled rule expires objects of bucket (unknown until apply) (kept forever)"
}

test_gdpr_5e_01_fail_terraform_change_without_actions if {
	r := deny with input as plan([{"address": "aws_cloudwatch_log_group.app", "type": "aws_cloudwatch_log_group", "name": "app", "mode": "managed", "change": {"after": {"name": "app"}}}])
	some f in r
	f.msg == "aws_cloudwatch_log_group.app: retention_in_days not set (kept forever)"
}

# --- a value known only at apply is TF-001's (could not check), not judged here ---

test_gdpr_5e_01_unknown_retention_is_tf_001s if {
	doc := terraform.source_doc([
		terraform.expression_row("aws_cloudwatch_log_group", "app", {"name": "app-logs"}, {"retention_in_days": "days"}),
		["google_storage_bucket", "g", {"name": "g", "lifecycle_rule": [{"action": [{"type": "Delete"}], "condition": [{"age": null}]}]}, {"lifecycle_rule": [{"condition": [{"age": true}]}]}, {"lifecycle_rule": [{"action": [{"type": {"constant_value": "Delete"}}], "condition": [{"age": terraform.var_ref("age")}]}]}],
		terraform.literal_row("aws_s3_bucket", "b", {"bucket": "acme-b"}),
		["aws_s3_bucket_lifecycle_configuration", "b", {"bucket": "acme-b", "rule": [{"status": "Enabled", "expiration": [{"days": null}]}]}, {"rule": [{"expiration": [{"days": true}]}]}, {"bucket": {"constant_value": "acme-b"}, "rule": [{"status": {"constant_value": "Enabled"}, "expiration": [{"days": terraform.var_ref("days")}]}]}],
	])
	count(deny) == 0 with input as doc
	reported := terraform.tf_001_paths(doc)
	["aws_cloudwatch_log_group.app", "resource_changes.0.change.after.retention_in_days"] in reported
	["google_storage_bucket.g", "resource_changes.1.change.after.lifecycle_rule.0.condition.0.age"] in reported
	["aws_s3_bucket_lifecycle_configuration.b", "resource_changes.3.change.after.rule.0.expiration.0.days"] in reported
	# nor does the descriptor compare its period with a value known only at apply
	count(deny) == 0 with input as with_plan(good, object.remove(doc, ["cxgov_source"]))
	r := deny with input as terraform.source_doc([
		terraform.literal_row("aws_cloudwatch_log_group", "app", {"name": "app-logs", "retention_in_days": 0}),
		terraform.literal_row("google_storage_bucket", "g", {"name": "g", "lifecycle_rule": [{"action": [{"type": "Delete"}], "condition": [{"age": false}]}]}),
		terraform.literal_row("aws_s3_bucket", "b", {"bucket": "acme-b"}),
		terraform.literal_row("aws_s3_bucket_lifecycle_configuration", "b", {"bucket": "acme-b", "rule": [{"status": "Enabled", "expiration": [{"days": false}]}]}),
	])
	{f.msg | some f in r} == {
		"aws_cloudwatch_log_group.app: retention_in_days = 0 (kept forever)",
		"google_storage_bucket.g: no lifecycle_rule deletes objects (action Delete with an age condition)",
		"aws_s3_bucket.b: its lifecycle configuration has no enabled expiration rule (kept forever)",
	}
}

test_gdpr_5e_01_lifecycle_of_an_unknown_bucket_is_tf_001s if {
	# a lifecycle configuration whose bucket is an expression may be any bucket's; a dynamic rule
	# block is null, never iterated
	doc := terraform.source_doc([
		terraform.literal_row("aws_s3_bucket", "b", {"bucket": "acme-b"}),
		terraform.expression_row("aws_s3_bucket_lifecycle_configuration", "l", {"rule": [{"status": "Enabled", "expiration": [{"days": 30}]}]}, {"bucket": "bucket_name"}),
		terraform.expression_row("aws_s3_bucket_lifecycle_configuration", "d", {"bucket": "acme-b"}, {"rule": "rules"}),
	])
	count(deny) == 0 with input as doc
	reported := terraform.tf_001_paths(doc)
	["aws_s3_bucket_lifecycle_configuration.l", "resource_changes.1.change.after.bucket"] in reported
	["aws_s3_bucket_lifecycle_configuration.d", "resource_changes.2.change.after.rule"] in reported
}
