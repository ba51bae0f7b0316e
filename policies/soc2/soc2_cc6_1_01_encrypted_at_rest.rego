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

import data.cxgov.lib.messages
import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.lib.terraform

ref := data.cxgov.ref.soc2_encryption

d := subject.descriptor

# --- descriptor (system) ---

deny contains result.at(msg, res, subject.loc(path)) if {
	some i, s in object.get(d, "data_stores", [])
	not s.encryption_at_rest == true
	res := concat("", ["data store ", s.name])
	path := sprintf("data_stores.%d.encryption_at_rest", [i])
	msg := concat("", [res, ": encryption_at_rest is ", messages.shown(s, "encryption_at_rest"), " (stores and their backups must be encrypted)"])
}

deny contains result.at(msg, res, subject.loc(path)) if {
	some i, s in object.get(d, "log_sinks", [])
	not s.encryption_at_rest == true
	res := concat("", ["log sink ", s.name])
	path := sprintf("log_sinks.%d.encryption_at_rest", [i])
	msg := concat("", [res, ": encryption_at_rest is ", messages.shown(s, "encryption_at_rest")])
}

# --- Terraform plan ---
# a value known only at apply (terraform.unknown_at / unknown_in) is not judged: TF-001 reports it

deny contains result.at_path(msg, r.address, subject.tf_path(r, attr)) if {
	some r in terraform.resources
	attr := ref.must_be_true[r.type]
	not r.values[attr] == true
	not terraform.unknown_at(r, attr)
	not replica(r)
	not maybe_replica(r)
	msg := concat("", [r.address, ": ", attr, " is ", messages.shown(r.values, attr), " (encryption at rest is off)"])
}

deny contains result.at_path(msg, r.address, subject.tf_path(r, attr)) if {
	some r in terraform.resources
	attr := ref.must_not_be_false[r.type]
	r.values[attr] == false
	msg := concat("", [r.address, ": ", attr, " is false (encryption at rest is off)"])
}

deny contains result.at_path(msg, r.address, subject.tf_path(r, [path[0], 0, path[1]])) if {
	some r in terraform.resources
	path := ref.nested_must_be_true[r.type]
	not nested_true(object.get(r, "values", {}), path)
	not terraform.unknown_in(r, path)
	msg := concat("", [r.address, ": ", path[0], ".", path[1], " is not true (encryption at rest is off)"])
}

deny contains result.at_path(msg, r.address, subject.tf_path(r, "encryption_type")) if {
	some r in terraform.resources
	r.type == "aws_kinesis_stream"
	not object.get(r, ["values", "encryption_type"], null) in object.get(ref, "kinesis_encryption_types", [])
	not terraform.unknown_at(r, "encryption_type")
	msg := concat("", [r.address, ": encryption_type is ", messages.shown(r.values, "encryption_type"), " (records are stored unencrypted)"])
}

deny contains result.at_path(msg, c.address, subject.tf_path(c, ["rule", k, "apply_server_side_encryption_by_default", j, "sse_algorithm"])) if {
	some c in terraform.of_type("aws_s3_bucket_server_side_encryption_configuration")
	some k, rule in c.values.rule
	some j, by_default in rule.apply_server_side_encryption_by_default
	not object.get(by_default, "sse_algorithm", null) in object.get(ref, "s3_sse_algorithms", [])
	not terraform.unknown_at(c, ["rule", k, "apply_server_side_encryption_by_default", j, "sse_algorithm"])
	msg := concat("", [c.address, ": sse_algorithm is ", messages.shown(by_default, "sse_algorithm")])
}

# S3 has encrypted new objects with SSE-S3 by default since January 2023, so a bucket without a
# configuration is encrypted, but not by a control the plan shows
warn contains result.at_path(msg, b.address, subject.tf_path(b, "server_side_encryption_configuration")) if {
	some b in terraform.of_type("aws_s3_bucket")
	not inline_sse(b)
	not terraform.unknown_at(b, "server_side_encryption_configuration")
	not has_sse_configuration(b)
	not unlinked_sse_configuration
	msg := concat("", [b.address, ": no aws_s3_bucket_server_side_encryption_configuration in the plan (relies on the S3 default, SSE-S3)"])
}

# an RDS read replica inherits the encryption of its source
replica(r) if {
	r.type == "aws_db_instance"
	is_string(r.values.replicate_source_db)
	r.values.replicate_source_db != ""
}

# whether it is a replica is known only at apply (TF-001 reports replicate_source_db)
maybe_replica(r) if {
	r.type == "aws_db_instance"
	terraform.unknown_at(r, "replicate_source_db")
}

nested_true(values, path) if {
	some block in values[path[0]]
	block[path[1]] == true
}

# a block known only at apply is null: no count of it (builtin errors are errors)
inline_sse(b) if {
	blocks := b.values.server_side_encryption_configuration
	is_array(blocks)
	count(blocks) > 0
}

has_sse_configuration(b) if {
	some c in terraform.of_type("aws_s3_bucket_server_side_encryption_configuration")
	terraform.same_bucket(c, b)
}

# a configuration whose bucket is known only at apply (and names no aws_s3_bucket) may be any
# bucket's: buckets without one are not judged, TF-001 reports its bucket
unlinked_sse_configuration if {
	some c in terraform.of_type("aws_s3_bucket_server_side_encryption_configuration")
	terraform.unknown_at(c, "bucket")
}
