package cxgov.soc2.soc2_cc6_1_02

import rego.v1

import data.cxgov.lib.fixtures.plan
import data.cxgov.lib.fixtures.system
import data.cxgov.lib.terraform

test_soc2_cc6_1_02_pass_cmk_rotated if {
	count(warn) == 0 with input as system({"data_stores": [
		{"name": "transcripts", "classification": "confidential", "kms_key_type": "customer_managed", "key_rotation_days": 365},
		{"name": "faq", "classification": "public", "kms_key_type": "provider_managed"},
	]})
}

test_soc2_cc6_1_02_fail_confidential_without_cmk if {
	r := warn with input as system({"data_stores": [{"name": "transcripts", "classification": "restricted", "kms_key_type": "provider_managed"}]})
	count(r) == 1
	some f in r
	contains(f.msg, "holds restricted data but kms_key_type is provider_managed")
}

test_soc2_cc6_1_02_fail_rotation_not_declared if {
	r := warn with input as system({"data_stores": [{"name": "t", "kms_key_type": "customer_managed"}]})
	some f in r
	contains(f.msg, "without a declared key_rotation_days")
}

test_soc2_cc6_1_02_fail_rotation_too_long if {
	r := warn with input as system({"data_stores": [{"name": "t", "kms_key_type": "customer_managed", "key_rotation_days": 730}]})
	some f in r
	contains(f.msg, "key_rotation_days is 730")
}

test_soc2_cc6_1_02_pass_plan_keys_rotate if {
	count(warn) == 0 with input as plan([
		["aws_kms_key", "t", {"enable_key_rotation": true, "rotation_period_in_days": 365, "customer_master_key_spec": "SYMMETRIC_DEFAULT"}],
		["aws_kms_key", "sign", {"enable_key_rotation": false, "customer_master_key_spec": "RSA_2048"}],
		["google_kms_crypto_key", "k", {"rotation_period": "7776000s", "purpose": "ENCRYPT_DECRYPT"}],
		["azurerm_key_vault_key", "k", {"rotation_policy": [{"automatic": [{"time_before_expiry": "P30D"}]}]}],
	])
}

test_soc2_cc6_1_02_fail_aws_rotation_off if {
	r := warn with input as plan([["aws_kms_key", "t", {"enable_key_rotation": false}]])
	some f in r
	f.resource == "aws_kms_key.t"
	contains(f.msg, "enable_key_rotation is false")
	f._path == "resource_changes.0.change.after.enable_key_rotation"
}

test_soc2_cc6_1_02_fail_aws_period_too_long if {
	r := warn with input as plan([["aws_kms_key", "t", {"enable_key_rotation": true, "rotation_period_in_days": 2560}]])
	some f in r
	contains(f.msg, "rotation_period_in_days is 2560")
	f._path == "resource_changes.0.change.after.rotation_period_in_days"
}

test_soc2_cc6_1_02_fail_gcp_no_rotation if {
	count(warn) == 1 with input as plan([["google_kms_crypto_key", "k", {"rotation_period": null}]])
	count(warn) == 1 with input as plan([["google_kms_crypto_key", "k", {"rotation_period": "63072000s"}]])
}

test_soc2_cc6_1_02_fail_gcp_rotation_not_set if {
	r := warn with input as plan([["google_kms_crypto_key", "k", {"purpose": "ENCRYPT_DECRYPT"}]])
	r == {{"msg": "google_kms_crypto_key.k: rotation_period is not set (no automatic rotation within 365 days)", "resource": "google_kms_crypto_key.k", "_path": "resource_changes.0"}}
}

test_soc2_cc6_1_02_fail_azure_no_policy if {
	r := warn with input as plan([["azurerm_key_vault_key", "k", {"rotation_policy": []}]])
	count(r) == 1
	{f._path | some f in r} == {"resource_changes.0.change.after.rotation_policy"}
}

test_soc2_cc6_1_02_fail_descriptor_points_at_the_field if {
	inp := object.union(system({"data_stores": [{"name": "t", "classification": "restricted", "kms_key_type": "customer_managed", "key_rotation_days": 0}]}), {"lines": {"data_stores.0": 8, "data_stores.0.kms_key_type": 10, "data_stores.0.key_rotation_days": 11}})
	{f._loc.line | some f in warn} == {11} with input as inp
	inp2 := object.union(system({"data_stores": [{"name": "t", "classification": "restricted"}]}), {"lines": {"data_stores.0": 8, "data_stores.0.classification": 9}})
	{f._loc.line | some f in warn} == {8} with input as inp2
}

# --- a value known only at apply is TF-001's (could not check), not judged here ---

test_soc2_cc6_1_02_unknown_key_settings_are_tf_001s if {
	doc := terraform.source_doc([
		terraform.expression_row("aws_kms_key", "a", {}, {"enable_key_rotation": "rotate"}),
		terraform.expression_row("aws_kms_key", "b", {"enable_key_rotation": false}, {"customer_master_key_spec": "spec"}),
		terraform.expression_row("google_kms_crypto_key", "g", {}, {"rotation_period": "period"}),
		["azurerm_key_vault_key", "z", {"rotation_policy": [{"automatic": null}]}, {"rotation_policy": [{"automatic": true}]}, {"rotation_policy": [{"automatic": terraform.var_ref("automatic")}]}],
	])
	count(warn) == 0 with input as doc
	reported := terraform.tf_001_paths(doc)
	["aws_kms_key.a", "resource_changes.0.change.after.enable_key_rotation"] in reported
	["aws_kms_key.b", "resource_changes.1.change.after.customer_master_key_spec"] in reported
	["google_kms_crypto_key.g", "resource_changes.2.change.after.rotation_period"] in reported
	["azurerm_key_vault_key.z", "resource_changes.3.change.after.rotation_policy.0.automatic"] in reported
	r := warn with input as terraform.source_doc([
		terraform.literal_row("aws_kms_key", "a", {"enable_key_rotation": false}),
		terraform.literal_row("google_kms_crypto_key", "g", {"rotation_period": false}),
		terraform.literal_row("azurerm_key_vault_key", "z", {"rotation_policy": [{"automatic": []}]}),
	])
	{f.msg | some f in r} == {
		"aws_kms_key.a: enable_key_rotation is false (key rotation is off)",
		"google_kms_crypto_key.g: rotation_period is false (no automatic rotation within 365 days)",
		"azurerm_key_vault_key.z: no automatic rotation_policy (key rotation is off)",
	}
}
