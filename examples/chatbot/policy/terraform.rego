# METADATA
# title: acme-cx Terraform plan policies
# description: >-
#   Residency, encryption, retention and least privilege for the chatbot's AWS resources, judged on
#   `terraform show -json` plan output.
# custom:
#   applies_to: [terraform-plan]
package terraform

import rego.v1

# resources as they will be after apply (deleted ones left out)
resources contains rc if {
	some rc in input.resource_changes
	rc.mode == "managed"
	not deleted(rc)
	is_object(rc.change.after)
}

deleted(rc) if "delete" in rc.change.actions

of_type(t) := {rc | some rc in resources; rc.type == t}

# METADATA
# title: Providers deploy to allowed regions
# description: >-
#   Every AWS provider configuration (aliases included) must name an allowed region as a constant, so
#   transcripts, conversation state and their replicas stay in the EEA.
# custom:
#   id: CHAT-TF-001
#   severity: critical
#   frameworks:
#     gdpr: [Art.44, Art.46]
#     soc2: [CC6.1]
#   remediation: >-
#     Set the provider's region to one of data.allowed_regions (eu-west-1 serves for disaster
#     recovery), or remove the resources that use it.
deny contains {"msg": msg, "provider": key, "region": region, "resources": users_of(key)} if {
	some key, cfg in input.configuration.provider_config
	cfg.name == "aws"
	region := cfg.expressions.region.constant_value
	not allowed_region(region)
	msg := sprintf("provider %s deploys %d resources to %s, outside the allowed regions", [key, count(users_of(key)), region])
}

deny contains msg if {
	some key, cfg in input.configuration.provider_config
	cfg.name == "aws"
	not cfg.expressions.region.constant_value
	msg := sprintf("provider %s has no constant region, so residency cannot be verified from the plan", [key])
}

allowed_region(region) if region in data.allowed_regions

users_of(key) := sort([r.address | some r in input.configuration.root_module.resources; r.provider_config_key == key])

# METADATA
# title: Data stores are encrypted with KMS keys
# description: >-
#   Transcript buckets are encrypted with a customer-managed KMS key (SSE-KMS) and DynamoDB tables
#   with server-side encryption, so access to the data is also access to the key, which is audited.
# custom:
#   id: CHAT-TF-002
#   severity: high
#   frameworks:
#     soc2: [CC6.1]
#     gdpr: [Art.32]
#   remediation: >-
#     Add an aws_s3_bucket_server_side_encryption_configuration with sse_algorithm aws:kms for each
#     bucket, and server_side_encryption { enabled = true } on each DynamoDB table.
deny_encryption contains msg if {
	some b in of_type("aws_s3_bucket")
	not kms_encrypted(b)
	msg := sprintf("%s: bucket has no SSE-KMS encryption configuration", [b.address])
}

deny_encryption contains msg if {
	some t in of_type("aws_dynamodb_table")
	not dynamodb_encrypted(t)
	msg := sprintf("%s: table does not enable server-side encryption with a KMS key", [t.address])
}

kms_encrypted(b) if {
	some sse in of_type("aws_s3_bucket_server_side_encryption_configuration")
	sse.change.after.bucket == b.change.after.bucket
	some rule in sse.change.after.rule
	some d in rule.apply_server_side_encryption_by_default
	d.sse_algorithm in data.bucket_sse_algorithms
}

dynamodb_encrypted(t) if {
	some sse in t.change.after.server_side_encryption
	sse.enabled == true
}

# METADATA
# title: Buckets block all public access
# custom:
#   id: CHAT-TF-003
#   severity: critical
#   frameworks:
#     soc2: [CC6.1, CC6.6]
#     gdpr: [Art.32]
#   remediation: >-
#     Add an aws_s3_bucket_public_access_block for the bucket with all four settings true.
deny_public_access contains msg if {
	some b in of_type("aws_s3_bucket")
	not fully_blocked(b)
	msg := sprintf("%s: bucket does not block all public access", [b.address])
}

fully_blocked(b) if {
	some p in of_type("aws_s3_bucket_public_access_block")
	p.change.after.bucket == b.change.after.bucket
	p.change.after.block_public_acls == true
	p.change.after.block_public_policy == true
	p.change.after.ignore_public_acls == true
	p.change.after.restrict_public_buckets == true
}

# METADATA
# title: Logs are kept for at least six months
# description: >-
#   Logs of the chatbot's decisions are kept at least as long as data.min_log_retention_days, so an
#   incident or complaint can be traced after the fact. 0 means the group never expires.
# custom:
#   id: CHAT-TF-004
#   severity: medium
#   frameworks:
#     eu-ai-act: [Art.12, Art.19]
#     soc2: [CC7.2]
#   remediation: Set retention_in_days on the log group to 365 (or another CloudWatch value of at least 184).
deny_log_retention contains msg if {
	some g in of_type("aws_cloudwatch_log_group")
	days := object.get(g.change.after, "retention_in_days", 0)
	days > 0
	days < data.min_log_retention_days
	msg := sprintf("%s: log group %s keeps logs for %d days, fewer than the required %d", [g.address, g.change.after.name, days, data.min_log_retention_days])
}

# METADATA
# title: IAM policies grant no wildcard actions
# custom:
#   id: CHAT-TF-005
#   severity: high
#   frameworks:
#     soc2: [CC6.3]
#   remediation: List the actions the service needs (s3:GetObject, dynamodb:PutItem, ...) instead of * or service:*.
deny_iam_wildcard contains msg if {
	some p in iam_policies
	some grant in wildcard_grants(p.change.after.policy)
	msg := sprintf("%s: statement %s allows %s", [p.address, grant.sid, grant.action])
}

iam_policies := of_type("aws_iam_policy") | of_type("aws_iam_role_policy")

# the wildcard actions an IAM policy document (JSON text) allows, with their statement ids
wildcard_grants(document) := {{"sid": object.get(statement, "Sid", "(no Sid)"), "action": action} |
	some statement in as_array(json.unmarshal(document).Statement)
	statement.Effect == "Allow"
	some action in as_array(statement.Action)
	wildcard(action)
}

as_array(x) := x if is_array(x)

as_array(x) := [x] if not is_array(x)

wildcard(action) if action == "*"

wildcard(action) if endswith(action, ":*")

# METADATA
# title: Transcript buckets expire their objects
# description: >-
#   Storage limitation: conversation transcripts are deleted when no longer needed, by a lifecycle
#   rule rather than by hand.
# custom:
#   id: CHAT-TF-006
#   severity: medium
#   frameworks:
#     gdpr: [Art.5]
#   remediation: Add an aws_s3_bucket_lifecycle_configuration with an enabled rule that expires objects.
warn_lifecycle contains msg if {
	some b in of_type("aws_s3_bucket")
	not expires(b)
	msg := sprintf("%s: bucket has no enabled lifecycle rule that expires objects", [b.address])
}

expires(b) if {
	some l in of_type("aws_s3_bucket_lifecycle_configuration")
	l.change.after.bucket == b.change.after.bucket
	some rule in l.change.after.rule
	rule.status == "Enabled"
	some e in rule.expiration
	e.days > 0
}
