# METADATA
# title: IAM grants follow least privilege
# description: >-
#   No IAM policy of the plan allows every action on every resource, and no workload identity (an
#   AWS role, a Google service account or workload pool, an Azure service principal) gets an
#   owner- or editor-level role. A compromised chatbot or agent-assist service must not be able to
#   take over the account.
# custom:
#   id: SOC2-CC6.3-01
#   severity: high
#   gate: deny
#   applies_to: [terraform-plan]
#   frameworks:
#     soc2: [CC6.3]
#   remediation: >-
#     Replace Action "*" / Resource "*" statements with the actions and resource ARNs the workload
#     uses (IAM Access Analyzer can generate them from CloudTrail); grant workloads predefined or
#     custom roles scoped to the resources they need instead of AdministratorAccess,
#     PowerUserAccess, roles/owner, roles/editor, Owner or Contributor.
package cxgov.soc2.soc2_cc6_3_01

import rego.v1

import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.lib.terraform

ref := data.cxgov.ref.soc2_iam

# --- AWS: policy documents (JSON strings) ---

documents contains {"address": r.address, "doc": json.unmarshal(r.values.policy), "path": subject.tf_path(r, "policy")} if {
	some r in terraform.resources
	r.type in ref.aws_policy_types
	is_string(r.values.policy)
	json.is_valid(r.values.policy)
}

documents contains {"address": r.address, "doc": json.unmarshal(p.policy), "path": subject.tf_path(r, ["inline_policy", k, "policy"])} if {
	some r in terraform.of_type("aws_iam_role")
	some k, p in r.values.inline_policy
	is_string(p.policy)
	json.is_valid(p.policy)
}

statements(doc) := doc.Statement if is_array(doc.Statement)

statements(doc) := [doc.Statement] if is_object(doc.Statement)

as_list(x) := x if is_array(x)

as_list(x) := [x] if is_string(x)

deny contains result.at_path(msg, p.address, p.path) if {
	some p in documents
	some i, s in statements(p.doc)
	s.Effect == "Allow"
	some a in as_list(s.Action)
	a in ref.aws_wildcard_actions
	some res in as_list(s.Resource)
	res == "*"
	msg := concat("", [p.address, ": statement ", statement_name(s, i), " allows Action \"", a, "\" on Resource \"*\""])
}

statement_name(s, _) := concat("", ["\"", s.Sid, "\""]) if is_string(s.Sid)

statement_name(s, i) := sprintf("%d", [i]) if not is_string(object.get(s, "Sid", null))

deny contains result.at_path(msg, r.address, subject.tf_path(r, "policy_arn")) if {
	some r in terraform.resources
	r.type in {"aws_iam_role_policy_attachment", "aws_iam_policy_attachment"}
	r.values.policy_arn in ref.aws_broad_policy_arns
	msg := concat("", [r.address, ": attaches ", r.values.policy_arn])
}

deny contains result.at_path(msg, r.address, subject.tf_path(r, ["managed_policy_arns", k])) if {
	some r in terraform.of_type("aws_iam_role")
	some k, arn in r.values.managed_policy_arns
	arn in ref.aws_broad_policy_arns
	msg := concat("", [r.address, ": managed_policy_arns includes ", arn])
}

# --- Google Cloud: basic roles for service accounts and workload pools ---

workload_member(m) if {
	is_string(m)
	some pattern in ref.gcp_workload_member_patterns
	regex.match(pattern, m)
}

deny contains result.at_path(msg, r.address, subject.tf_path(r, "role")) if {
	some r in terraform.resources
	r.type in ref.gcp_iam_member_types
	r.values.role in ref.gcp_broad_roles
	workload_member(r.values.member)
	msg := concat("", [r.address, ": grants ", r.values.role, " to ", r.values.member])
}

deny contains result.at_path(msg, r.address, subject.tf_path(r, "role")) if {
	some r in terraform.resources
	r.type in ref.gcp_iam_binding_types
	r.values.role in ref.gcp_broad_roles
	some m in r.values.members
	workload_member(m)
	msg := concat("", [r.address, ": grants ", r.values.role, " to ", m])
}

deny contains result.at_path(msg, r.address, subject.tf_path(r, "policy_data")) if {
	some r in terraform.resources
	r.type in ref.gcp_iam_policy_types
	is_string(r.values.policy_data)
	json.is_valid(r.values.policy_data)
	some b in json.unmarshal(r.values.policy_data).bindings
	b.role in ref.gcp_broad_roles
	some m in b.members
	workload_member(m)
	msg := concat("", [r.address, ": grants ", b.role, " to ", m])
}

# --- Azure: privileged built-in roles for service principals (managed identities included) ---

deny contains result.at_path(msg, r.address, subject.tf_path(r, "role_definition_name")) if {
	some r in terraform.of_type("azurerm_role_assignment")
	r.values.role_definition_name in ref.azure_broad_roles
	r.values.principal_type in ref.azure_workload_principal_types
	msg := concat("", [r.address, ": grants ", r.values.role_definition_name, " to a ", r.values.principal_type])
}
