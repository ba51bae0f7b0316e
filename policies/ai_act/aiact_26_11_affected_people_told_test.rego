package cxgov.ai_act.aiact_26_11

import rego.v1

import data.cxgov.lib.fixtures.system

test_aiact_26_11_pass_notice_on if {
	count(deny) == 0 with input as system({"system": {"ai_act": {"risk_class": "high"}}, "ai_disclosure": {"highrisk_notice": true}})
}

test_aiact_26_11_pass_not_high_risk if {
	count(deny) == 0 with input as system({"system": {"ai_act": {"risk_class": "limited"}}})
}

test_aiact_26_11_fail_notice_off if {
	count(deny) == 1 with input as system({"system": {"ai_act": {"risk_class": "high"}}, "ai_disclosure": {"highrisk_notice": false}})
}

test_aiact_26_11_fail_notice_undeclared if {
	r := deny with input as system({"system": {"ai_act": {"risk_class": "high"}}})
	some f in r
	contains(f.msg, "highrisk_notice is not true")
}
