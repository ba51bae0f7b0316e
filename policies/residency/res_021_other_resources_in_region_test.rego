package cxgov.residency.res_021

import rego.v1

change(address, after) := {
	"address": address, "mode": "managed", "type": split(address, ".")[0], "name": split(address, ".")[1],
	"provider_name": sprintf("registry.terraform.io/hashicorp/%s", [split(address, "_")[0]]),
	"change": {"actions": ["create"], "after": after, "after_unknown": {}},
}

cfg(address, key) := {"address": address, "mode": "managed", "type": split(address, ".")[0], "name": split(address, ".")[1], "provider_config_key": key, "expressions": {}}

aws(region) := {"name": "aws", "expressions": {"region": {"constant_value": region}}}

plan(changes, providers, configs) := {"format_version": "1.2", "resource_changes": changes, "configuration": {"provider_config": providers, "root_module": {"resources": configs}}}

us_compute := plan(
	[
		change("aws_iam_role.app", {"name": "app"}),
		change("aws_lambda_function.transcribe", {"function_name": "transcribe"}),
		change("aws_kms_key.data", {"description": "data"}),
		change("null_resource.x", {}),
	],
	{"aws": aws("eu-west-1"), "aws.us": object.union(aws("us-east-1"), {"alias": "us"})},
	[cfg("aws_iam_role.app", "aws.us"), cfg("aws_lambda_function.transcribe", "aws.us"), cfg("aws_kms_key.data", "aws")],
)

test_res_021_pass_eu_and_global_resources if {
	# the IAM role's provider is in the US, but IAM is global; the key is in the EU
	r := warn with input as us_compute
	{f.resource | some f in r} == {"aws_lambda_function.transcribe"}
	p := plan([change("aws_lambda_function.f", {})], {"aws": aws("eu-north-1")}, [])
	count(warn) == 0 with input as p
}

test_res_021_pass_silent_when_the_run_has_a_descriptor if {
	count(warn) == 0 with input as us_compute with data.cxgov.run.has_descriptor as true
}

test_res_021_pass_data_holding_resources_are_res_020s if {
	p := plan([change("aws_db_instance.main", {"storage_encrypted": true})], {"aws": aws("us-east-1")}, [])
	count(warn) == 0 with input as p
	settings := plan([change("aws_s3_bucket_versioning.v", {"bucket": "b"}), change("google_storage_bucket_iam_member.m", {"bucket": "b"})], {"aws": aws("us-east-1"), "google": {"name": "google", "expressions": {"region": {"constant_value": "us-east1"}}}}, [])
	count(warn) == 0 with input as settings
}

test_res_021_fail_compute_through_provider_alias if {
	r := warn with input as us_compute
	r == {{
		"msg": "aws_lambda_function.transcribe is in us-east-1 (US), from provider aws.us: outside the default residency profile (eea_or_adequacy); no cxgov descriptor declares this system's regions; add one (cxgov init drafts it) to judge transfers against the system's own profile",
		"resource": "aws_lambda_function.transcribe",
		"_path": "resource_changes.1",
	}}
}

test_res_021_fail_google_zone if {
	p := plan([change("google_compute_instance.vm", {"name": "vm", "zone": "us-central1-a"})], {"google": {"name": "google", "expressions": {"region": {"constant_value": "europe-west4"}}}}, [])
	r := warn with input as p
	{f._path | some f in r} == {"resource_changes.0.change.after.zone"}
}
