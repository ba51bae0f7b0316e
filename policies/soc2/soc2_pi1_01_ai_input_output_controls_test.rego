package cxgov.soc2.soc2_pi1_01

import rego.v1

import data.cxgov.lib.fixtures

system(d) := fixtures.system_with(d, {"lines": {"guardrails.output_filter": 77}})

test_soc2_pi1_01_pass_all_guardrails if {
	count(warn) == 0 with input as system({"guardrails": {"input_max_tokens": 4000, "input_validation": true, "output_filter": true}})
}

test_soc2_pi1_01_fail_none if {
	count(warn) == 3 with input as system({"metadata": {"name": "bot"}})
}

test_soc2_pi1_01_fail_zero_tokens if {
	r := warn with input as system({"guardrails": {"input_max_tokens": 0, "input_validation": true, "output_filter": true}})
	count(r) == 1
}

test_soc2_pi1_01_fail_output_filter_off if {
	r := warn with input as system({"guardrails": {"input_max_tokens": 4000, "input_validation": true, "output_filter": false}})
	r == {{"msg": "guardrails: output_filter is not true", "resource": "guardrails", "_loc": {"file": "cxgov.yaml", "line": 77}}}
}
