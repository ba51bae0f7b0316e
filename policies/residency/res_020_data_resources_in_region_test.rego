package cxgov.residency.res_020

import rego.v1

# a plan as `terraform show -json` writes it: resource_changes, and the configuration with each
# resource's provider_config_key and the provider blocks
registry(type) := sprintf("registry.terraform.io/hashicorp/%s", [split(type, "_")[0]])

change(address, after) := {
	"address": address, "mode": "managed", "type": split(address, ".")[0], "name": split(address, ".")[1],
	"provider_name": registry(split(address, ".")[0]),
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": {"arn": true, "id": true}},
}

cfg(address, key, expressions) := {"address": address, "mode": "managed", "type": split(address, ".")[0], "name": split(address, ".")[1], "provider_config_key": key, "expressions": expressions}

plan(changes, providers, configs) := {"format_version": "1.2", "resource_changes": changes, "configuration": {"provider_config": providers, "root_module": {"resources": configs}}}

aws(region) := {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws", "expressions": {"region": {"constant_value": region}}}

aws_alias(alias, region) := object.union(aws(region), {"alias": alias})

advice := "no cxgov descriptor declares this system's regions; add one (cxgov init drafts it) to judge transfers against the system's own profile"

rds := {"identifier": "cx-main", "engine": "postgres", "storage_encrypted": true, "publicly_accessible": false, "multi_az": true, "backup_retention_period": 7}

us_rds := plan([change("aws_db_instance.main", rds)], {"aws": aws("us-east-1")}, [cfg("aws_db_instance.main", "aws", {})])

# the case of the issue: a bucket replicated to a bucket whose provider alias is in us-east-1
alias_replica := plan(
	[
		change("aws_s3_bucket.transcripts", {"bucket": "cx-transcripts"}),
		change("aws_s3_bucket.replica", {"bucket": "cx-transcripts-replica"}),
		change("aws_s3_bucket_replication_configuration.transcripts", {"bucket": "cx-transcripts", "rule": [{"id": "all", "status": "Enabled", "destination": [{"bucket": "arn:aws:s3:::cx-transcripts-replica", "storage_class": "STANDARD"}]}]}),
	],
	{"aws": aws("eu-central-1"), "aws.us": aws_alias("us", "us-east-1")},
	[
		cfg("aws_s3_bucket.transcripts", "aws", {"bucket": {"constant_value": "cx-transcripts"}}),
		cfg("aws_s3_bucket.replica", "aws.us", {"bucket": {"constant_value": "cx-transcripts-replica"}}),
		cfg("aws_s3_bucket_replication_configuration.transcripts", "aws", {"rule": [{"destination": [{"bucket": {"references": ["aws_s3_bucket.replica.arn", "aws_s3_bucket.replica"]}}]}]}),
	],
)

eu_only := plan(
	[
		change("aws_db_instance.main", rds),
		change("aws_s3_bucket.transcripts", {"bucket": "cx-transcripts"}),
		change("aws_dynamodb_table.sessions", {"name": "sessions", "replica": [{"region_name": "eu-west-1"}]}),
		change("aws_instance.bastion", {"instance_type": "t3.micro"}),
	],
	{"aws": aws("eu-central-1")},
	[],
)

test_res_020_pass_eu_only_plan if {
	count(deny) == 0 with input as eu_only
}

test_res_020_pass_silent_when_the_run_has_a_descriptor if {
	count(deny) == 0 with input as us_rds with data.cxgov.run.has_descriptor as true
	count(deny) == 0 with input as alias_replica with data.cxgov.run.has_descriptor as true
}

test_res_020_pass_other_resources_only_warn if {
	p := plan([change("aws_lambda_function.f", {"function_name": "f"})], {"aws": aws("us-east-1")}, [])
	count(deny) == 0 with input as p
}

test_res_020_pass_plan_variable_names_an_eu_region if {
	p := object.union(plan([change("aws_db_instance.main", rds)], {"aws": {"name": "aws", "expressions": {"region": {"references": ["var.region"]}}}}, []), {"variables": {"region": {"value": "eu-west-1"}}})
	count(deny) == 0 with input as p
}

test_res_020_fail_encrypted_private_rds_in_us_east_1 if {
	r := deny with input as us_rds
	r == {{
		"msg": concat("", ["aws_db_instance.main holds data in us-east-1 (US), from provider aws: outside the default residency profile (eea_or_adequacy); ", advice]),
		"resource": "aws_db_instance.main",
		"_path": "resource_changes.0",
	}}
}

test_res_020_fail_also_when_has_descriptor_is_false if {
	count(deny) == 1 with input as us_rds with data.cxgov.run.has_descriptor as false
}

test_res_020_fail_replica_through_provider_alias if {
	r := deny with input as alias_replica
	count(r) == 2
	some bucket in r
	bucket.resource == "aws_s3_bucket.replica"
	bucket.msg == concat("", ["aws_s3_bucket.replica holds data in us-east-1 (US), from provider aws.us: outside the default residency profile (eea_or_adequacy); ", advice])
	bucket._path == "resource_changes.1"
	some replication in r
	replication.resource == "aws_s3_bucket_replication_configuration.transcripts"
	contains(replication.msg, "holds data in us-east-1 (US), from replication destination aws_s3_bucket.replica, provider aws.us")
	replication._path == "resource_changes.2.change.after.rule.0.destination.0.bucket"
}

test_res_020_fail_replication_destination_by_reference_only if {
	# a `.tf` source: the destination is an expression, resolved through the configuration
	rc := change("aws_s3_bucket_replication_configuration.transcripts", {"rule": [{"destination": [{"bucket": null}]}]})
	changes := [alias_replica.resource_changes[0], alias_replica.resource_changes[1], rc]
	r := deny with input as object.union(alias_replica, {"resource_changes": changes})
	{f._path | some f in r} == {"resource_changes.1", "resource_changes.2.change.after.rule.0.destination.0.bucket"}
}

test_res_020_fail_own_region_attribute if {
	p := plan([change("aws_s3_bucket.logs", {"bucket": "logs", "region": "us-west-2"})], {"aws": aws("eu-west-1")}, [])
	r := deny with input as p
	{f._path | some f in r} == {"resource_changes.0.change.after.region"}
	some f in r
	contains(f.msg, "holds data in us-west-2 (US), from its region")
}

test_res_020_fail_dynamodb_replica if {
	p := plan([change("aws_dynamodb_table.sessions", {"name": "sessions", "replica": [{"region_name": "eu-west-1"}, {"region_name": "us-east-1"}]})], {"aws": aws("eu-central-1")}, [])
	r := deny with input as p
	{f._path | some f in r} == {"resource_changes.0.change.after.replica.1.region_name"}
	some f in r
	contains(f.msg, "from its replica (replica.1.region_name)")
}

test_res_020_fail_rds_cross_region_replica_source if {
	replica := object.union(rds, {"replicate_source_db": "arn:aws:rds:us-east-1:123456789012:db:cx-main"})
	p := plan([change("aws_db_instance.replica", replica)], {"aws": aws("eu-central-1")}, [])
	r := deny with input as p
	{f._path | some f in r} == {"resource_changes.0.change.after.replicate_source_db"}
}

test_res_020_fail_azure_and_google_locations if {
	p := plan(
		[
			change("azurerm_storage_account.blobs", {"name": "blobs", "location": "eastus"}),
			change("google_bigquery_dataset.analytics", {"dataset_id": "analytics"}),
			change("google_storage_bucket.eu", {"name": "eu", "location": "EU"}),
		],
		{},
		[],
	)
	r := deny with input as p
	{f.resource | some f in r} == {"azurerm_storage_account.blobs", "google_bigquery_dataset.analytics"}
	some f in r
	f.resource == "google_bigquery_dataset.analytics"
	contains(f.msg, "from the default location of google_bigquery_dataset")
}

test_res_020_fail_region_that_resolves_to_no_country if {
	p := plan([change("google_vertex_ai_endpoint.chat", {"name": "chat", "location": "global"})], {}, [])
	r := deny with input as p
	some f in r
	contains(f.msg, "holds data in global, which resolves to no country, from its location")
}

test_res_020_fail_module_resource_through_its_provider_key if {
	c := object.union(change("aws_s3_bucket.archive", {"bucket": "archive"}), {"address": "module.store.aws_s3_bucket.archive", "module_address": "module.store"})
	p := {"resource_changes": [c], "configuration": {
		"provider_config": {"aws": aws("eu-west-1"), "aws.us": aws_alias("us", "us-east-2")},
		"root_module": {"module_calls": {"store": {"module": {"resources": [cfg("aws_s3_bucket.archive", "aws.us", {})]}}}},
	}}
	r := deny with input as p
	{f.resource | some f in r} == {"module.store.aws_s3_bucket.archive"}
}
