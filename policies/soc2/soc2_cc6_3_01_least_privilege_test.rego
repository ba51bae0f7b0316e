package cxgov.soc2.soc2_cc6_3_01

import rego.v1

import data.cxgov.lib.fixtures.plan
import data.cxgov.lib.terraform

scoped_policy := json.marshal({"Version": "2012-10-17", "Statement": [
	{"Sid": "Transcripts", "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": "arn:aws:s3:::acme-cx-transcripts-eu/transcripts/*"},
	{"Sid": "Describe", "Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"},
	{"Sid": "DenyAll", "Effect": "Deny", "Action": "*", "Resource": "*"},
]})

admin_policy := json.marshal({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})

test_soc2_cc6_3_01_pass_scoped_policy if {
	count(deny) == 0 with input as plan([
		["aws_iam_policy", "chat_api", {"policy": scoped_policy}],
		["aws_iam_role_policy_attachment", "ro", {"policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
		["google_project_iam_member", "sa", {"role": "roles/aiplatform.user", "member": "serviceAccount:bot@p.iam.gserviceaccount.com"}],
		["google_project_iam_member", "owner", {"role": "roles/owner", "member": "group:platform-admins@acme.example"}],
		["azurerm_role_assignment", "mi", {"role_definition_name": "Storage Blob Data Contributor", "principal_type": "ServicePrincipal"}],
	])
}

test_soc2_cc6_3_01_fail_action_star_resource_star if {
	r := deny with input as plan([["aws_iam_policy", "chat_api", {"policy": admin_policy}]])
	count(r) == 1
	some f in r
	f.resource == "aws_iam_policy.chat_api"
	contains(f.msg, "allows Action \"*\" on Resource \"*\"")
	f._path == "resource_changes.0.change.after.policy"
}

test_soc2_cc6_3_01_fail_star_in_lists if {
	doc := json.marshal({"Statement": [{"Sid": "All", "Effect": "Allow", "Action": ["s3:GetObject", "*:*"], "Resource": ["arn:aws:s3:::x", "*"]}]})
	r := deny with input as plan([["aws_iam_role_policy", "p", {"policy": doc}]])
	some f in r
	contains(f.msg, "statement \"All\"")
}

test_soc2_cc6_3_01_fail_inline_role_policy if {
	r := deny with input as plan([["aws_iam_role", "bot", {"inline_policy": [{"name": "all", "policy": admin_policy}]}]])
	count(r) == 1
	{f._path | some f in r} == {"resource_changes.0.change.after.inline_policy.0.policy"}
}

test_soc2_cc6_3_01_fail_administrator_access if {
	r := deny with input as plan([["aws_iam_role_policy_attachment", "admin", {"policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}]])
	count(r) == 1
	{f._path | some f in r} == {"resource_changes.0.change.after.policy_arn"}
}

test_soc2_cc6_3_01_fail_gcp_editor_to_service_account if {
	r := deny with input as plan([["google_project_iam_binding", "ed", {"role": "roles/editor", "members": ["user:a@acme.example", "serviceAccount:bot@p.iam.gserviceaccount.com"]}]])
	count(r) == 1
	some f in r
	contains(f.msg, "roles/editor to serviceAccount:bot@")
	f._path == "resource_changes.0.change.after.role"
}

test_soc2_cc6_3_01_fail_gcp_owner_member if {
	count(deny) == 1 with input as plan([["google_project_iam_member", "o", {"role": "roles/owner", "member": "serviceAccount:bot@p.iam.gserviceaccount.com"}]])
}

test_soc2_cc6_3_01_fail_gcp_policy_data if {
	policy := json.marshal({"bindings": [{"role": "roles/owner", "members": ["serviceAccount:bot@p.iam.gserviceaccount.com"]}]})
	r := deny with input as plan([["google_project_iam_policy", "p", {"policy_data": policy}]])
	r == {{"msg": "google_project_iam_policy.p: grants roles/owner to serviceAccount:bot@p.iam.gserviceaccount.com", "resource": "google_project_iam_policy.p", "_path": "resource_changes.0.change.after.policy_data"}}
}

test_soc2_cc6_3_01_fail_azure_contributor if {
	r := deny with input as plan([["azurerm_role_assignment", "mi", {"role_definition_name": "Contributor", "principal_type": "ServicePrincipal"}]])
	count(r) == 1
	{f._path | some f in r} == {"resource_changes.0.change.after.role_definition_name"}
}

test_soc2_cc6_3_01_fail_managed_policy_arns if {
	r := deny with input as plan([["aws_iam_role", "bot", {"managed_policy_arns": ["arn:aws:iam::aws:policy/PowerUserAccess"]}]])
	r == {{"msg": "aws_iam_role.bot: managed_policy_arns includes arn:aws:iam::aws:policy/PowerUserAccess", "resource": "aws_iam_role.bot", "_path": "resource_changes.0.change.after.managed_policy_arns.0"}}
}

test_soc2_cc6_3_01_pass_invalid_or_unknown_policy_skipped if {
	count(deny) == 0 with input as plan([["aws_iam_policy", "p", {"name": "later"}]])
}

# --- a value known only at apply is TF-001's (could not check), not judged here ---

test_soc2_cc6_3_01_unknown_grants_are_tf_001s if {
	# only a literal broad role or policy is judged; an expression is never read as one
	doc := terraform.source_doc([
		terraform.expression_row("azurerm_role_assignment", "a", {"principal_type": "ServicePrincipal"}, {"role_definition_name": "role"}),
		terraform.expression_row("aws_iam_role_policy_attachment", "p", {"role": "app"}, {"policy_arn": "policy_arn"}),
		terraform.expression_row("google_project_iam_member", "m", {"role": "roles/owner"}, {"member": "member"}),
		terraform.expression_row("aws_iam_policy", "i", {"name": "app"}, {"policy": "document"}),
	])
	count(deny) == 0 with input as doc
	reported := terraform.tf_001_paths(doc)
	["azurerm_role_assignment.a", "resource_changes.0.change.after.role_definition_name"] in reported
	["aws_iam_role_policy_attachment.p", "resource_changes.1.change.after.policy_arn"] in reported
	["google_project_iam_member.m", "resource_changes.2.change.after.member"] in reported
	["aws_iam_policy.i", "resource_changes.3.change.after.policy"] in reported
	r := deny with input as terraform.source_doc([
		terraform.literal_row("azurerm_role_assignment", "a", {"principal_type": "ServicePrincipal", "role_definition_name": "Owner"}),
		terraform.literal_row("aws_iam_role_policy_attachment", "p", {"role": "app", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
		terraform.literal_row("google_project_iam_member", "m", {"role": "roles/owner", "member": "serviceAccount:bot@p.iam.gserviceaccount.com"}),
		terraform.literal_row("aws_iam_policy", "i", {"name": "app", "policy": json.marshal({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})}),
	])
	{f.resource | some f in r} == {"azurerm_role_assignment.a", "aws_iam_role_policy_attachment.p", "google_project_iam_member.m", "aws_iam_policy.i"}
}
