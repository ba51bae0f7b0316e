package cxgov.gdpr.gdpr_22_01

import rego.v1

import data.cxgov.lib.fixtures

system(ds) := fixtures.system({"system": {"automated_decisions": ds}})

test_gdpr_22_01_pass_human_review if {
	count(deny) == 0 with input as system([{"name": "refund", "significant_effect": true, "human_review_available": true}, {"name": "routing", "significant_effect": false}])
}

test_gdpr_22_01_pass_no_decisions if {
	count(deny) == 0 with input as {"evaluation_date": "2026-11-22", "descriptor": {}, "descriptor_file": "cxgov.yaml", "lines": {}, "evidence": {}, "documents": []}
}

test_gdpr_22_01_fail_significant_without_review if {
	r := deny with input as system([{"name": "credit_limit", "significant_effect": true, "human_review_available": false}])
	count(r) == 1
	some f in r
	startswith(f.msg, "automated decision credit_limit has significant effects but human_review_available is not true")
}

test_gdpr_22_01_fail_undeclared_effect if {
	r := deny with input as system([{"name": "refund"}])
	some f in r
	contains(f.msg, "does not declare significant_effect")
}
