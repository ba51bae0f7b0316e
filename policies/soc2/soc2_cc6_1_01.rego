# METADATA
# title: Data is encrypted at rest
# description: >-
#   Every data store and log sink the descriptor declares, and every storage resource of a
#   Terraform plan whose encryption at rest can be switched off, is encrypted (same logic as
#   GDPR-32-01). An undeclared setting fails: encryption is a control the entity must show.
# custom:
#   id: SOC2-CC6.1-01
#   severity: critical
#   gate: deny
#   applies_to: [system, terraform-plan]
#   frameworks:
#     soc2: [CC6.1]
#     gdpr: [Art.32]
#   remediation: >-
#     Set encryption_at_rest: true on every data store and log sink of the descriptor once the
#     store really is encrypted; in Terraform set storage_encrypted / encrypted /
#     at_rest_encryption_enabled / encrypt_at_rest.enabled to true (with a KMS key), use
#     encryption_type = "KMS" on Kinesis streams, and give every S3 bucket an
#     aws_s3_bucket_server_side_encryption_configuration.
package cxgov.soc2.soc2_cc6_1_01

import rego.v1

import data.cxgov.lib.subject
import data.cxgov.lib.terraform

ref := data.cxgov.ref.soc2_encryption

d := subject.descriptor

# a setting as a message shows it; "not set" when absent
shown(o, k) := o[k] if is_string(o[k])

shown(o, k) := sprintf("%v", [v]) if {
	v := o[k]
	v != null
	not is_string(v)
}

shown(o, k) := "not set" if not has_value(o, k)

has_value(o, k) if o[k] != null

# --- descriptor (system) ---

deny contains {"msg": msg, "resource": res, "_loc": subject.loc(path)} if {
	some i, s in object.get(d, "data_stores", [])
	not s.encryption_at_rest == true
	res := concat("", ["data store ", s.name])
	path := sprintf("data_stores.%d.encryption_at_rest", [i])
	msg := concat("", [res, ": encryption_at_rest is ", shown(s, "encryption_at_rest"), " (stores and their backups must be encrypted)"])
}

deny contains {"msg": msg, "resource": res, "_loc": subject.loc(path)} if {
	some i, s in object.get(d, "log_sinks", [])
	not s.encryption_at_rest == true
	res := concat("", ["log sink ", s.name])
	path := sprintf("log_sinks.%d.encryption_at_rest", [i])
	msg := concat("", [res, ": encryption_at_rest is ", shown(s, "encryption_at_rest")])
}

# --- Terraform plan ---

deny contains {"msg": msg, "resource": r.address, "_path": subject.tf_path(r, attr)} if {
	some r in terraform.resources
	attr := ref.must_be_true[r.type]
	not r.values[attr] == true
	not replica(r)
	msg := concat("", [r.address, ": ", attr, " is ", shown(r.values, attr), " (encryption at rest is off)"])
}

deny contains {"msg": msg, "resource": r.address, "_path": subject.tf_path(r, attr)} if {
	some r in terraform.resources
	attr := ref.must_not_be_false[r.type]
	r.values[attr] == false
	msg := concat("", [r.address, ": ", attr, " is false (encryption at rest is off)"])
}

deny contains {"msg": msg, "resource": r.address, "_path": subject.tf_path(r, [path[0], 0, path[1]])} if {
	some r in terraform.resources
	path := ref.nested_must_be_true[r.type]
	not nested_true(object.get(r, "values", {}), path)
	msg := concat("", [r.address, ": ", path[0], ".", path[1], " is not true (encryption at rest is off)"])
}

deny contains {"msg": msg, "resource": r.address, "_path": subject.tf_path(r, "encryption_type")} if {
	some r in terraform.resources
	r.type == "aws_kinesis_stream"
	not object.get(r, ["values", "encryption_type"], null) in object.get(ref, "kinesis_encryption_types", [])
	msg := concat("", [r.address, ": encryption_type is ", shown(r.values, "encryption_type"), " (records are stored unencrypted)"])
}

deny contains {"msg": msg, "resource": c.address, "_path": subject.tf_path(c, ["rule", k, "apply_server_side_encryption_by_default", j, "sse_algorithm"])} if {
	some c in terraform.of_type("aws_s3_bucket_server_side_encryption_configuration")
	some k, rule in c.values.rule
	some j, by_default in rule.apply_server_side_encryption_by_default
	not object.get(by_default, "sse_algorithm", null) in object.get(ref, "s3_sse_algorithms", [])
	msg := concat("", [c.address, ": sse_algorithm is ", shown(by_default, "sse_algorithm")])
}

# S3 has encrypted new objects with SSE-S3 by default since January 2023, so a bucket without a
# configuration is encrypted, but not by a control the plan shows
warn contains {"msg": msg, "resource": b.address, "_path": subject.tf_path(b, "server_side_encryption_configuration")} if {
	some b in terraform.of_type("aws_s3_bucket")
	not inline_sse(b)
	not has_sse_configuration(b)
	msg := concat("", [b.address, ": no aws_s3_bucket_server_side_encryption_configuration in the plan (relies on the S3 default, SSE-S3)"])
}

# an RDS read replica inherits the encryption of its source
replica(r) if {
	r.type == "aws_db_instance"
	is_string(r.values.replicate_source_db)
	r.values.replicate_source_db != ""
}

nested_true(values, path) if {
	some block in values[path[0]]
	block[path[1]] == true
}

inline_sse(b) if count(b.values.server_side_encryption_configuration) > 0

has_sse_configuration(b) if {
	some c in terraform.of_type("aws_s3_bucket_server_side_encryption_configuration")
	same_bucket(c, b)
}

# a bucket-scoped resource belongs to a bucket by name, or by reference in the configuration
same_bucket(c, b) if {
	is_string(b.values.bucket)
	c.values.bucket == b.values.bucket
}

same_bucket(c, b) if {
	some res in input.configuration.root_module.resources
	res.address == c.address
	some reference in res.expressions.bucket.references
	reference in {b.address, concat("", [b.address, ".id"]), concat("", [b.address, ".bucket"])}
}
