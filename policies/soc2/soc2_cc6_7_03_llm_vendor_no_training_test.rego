package cxgov.soc2.soc2_cc6_7_03

import rego.v1

import data.cxgov.lib.fixtures

system(d) := fixtures.system_with(d, {"lines": {"ai_providers.0": 30}})

test_soc2_cc6_7_03_pass_no_training_redacted if {
	inp := system({"ai_providers": [{"name": "aoai", "training_on_customer_data": false, "pii_redaction": true}]})
	count(deny) == 0 with input as inp
	count(warn) == 0 with input as inp
}

test_soc2_cc6_7_03_pass_system_redaction if {
	count(warn) == 0 with input as system({"pii_redaction": {"enabled": true}, "ai_providers": [{"name": "aoai", "training_on_customer_data": false}]})
}

test_soc2_cc6_7_03_fail_training_on if {
	r := deny with input as system({"ai_providers": [{"name": "openai", "training_on_customer_data": true, "pii_redaction": true}]})
	r == {{"msg": "AI provider openai: training_on_customer_data is true (the vendor may train on customer conversations)", "resource": "AI provider openai", "_loc": {"file": "cxgov.yaml", "line": 30}}}
}

test_soc2_cc6_7_03_fail_training_not_declared if {
	r := deny with input as system({"ai_providers": [{"name": "openai", "pii_redaction": true}]})
	some f in r
	contains(f.msg, "training_on_customer_data is not set")
}

test_soc2_cc6_7_03_fail_no_redaction_warns if {
	inp := system({"ai_providers": [{"name": "openai", "training_on_customer_data": false, "pii_redaction": false}]})
	count(deny) == 0 with input as inp
	r := warn with input as inp
	some f in r
	f.msg == "AI provider openai: no PII redaction before the call (pii_redaction is false, and pii_redaction.enabled is not true)"
}
