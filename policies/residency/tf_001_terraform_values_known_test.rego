package cxgov.residency.tf_001

import rego.v1

# a `.tf` source as cxgov reads it: an expression is null in `after`, true in `after_unknown` and
# {"references": [...]} in the configuration
change(address, after, unknown) := {
	"address": address, "mode": "managed", "type": split(address, ".")[0], "name": split(address, ".")[1],
	"provider_name": sprintf("registry.terraform.io/hashicorp/%s", [split(address, "_")[0]]),
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": unknown},
}

cfg(address, key, expressions) := {"address": address, "mode": "managed", "type": split(address, ".")[0], "name": split(address, ".")[1], "provider_config_key": key, "expressions": expressions}

source(changes, providers, configs) := {"cxgov_source": "terraform-hcl", "format_version": "1.2", "resource_changes": changes, "configuration": {"provider_config": providers, "root_module": {"resources": configs}}}

plan(changes, providers, configs) := object.remove(source(changes, providers, configs), ["cxgov_source"])

aws(region) := {"name": "aws", "expressions": {"region": {"constant_value": region}}}

aws_var(alias) := {"name": "aws", "alias": alias, "expressions": {"region": {"references": ["var.region"]}}}

tf_fix := "give a plan JSON (terraform show -json) or a literal"

test_tf_001_pass_literal_values if {
	p := source(
		[change("aws_db_instance.main", {"storage_encrypted": true, "publicly_accessible": false}, {})],
		{"aws": aws("eu-west-1")},
		[cfg("aws_db_instance.main", "aws", {"storage_encrypted": {"constant_value": true}})],
	)
	count(deny) == 0 with input as p
}

test_tf_001_pass_computed_attributes_the_configuration_does_not_set if {
	# real plans: S3 buckets' region and IAM roles' inline policies are computed, not expressions
	p := plan(
		[
			change("aws_s3_bucket.b", {"bucket": "b"}, {"region": true, "arn": true}),
			change("aws_iam_role.r", {"name": "r"}, {"inline_policy": true, "managed_policy_arns": true}),
			change("aws_cloudwatch_log_group.g", {"name": "g", "retention_in_days": 365}, {"kms_key_id": true}),
		],
		{"aws": aws("eu-west-1")},
		[cfg("aws_s3_bucket.b", "aws", {}), cfg("aws_iam_role.r", "aws", {}), cfg("aws_cloudwatch_log_group.g", "aws", {"kms_key_id": {"references": ["aws_kms_key.k.arn", "aws_kms_key.k"]}})],
	)
	count(deny) == 0 with input as p
}

test_tf_001_pass_plan_records_the_provider_variable if {
	p := object.union(plan([change("aws_s3_bucket.b", {"bucket": "b"}, {})], {"aws": aws_var("us")}, [cfg("aws_s3_bucket.b", "aws.us", {})]), {"variables": {"region": {"value": "eu-west-1"}}})
	count(deny) == 0 with input as p
}

test_tf_001_fail_attribute_is_an_expression if {
	p := source(
		[change("aws_db_instance.main", {"storage_encrypted": null, "publicly_accessible": false}, {"storage_encrypted": true})],
		{"aws": aws("eu-west-1")},
		[cfg("aws_db_instance.main", "aws", {"storage_encrypted": {"references": ["var.encrypt"]}})],
	)
	r := deny with input as p
	r == {{
		"msg": concat("", ["could not check aws_db_instance.main.storage_encrypted: its value is an expression (var.encrypt) known only at apply; ", tf_fix]),
		"resource": "aws_db_instance.main",
		"_path": "resource_changes.0.change.after.storage_encrypted",
	}}
}

test_tf_001_fail_nested_attribute_and_longest_reference if {
	after := {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": null}]}]}
	unknown := {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": true}]}]}
	expr := {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": {"references": ["local.algo"]}}]}]}
	p := plan([change("aws_s3_bucket_server_side_encryption_configuration.b", after, unknown)], {"aws": aws("eu-west-1")}, [cfg("aws_s3_bucket_server_side_encryption_configuration.b", "aws", expr)])
	r := deny with input as p
	some f in r
	f._path == "resource_changes.0.change.after.rule.0.apply_server_side_encryption_by_default.0.sse_algorithm"
	f.msg == "could not check aws_s3_bucket_server_side_encryption_configuration.b.rule.0.apply_server_side_encryption_by_default.0.sse_algorithm: its value is an expression (local.algo) known only at apply; set it to a literal or a variable so the plan records it"
}

test_tf_001_fail_attribute_named_by_reference_data if {
	# soc2_encryption.must_be_true names aws_efs_file_system.encrypted
	p := source([change("aws_efs_file_system.fs", {"encrypted": null}, {"encrypted": true})], {"aws": aws("eu-west-1")}, [cfg("aws_efs_file_system.fs", "aws", {"encrypted": {"references": ["aws_kms_key.k.arn", "aws_kms_key.k"]}})])
	r := deny with input as p
	some f in r
	f.msg == concat("", ["could not check aws_efs_file_system.fs.encrypted: its value is an expression (aws_kms_key.k.arn) known only at apply; ", tf_fix])
}

test_tf_001_fail_region_attribute_is_an_expression if {
	p := source([change("aws_s3_bucket.b", {"bucket": "b", "region": null}, {"region": true})], {"aws": aws("eu-west-1")}, [cfg("aws_s3_bucket.b", "aws", {"region": {"references": ["var.region"]}})])
	r := deny with input as p
	r == {{
		"msg": concat("", ["could not check aws_s3_bucket.b.region: its value is an expression (var.region) known only at apply; ", tf_fix]),
		"resource": "aws_s3_bucket.b",
		"_path": "resource_changes.0.change.after.region",
	}}
}

test_tf_001_fail_unresolved_provider_region if {
	p := source([change("aws_s3_bucket.replica", {"bucket": "replica"}, {})], {"aws": aws("eu-west-1"), "aws.us": aws_var("us")}, [cfg("aws_s3_bucket.replica", "aws.us", {})])
	r := deny with input as p
	r == {{
		"msg": concat("", ["could not check the region of aws_s3_bucket.replica: provider aws.us sets region to an expression (var.region) known only at apply; ", tf_fix]),
		"resource": "aws_s3_bucket.replica",
		"_path": "resource_changes.0",
	}}
}

test_tf_001_fail_no_region_anywhere if {
	p := plan([change("aws_sqs_queue.q", {"name": "q"}, {})], {"aws": {"name": "aws", "expressions": {}}}, [cfg("aws_sqs_queue.q", "aws", {})])
	r := deny with input as p
	some f in r
	f.msg == "could not check the region of aws_sqs_queue.q: neither it nor provider aws names a region; set region on the provider block or the resource"
}

test_tf_001_fail_replication_destination_outside_the_document if {
	rc := change("aws_s3_bucket_replication_configuration.r", {"rule": [{"destination": [{"bucket": "arn:aws:s3:::elsewhere"}]}]}, {})
	p := plan([rc], {"aws": aws("eu-west-1")}, [cfg("aws_s3_bucket_replication_configuration.r", "aws", {})])
	r := deny with input as p
	some f in r
	f._path == "resource_changes.0.change.after.rule.0.destination.0.bucket"
	contains(f.msg, "bucket arn:aws:s3:::elsewhere is not in this document and an S3 ARN names no region")
}

test_tf_001_fail_replica_region_is_an_expression if {
	p := source(
		[change("aws_dynamodb_table.t", {"name": "t", "replica": [{"region_name": null}]}, {"replica": [{"region_name": true}]})],
		{"aws": aws("eu-west-1")},
		[cfg("aws_dynamodb_table.t", "aws", {"replica": [{"region_name": {"references": ["var.dr_region"]}}]})],
	)
	r := deny with input as p
	{f._path | some f in r} == {"resource_changes.0.change.after.replica.0.region_name"}
}

test_tf_001_pass_policy_arn_of_a_policy_the_plan_creates if {
	p := plan(
		[change("aws_iam_role_policy_attachment.a", {"role": "app"}, {"policy_arn": true})],
		{"aws": aws("eu-west-1")},
		[cfg("aws_iam_role_policy_attachment.a", "aws", {"policy_arn": {"references": ["aws_iam_policy.app.arn", "aws_iam_policy.app"]}})],
	)
	count(deny) == 0 with input as p
}

test_tf_001_fail_policy_arn_from_a_variable if {
	p := source(
		[change("aws_iam_role_policy_attachment.a", {"role": "app", "policy_arn": null}, {"policy_arn": true})],
		{"aws": aws("eu-west-1")},
		[cfg("aws_iam_role_policy_attachment.a", "aws", {"policy_arn": {"references": ["var.policy_arn"]}})],
	)
	r := deny with input as p
	{f._path | some f in r} == {"resource_changes.0.change.after.policy_arn"}
}

test_tf_001_bucket_of_a_bucket_setting if {
	# naming an aws_s3_bucket of the document links the setting to it; a variable does not
	by_reference := source(
		[change("aws_s3_bucket_public_access_block.p", {"bucket": null, "block_public_acls": true}, {"bucket": true})],
		{"aws": aws("eu-west-1")},
		[cfg("aws_s3_bucket_public_access_block.p", "aws", {"bucket": {"references": ["aws_s3_bucket.b.id", "aws_s3_bucket.b"]}})],
	)
	count(deny) == 0 with input as by_reference
	by_variable := source(
		[change("aws_s3_bucket_lifecycle_configuration.l", {"bucket": null}, {"bucket": true})],
		{"aws": aws("eu-west-1")},
		[cfg("aws_s3_bucket_lifecycle_configuration.l", "aws", {"bucket": {"references": ["var.bucket"]}})],
	)
	r := deny with input as by_variable
	{f._path | some f in r} == {"resource_changes.0.change.after.bucket"}
}

test_tf_001_listener_action_down_to_what_is_judged if {
	# the redirect protocol is judged, a forward action's target group is not
	after := {"protocol": "HTTP", "default_action": [{"type": "redirect", "redirect": [{"protocol": null}]}, {"type": "forward", "target_group_arn": null}]}
	unknown := {"default_action": [{"redirect": [{"protocol": true}]}, {"target_group_arn": true}]}
	expr := {"default_action": [{"redirect": [{"protocol": {"references": ["var.protocol"]}}]}, {"target_group_arn": {"references": ["aws_lb_target_group.t.arn"]}}]}
	r := deny with input as source([change("aws_lb_listener.l", after, unknown)], {"aws": aws("eu-west-1")}, [cfg("aws_lb_listener.l", "aws", expr)])
	{f._path | some f in r} == {"resource_changes.0.change.after.default_action.0.redirect.0.protocol"}
}
