package cxgov.gdpr.gdpr_32_01

import rego.v1

import data.cxgov.lib.fixtures.system
import data.cxgov.lib.terraform

rc(type, name, after) := {"address": concat(".", [type, name]), "type": type, "name": name, "mode": "managed", "change": {"actions": ["create"], "after": after}}

plan(rcs) := {"format_version": "1.2", "evaluation_date": "2026-11-22", "resource_changes": rcs}

test_gdpr_32_01_pass_descriptor_encrypted if {
	d := {
		"data_stores": [{"name": "t", "encryption_at_rest": true, "backup": {"enabled": true}}, {"name": "cache", "contains_personal_data": false}],
		"log_sinks": [{"name": "chat", "data_kinds": ["transcript"], "encryption_at_rest": true}, {"name": "metrics", "data_kinds": ["metrics"]}],
	}
	count(deny) == 0 with input as system(d)
}

test_gdpr_32_01_fail_store_not_encrypted if {
	r := deny with input as system({"data_stores": [{"name": "t", "encryption_at_rest": false}]})
	count(r) == 1
	some f in r
	f.msg == "data store t is not encrypted at rest (encryption_at_rest: false)"
}

test_gdpr_32_01_fail_sink_not_declared if {
	r := deny with input as system({"log_sinks": [{"name": "chat", "data_kinds": ["ai_event"]}]})
	some f in r
	f.msg == "log sink chat does not declare encryption at rest (encryption_at_rest not set)"
}

test_gdpr_32_01_fail_backup_not_encrypted if {
	r := deny with input as system({"data_stores": [{"name": "crm", "encryption_at_rest": true, "backup": {"enabled": true, "encryption_at_rest": false}}]})
	count(r) == 1
	some f in r
	f.msg == "data store crm: its backups are not encrypted at rest"
	lines := {"data_stores.0": 3, "data_stores.0.backup": 6, "data_stores.0.backup.encryption_at_rest": 8}
	loc := deny with input as object.union(system({"data_stores": [{"name": "crm", "encryption_at_rest": true, "backup": {"enabled": true, "encryption_at_rest": false}}]}), {"lines": lines})
	{g._loc.line | some g in loc} == {8}
}

test_gdpr_32_01_pass_terraform_encrypted if {
	p := plan([
		rc("aws_db_instance", "db", {"storage_encrypted": true}),
		rc("aws_rds_cluster", "c", {"storage_encrypted": true}),
		rc("aws_ebs_volume", "v", {"encrypted": true}),
		rc("aws_dynamodb_table", "t", {"server_side_encryption": [{"enabled": true, "kms_key_arn": ""}]}),
		rc("aws_s3_bucket", "b", {"bucket": "acme-b"}),
		rc("aws_s3_bucket_server_side_encryption_configuration", "b", {"bucket": "acme-b", "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]}),
		rc("azurerm_mssql_database", "sql", {"transparent_data_encryption_enabled": true}),
	])
	count(deny) == 0 with input as p
}

test_gdpr_32_01_pass_terraform_sse_by_reference if {
	cfg := {"root_module": {"resources": [{"address": "aws_s3_bucket_server_side_encryption_configuration.b", "expressions": {"bucket": {"references": ["aws_s3_bucket.b.id", "aws_s3_bucket.b"]}}}]}}
	p := object.union(plan([rc("aws_s3_bucket", "b", {}), rc("aws_s3_bucket_server_side_encryption_configuration", "b", {"rule": []})]), {"configuration": cfg})
	count(deny) == 0 with input as p
}

test_gdpr_32_01_fail_terraform_rds_unencrypted if {
	r := deny with input as plan([rc("aws_db_instance", "db", {"storage_encrypted": false})])
	some f in r
	f.msg == "aws_db_instance.db: storage_encrypted is not true (data stored unencrypted)"
	f._path == "resource_changes.0.change.after.storage_encrypted"
}

test_gdpr_32_01_fail_terraform_ebs_missing if {
	r := deny with input as plan([rc("aws_ebs_volume", "v", {})])
	some f in r
	contains(f.msg, "aws_ebs_volume.v: encrypted is not true")
	f._path == "resource_changes.0"
}

test_gdpr_32_01_pass_terraform_dynamodb_is_always_encrypted if {
	count(deny) == 0 with input as plan([rc("aws_dynamodb_table", "t", {"server_side_encryption": []})])
}

test_gdpr_32_01_fail_terraform_bucket_without_sse if {
	r := deny with input as plan([rc("aws_s3_bucket", "b", {"bucket": "acme-b"}), rc("aws_s3_bucket_server_side_encryption_configuration", "o", {"bucket": "other"})])
	count(r) == 1
	some f in r
	f.msg == "aws_s3_bucket.b: no aws_s3_bucket_server_side_encryption_configuration applies to the bucket"
	f._path == "resource_changes.0"
}

test_gdpr_32_01_fail_terraform_azure_tde_off if {
	r := deny with input as plan([rc("azurerm_mssql_database", "sql", {"transparent_data_encryption_enabled": false})])
	count(r) == 1
	{f._path | some f in r} == {"resource_changes.0.change.after.transparent_data_encryption_enabled"}
}

test_gdpr_32_01_pass_terraform_tagged_non_personal if {
	count(deny) == 0 with input as plan([rc("aws_ebs_volume", "scratch", {"tags": {"contains_personal_data": "false"}})])
}

# the shape of acme-cx-kb in examples/acme-cx/noncompliant: backups enabled with no encryption_at_rest
# of their own, so they inherit the store's false
test_gdpr_32_01_fail_backup_inherits_unencrypted_store if {
	kb := {
		"name": "acme-cx-kb", "type": "opensearch", "data_kind": "vector_index", "provider": "aws", "region": "eu-central-1",
		"backup": {"enabled": true, "regions": ["eu-central-1"], "retention_days": 14, "last_restore_test": "2026-06-03"},
		"encryption_at_rest": false, "retention_days": 365, "classification": "confidential", "contains_personal_data": true,
		"system_of_record": false, "multi_az": true, "public_access": false, "ropa_ref": "RP-CX-02",
	}
	r := deny with input as system({"data_stores": [kb]})
	count(r) == 2
	some f in r
	f.msg == "data store acme-cx-kb: its backups are not encrypted at rest"
	some g in r
	g.msg == "data store acme-cx-kb is not encrypted at rest (encryption_at_rest: false)"
}

test_gdpr_32_01_fail_backup_of_store_without_setting if {
	r := deny with input as system({"data_stores": [{"name": "crm", "backup": {"enabled": true}}]})
	some f in r
	f.msg == "data store crm: its backups are not encrypted at rest"
}

test_gdpr_32_01_fail_terraform_change_without_actions if {
	r := deny with input as plan([{"address": "aws_db_instance.db", "type": "aws_db_instance", "name": "db", "mode": "managed", "change": {"after": {"storage_encrypted": false}}}])
	some f in r
	f.msg == "aws_db_instance.db: storage_encrypted is not true (data stored unencrypted)"
}

# --- a value known only at apply is TF-001's (could not check), not judged here ---

test_gdpr_32_01_unknown_encryption_is_tf_001s if {
	doc := terraform.source_doc([
		terraform.expression_row("aws_db_instance", "main", {"engine": "postgres"}, {"storage_encrypted": "encrypted"}),
		terraform.expression_row("aws_ebs_volume", "v", {"size": 10}, {"encrypted": "encrypted"}),
	])
	count(deny) == 0 with input as doc
	reported := terraform.tf_001_paths(doc)
	["aws_db_instance.main", "resource_changes.0.change.after.storage_encrypted"] in reported
	["aws_ebs_volume.v", "resource_changes.1.change.after.encrypted"] in reported
	r := deny with input as terraform.source_doc([
		terraform.literal_row("aws_db_instance", "main", {"engine": "postgres", "storage_encrypted": false}),
		terraform.literal_row("aws_ebs_volume", "v", {"size": 10, "encrypted": false}),
	])
	{f.msg | some f in r} == {
		"aws_db_instance.main: storage_encrypted is not true (data stored unencrypted)",
		"aws_ebs_volume.v: encrypted is not true (data stored unencrypted)",
	}
}

test_gdpr_32_01_unknown_bucket_encryption_is_tf_001s if {
	# a dynamic inline block, or a configuration whose bucket is an expression (it may be this one's)
	inline := terraform.source_doc([["aws_s3_bucket", "b", {"bucket": "acme-b", "server_side_encryption_configuration": null}, {"server_side_encryption_configuration": true}, {"bucket": {"constant_value": "acme-b"}, "server_side_encryption_configuration": terraform.var_ref("sse")}]])
	count(deny) == 0 with input as inline
	["aws_s3_bucket.b", "resource_changes.0.change.after.server_side_encryption_configuration"] in terraform.tf_001_paths(inline)
	nested := terraform.source_doc([[
		"aws_s3_bucket", "b",
		{"bucket": "acme-b", "server_side_encryption_configuration": [{"rule": null}]},
		{"server_side_encryption_configuration": [{"rule": true}]},
		{"bucket": {"constant_value": "acme-b"}, "server_side_encryption_configuration": [{"rule": terraform.var_ref("rules")}]},
	]])
	count(deny) == 0 with input as nested
	["aws_s3_bucket.b", "resource_changes.0.change.after.server_side_encryption_configuration.0.rule"] in terraform.tf_001_paths(nested)
	unlinked := terraform.source_doc([
		terraform.literal_row("aws_s3_bucket", "b", {"bucket": "acme-b"}),
		terraform.expression_row("aws_s3_bucket_server_side_encryption_configuration", "c", {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"}]}]}, {"bucket": "bucket_name"}),
	])
	count(deny) == 0 with input as unlinked
	["aws_s3_bucket_server_side_encryption_configuration.c", "resource_changes.1.change.after.bucket"] in terraform.tf_001_paths(unlinked)
	r := deny with input as terraform.source_doc([
		terraform.literal_row("aws_s3_bucket", "b", {"bucket": "acme-b", "server_side_encryption_configuration": []}),
		terraform.literal_row("aws_s3_bucket_server_side_encryption_configuration", "c", {"bucket": "other", "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"}]}]}),
	])
	{f.msg | some f in r} == {"aws_s3_bucket.b: no aws_s3_bucket_server_side_encryption_configuration applies to the bucket"}
}
