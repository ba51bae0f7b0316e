package cxgov.soc2.soc2_cc6_1_03

import rego.v1

import data.cxgov.lib.fixtures

system(d) := fixtures.system_with(d, {"lines": {"identity.mfa_required_roles": 40}})

all_roles := ["admin", "console", "model_registry", "agent_console"]

test_soc2_cc6_1_03_pass_all_roles_covered if {
	inp := system({"identity": {"mfa_enforced": true, "mfa_required_roles": all_roles, "phishing_resistant_admin_mfa": true}})
	count(deny) == 0 with input as inp
	count(warn) == 0 with input as inp
}

test_soc2_cc6_1_03_fail_not_enforced if {
	r := deny with input as system({"identity": {"mfa_enforced": false, "mfa_required_roles": all_roles}})
	count(r) == 1
	some f in r
	contains(f.msg, "mfa_enforced is false")
}

test_soc2_cc6_1_03_fail_no_identity_section if {
	r := deny with input as system({"metadata": {"name": "bot"}})
	count(r) == 5
}

test_soc2_cc6_1_03_fail_role_missing if {
	r := deny with input as system({"identity": {"mfa_enforced": true, "mfa_required_roles": ["admin", "console", "model_registry"]}})
	count(r) == 1
	some f in r
	contains(f.msg, "agent_console")
	f._loc.line == 40
}

test_soc2_cc6_1_03_fail_not_phishing_resistant_warns if {
	inp := system({"identity": {"mfa_enforced": true, "mfa_required_roles": all_roles}})
	count(deny) == 0 with input as inp
	count(warn) == 1 with input as inp
}
