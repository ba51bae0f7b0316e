package cxgov.soc2.soc2_cc8_1_01

import rego.v1

good_tags := {"approval_status": "approved", "approved_by": "maria@acme.example", "approval_ticket": "CHG-1"}

mv(t, author) := {"name": "router", "version": "3", "tags": t, "registered_model": {"tags": {}}, "run": {"metrics": {}, "tags": {"mlflow.user": author}, "inputs": []}}

test_soc2_cc8_1_01_pass_approved_by_another_person_with_ticket if {
	count(deny) == 0 with input as mv(good_tags, "jonas@acme.example")
}

test_soc2_cc8_1_01_fail_self_approved if {
	r := deny with input as mv(good_tags, "Maria@acme.example ")
	r == {{"msg": "models:/router/3 was approved by its own author, maria@acme.example", "resource": "models:/router/3"}}
}

test_soc2_cc8_1_01_fail_pending_without_ticket if {
	r := deny with input as mv({"approval_status": "pending", "approved_by": "maria@acme.example"}, "jonas@acme.example")
	r == {
		{"msg": "models:/router/3 is not approved (approval_status is pending)", "resource": "models:/router/3"},
		{"msg": "models:/router/3 has no change ticket (tag approval_ticket)", "resource": "models:/router/3"},
	}
}

test_soc2_cc8_1_01_fail_nothing_recorded if {
	d := {"name": "router", "version": "3", "tags": {}, "registered_model": {"tags": {}}, "run": null}
	count(deny) == 4 with input as d
}
