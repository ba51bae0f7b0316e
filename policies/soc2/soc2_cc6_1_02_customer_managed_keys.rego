# METADATA
# title: Confidential data uses customer-managed keys that rotate
# description: >-
#   Stores of confidential or restricted data should be encrypted with customer-managed keys
#   (CMK), and every customer-managed key should rotate at least every key_rotation_max_days.
#   Checked on the descriptor's data stores and on the plan's AWS KMS, Google Cloud KMS and Azure
#   Key Vault keys. The control is advisory (gate warn), so both cases are warnings.
# custom:
#   id: SOC2-CC6.1-02
#   severity: medium
#   gate: warn
#   applies_to: [system, terraform-plan]
#   frameworks:
#     soc2: [CC6.1]
#   remediation: >-
#     Encrypt confidential and restricted stores with a customer-managed key (kms_key_type:
#     customer_managed) and declare key_rotation_days; in Terraform set enable_key_rotation = true
#     (and rotation_period_in_days within the limit) on aws_kms_key, rotation_period on
#     google_kms_crypto_key, and an automatic rotation_policy on azurerm_key_vault_key.
package cxgov.soc2.soc2_cc6_1_02

import rego.v1

import data.cxgov.lib.messages
import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.lib.terraform

max_days := data.cxgov.config.thresholds.key_rotation_max_days

seconds_per_day := 86400

d := subject.descriptor

# --- descriptor (system) ---

warn contains result.at(msg, res, subject.loc(sprintf("data_stores.%d.kms_key_type", [i]))) if {
	some i, s in object.get(d, "data_stores", [])
	s.classification in {"confidential", "restricted"}
	not s.kms_key_type == "customer_managed"
	res := concat("", ["data store ", s.name])
	msg := concat("", [res, ": holds ", s.classification, " data but kms_key_type is ", messages.shown(s, "kms_key_type"), " (not customer_managed)"])
}

warn contains result.at(msg, res, subject.loc(sprintf("data_stores.%d.kms_key_type", [i]))) if {
	some i, s in object.get(d, "data_stores", [])
	s.kms_key_type == "customer_managed"
	not is_number(object.get(s, "key_rotation_days", null))
	res := concat("", ["data store ", s.name])
	msg := concat("", [res, ": customer-managed key without a declared key_rotation_days"])
}

warn contains result.at(msg, res, subject.loc(sprintf("data_stores.%d.key_rotation_days", [i]))) if {
	some i, s in object.get(d, "data_stores", [])
	days := s.key_rotation_days
	is_number(days)
	not rotation_ok(days)
	res := concat("", ["data store ", s.name])
	msg := concat("", [res, ": key_rotation_days is ", sprintf("%d", [s.key_rotation_days]), " (rotation off or longer than ", sprintf("%d", [max_days]), " days)"])
}

rotation_ok(days) if {
	days > 0
	days <= max_days
}

# --- Terraform plan ---
# a value known only at apply (terraform.unknown_at / unknown_in) is not judged: TF-001 reports it

warn contains result.at_path(msg, k.address, subject.tf_path(k, "enable_key_rotation")) if {
	some k in terraform.of_type("aws_kms_key")
	symmetric(k.values)
	not k.values.enable_key_rotation == true
	not terraform.unknown_at(k, "enable_key_rotation")
	not terraform.unknown_at(k, "customer_master_key_spec")
	msg := concat("", [k.address, ": enable_key_rotation is ", messages.shown(k.values, "enable_key_rotation"), " (key rotation is off)"])
}

warn contains result.at_path(msg, k.address, subject.tf_path(k, "rotation_period_in_days")) if {
	some k in terraform.of_type("aws_kms_key")
	k.values.enable_key_rotation == true
	k.values.rotation_period_in_days > max_days
	msg := concat("", [k.address, ": rotation_period_in_days is ", sprintf("%d", [k.values.rotation_period_in_days]), " (more than ", sprintf("%d", [max_days]), ")"])
}

warn contains result.at_path(msg, k.address, subject.tf_path(k, "rotation_period")) if {
	some k in terraform.of_type("google_kms_crypto_key")
	object.get(k.values, "purpose", "ENCRYPT_DECRYPT") in {"ENCRYPT_DECRYPT", null}
	not gcp_rotation_ok(object.get(k, ["values", "rotation_period"], null))
	not terraform.unknown_at(k, "rotation_period")
	not terraform.unknown_at(k, "purpose")
	msg := concat("", [k.address, ": rotation_period is ", messages.shown(k.values, "rotation_period"), " (no automatic rotation within ", sprintf("%d", [max_days]), " days)"])
}

warn contains result.at_path(msg, k.address, subject.tf_path(k, "rotation_policy")) if {
	some k in terraform.of_type("azurerm_key_vault_key")
	not azure_automatic_rotation(object.get(k, "values", {}))
	not terraform.unknown_in(k, ["rotation_policy", "automatic"])
	msg := concat("", [k.address, ": no automatic rotation_policy (key rotation is off)"])
}

# asymmetric and HMAC keys cannot rotate automatically in AWS KMS
symmetric(values) if object.get(values, "customer_master_key_spec", "SYMMETRIC_DEFAULT") in {"SYMMETRIC_DEFAULT", null}

# Google Cloud writes the period in seconds with an "s" suffix, e.g. "7776000s"
gcp_rotation_ok(period) if {
	is_string(period)
	m := regex.find_all_string_submatch_n(`^([0-9]+)(\.[0-9]+)?s$`, period, 1)
	count(m) == 1
	to_number(m[0][1]) <= max_days * seconds_per_day
}

azure_automatic_rotation(values) if {
	some policy in values.rotation_policy
	is_array(policy.automatic)
	count(policy.automatic) > 0
}
