package cxgov.residency.res_005

import rego.v1

import data.cxgov.lib.fixtures

system(d) := fixtures.system_with(d, {"lines": {"vendors.0": 20, "vendors.0.transfer_mechanism": 23}})

test_res_005_pass_no_derogation if {
	inp := system({"vendors": [{"name": "bpo", "country": "IN", "transfer_mechanism": "scc"}], "ai_providers": [{"name": "llm", "region": "eu-west-1"}]})
	count(deny) == 0 with input as inp
	count(warn) == 0 with input as inp
}

test_res_005_fail_occasional_derogation_warns if {
	inp := system({"vendors": [{"name": "bpo", "country": "IN", "transfer_mechanism": "art49", "continuous": false}]})
	count(deny) == 0 with input as inp
	r := warn with input as inp
	count(r) == 1
	some f in r
	startswith(f.msg, "vendor bpo: relies on an Art 49 derogation")
	f._loc == {"file": "cxgov.yaml", "line": 23}
}

test_res_005_fail_continuous_derogation_denies if {
	r := deny with input as system({"ai_providers": [{"name": "llm", "region": "ap-south-1", "transfer_mechanism": "art49", "continuous": true}]})
	count(r) == 1
	some f in r
	contains(f.msg, "AI provider llm: relies on an Art 49 derogation for continuous transfers")
}

test_res_005_fail_continuity_not_declared_denies if {
	r := deny with input as system({"vendors": [{"name": "bpo", "country": "IN", "transfer_mechanism": "art49"}]})
	some f in r
	contains(f.msg, "does not declare whether the transfers are continuous")
}
