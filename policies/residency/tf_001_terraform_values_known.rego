# METADATA
# title: Every Terraform value a builtin rule judges is known
# description: >-
#   A value known only at apply cannot be judged, and a rule that cannot judge it must not pass
#   it. Reported: an attribute a builtin Terraform rule reads (encryption, public access, TLS,
#   logging, backups, IAM, model routing: ref.terraform_checked_attributes plus the attributes the
#   SOC 2 reference data names) that is an expression in a `.tf` source or unknown in a plan
#   (after_unknown); a data-holding resource (ref.terraform_residency) whose region is an
#   expression, or whose provider's is, or that no region names at all; and a replica or
#   replication destination whose region cannot be named. An attribute the configuration leaves to
#   the provider (computed, not set) is not reported: the rules judge its absence themselves; nor is
#   a reference to a resource the rules judge themselves (ref.terraform_checked_attributes
#   judged_references: a policy_arn naming an aws_iam_policy of the same plan, a bucket setting's
#   bucket naming an aws_s3_bucket). The attribute-judging rules skip exactly what is reported here
#   (lib terraform.unknown_at / unknown_in), so a value known only at apply is this one finding.
# custom:
#   id: TF-001
#   severity: high
#   gate: deny
#   applies_to: [terraform-plan]
#   frameworks:
#     gdpr: [Art.32, Art.44]
#     soc2: [CC6.1]
#   remediation: >-
#     Check the plan JSON (terraform plan -out tfplan && terraform show -json tfplan) rather than
#     the `.tf` source, or write the attribute as a literal; for a provider region, give the
#     provider block a literal region (or check the plan, which records variables' values).
package cxgov.residency.tf_001

import rego.v1

import data.cxgov.lib.messages
import data.cxgov.lib.result
import data.cxgov.lib.terraform
import data.cxgov.lib.tf_residency

checked := data.cxgov.ref.terraform_checked_attributes

encryption := data.cxgov.ref.soc2_encryption

tls := data.cxgov.ref.soc2_tls

monitoring := data.cxgov.ref.soc2_monitoring

iam := data.cxgov.ref.soc2_iam

deny contains finding(u.unresolved, u.why, u.fix, u.path, u.resource) if {
	some u in tf_residency.unresolved
}

deny contains finding(sprintf("%s.%s", [r.address, messages.dotted(path)]), terraform.unknown_why(r, path), terraform.instead, terraform.doc_path(r, path), r.address) if {
	some r in terraform.resources
	some path in terraform.unknown_paths(r)
	some spec in needed(r)
	tf_residency.covers(terraform.keys_of(path), spec)
	terraform.configured(r, path)
	top := path[0]
	not terraform.judged_reference(r, top)
}

finding(what, why, fix, path, resource) := result.at_path(sprintf("could not check %s: %s; %s", [what, why, fix]), resource, path)

# the attribute paths the builtin rules read for a resource
needed(r) := ((((listed | derived) | tls_attrs) | iam_attrs) | replicas) if {
	listed := {spec | some spec in array.concat(object.get(checked.by_type, r.type, []), checked.any_type)}
	derived := {spec |
		some table in ["must_be_true", "must_not_be_false"]
		spec := [object.get(encryption, [table, r.type], null)]
		is_string(spec[0])
	} | {spec |
		spec := encryption.nested_must_be_true[r.type]
	} | {spec |
		attr := monitoring.terraform_security_log_types[r.type]
		some spec in [[attr], ["name"]]
	}
	tls_attrs := {spec |
		some prefix, attrs in tls.terraform_version_attributes
		startswith(r.type, prefix)
		some attr in attrs
		spec := [attr]
	} | {spec |
		startswith(r.type, "azurerm_")
		some attr in tls.terraform_site_config_attributes
		spec := ["site_config", attr]
	}
	iam_attrs := {["policy"] | r.type in iam.aws_policy_types} | {spec |
		r.type in array.concat(iam.gcp_iam_member_types, iam.gcp_iam_binding_types)
		some spec in [["role"], ["member"], ["members"]]
	} | {["policy_data"] | r.type in iam.gcp_iam_policy_types}
	replicas := {spec.path | some spec in tf_residency.settings.replicas; spec.type == r.type}
}
