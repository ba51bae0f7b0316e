# METADATA
# title: Personal data is encrypted at rest in stores, logs and backups
# description: >-
#   GDPR Art 32(1)(a) names encryption as a security measure. In the descriptor, every data store and
#   log sink holding personal data (unless it says it holds none) needs encryption_at_rest true, and
#   so do a store's backups (backup.encryption_at_rest, else the store's own setting). On a Terraform
#   plan: aws_db_instance and aws_rds_cluster storage_encrypted, aws_ebs_volume and
#   aws_efs_file_system encrypted, an aws_s3_bucket_server_side_encryption_configuration (or the inline
#   block) for every aws_s3_bucket, and no azurerm_mssql_database with transparent data encryption
#   turned off. DynamoDB and Google Cloud encrypt every table and store at rest with no switch to turn
#   it off (whether the key is customer-managed is SOC2-CC6.1-02's question). Resources
#   tagged contains_personal_data = "false" are left out.
# custom:
#   id: GDPR-32-01
#   severity: critical
#   gate: deny
#   applies_to: [system, terraform-plan]
#   frameworks:
#     gdpr: [Art.32(1)(a)]
#   remediation: >-
#     Turn on encryption at rest for every store, log sink and backup holding personal data and set
#     encryption_at_rest true in the descriptor. In Terraform set storage_encrypted = true (RDS),
#     encrypted = true (EBS, EFS), server_side_encryption { enabled = true } (DynamoDB), add an
#     aws_s3_bucket_server_side_encryption_configuration for each bucket (aws:kms with kms_key_id for
#     confidential data), and keep transparent_data_encryption_enabled on Azure SQL databases.
package cxgov.gdpr.gdpr_32_01

import rego.v1

import data.cxgov.lib.personal_data
import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.lib.terraform

d := subject.descriptor

# ---------------------------------------------------------------- descriptor side (system)

state(x) := "is not encrypted at rest (encryption_at_rest: false)" if x.encryption_at_rest == false

state(x) := "does not declare encryption at rest (encryption_at_rest not set)" if not is_boolean(object.get(x, "encryption_at_rest", null))

deny contains result.at(msg, it.what, subject.field_loc(it.path, "encryption_at_rest")) if {
	is_object(input.descriptor)
	some it in personal_data.stores_and_sinks
	not it.item.encryption_at_rest == true
	msg := concat(" ", [it.what, state(it.item)])
}

# backups: their own setting when given, else the store's
backup_setting(s) := s.backup.encryption_at_rest if is_boolean(s.backup.encryption_at_rest)

backup_setting(s) := object.get(s, "encryption_at_rest", false) if not is_boolean(object.get(s, ["backup", "encryption_at_rest"], null))

# undefined as a whole unless the backups are encrypted, so `not backup_encrypted(s)` holds otherwise
backup_encrypted(s) if backup_setting(s) == true

deny contains result.at(msg, concat(" ", ["data store", s.name]), subject.loc(concat(".", [path, "backup.encryption_at_rest"]))) if {
	is_object(input.descriptor)
	some i, s in d.data_stores
	personal_data.holds(s)
	s.backup.enabled == true
	not backup_encrypted(s)
	path := sprintf("data_stores.%d", [i])
	msg := concat("", ["data store ", s.name, ": its backups are not encrypted at rest"])
}

# ---------------------------------------------------------------- Terraform side (terraform-plan)
# a value known only at apply (terraform.unknown_at / unknown_in) is not judged: TF-001 reports it

resources := terraform.resources

# resources whose attribute must be true
flags := {
	"aws_db_instance": "storage_encrypted",
	"aws_rds_cluster": "storage_encrypted",
	"aws_ebs_volume": "encrypted",
	"aws_efs_file_system": "encrypted",
}

deny contains result.at_path(msg, r.address, subject.tf_path(r, attr)) if {
	is_array(input.resource_changes)
	some r in resources
	attr := flags[r.type]
	not r.values[attr] == true
	not terraform.unknown_at(r, attr)
	not terraform.tagged_no_personal_data(r)
	msg := concat("", [r.address, ": ", attr, " is not true (data stored unencrypted)"])
}

deny contains result.at_path(msg, r.address, subject.tf_path(r, "transparent_data_encryption_enabled")) if {
	is_array(input.resource_changes)
	some r in resources
	r.type == "azurerm_mssql_database"
	r.values.transparent_data_encryption_enabled == false
	not terraform.tagged_no_personal_data(r)
	msg := concat("", [r.address, ": transparent_data_encryption_enabled is false"])
}

deny contains result.at_path(msg, b.address, subject.tf_path(b, "server_side_encryption_configuration")) if {
	is_array(input.resource_changes)
	some b in resources
	b.type == "aws_s3_bucket"
	not terraform.tagged_no_personal_data(b)
	not inline_sse(b)
	not terraform.unknown_in(b, ["server_side_encryption_configuration", "rule", "apply_server_side_encryption_by_default"])
	not unlinked_sse_configuration
	count([c | some c in resources; c.type == "aws_s3_bucket_server_side_encryption_configuration"; sse_applies(c, b)]) == 0
	msg := concat("", [b.address, ": no aws_s3_bucket_server_side_encryption_configuration applies to the bucket"])
}

# a configuration whose bucket is known only at apply (and names no aws_s3_bucket) may be any
# bucket's: buckets without one are not judged, TF-001 reports its bucket
unlinked_sse_configuration if {
	some c in resources
	c.type == "aws_s3_bucket_server_side_encryption_configuration"
	terraform.unknown_at(c, "bucket")
}

inline_sse(b) if {
	some c in b.values.server_side_encryption_configuration
	some rule in c.rule
	is_array(rule.apply_server_side_encryption_by_default)
	count(rule.apply_server_side_encryption_by_default) > 0
}

# a bucket settings resource applies to bucket b: same bucket name after apply, or its
# configuration refers to b
sse_applies(r, b) if {
	is_string(r.values.bucket)
	r.values.bucket == b.values.bucket
}

sse_applies(r, b) if {
	some ref in configured_bucket_references[terraform.base_address(r.address)]
	terraform.refers_to(ref, terraform.base_address(b.address))
}

# the references of each configuration resource's `bucket` expression, by address: computed once
configured_bucket_references := terraform.bucket_references_in(input)
