package cxgov.soc2.soc2_c1_2_01

import rego.v1

import data.cxgov.lib.fixtures

system(d) := fixtures.system_with(d, {"lines": {"ai_providers.0": 90}})

landscape := {
	"data_stores": [
		{"name": "transcripts", "data_kind": "transcript"},
		{"name": "kb-index", "data_kind": "vector_index"},
		{"name": "faq", "data_kind": "faq", "contains_personal_data": false},
	],
	"log_sinks": [{"name": "datadog", "data_kinds": ["transcript", "metrics"]}, {"name": "metrics", "data_kinds": ["metrics"]}],
	"ai_providers": [{"name": "aoai", "vendor": "microsoft", "zero_data_retention": false}, {"name": "zdr", "zero_data_retention": true}],
}

test_soc2_c1_2_01_pass_erasure_everywhere if {
	count(warn) == 0 with input as system(object.union(landscape, {"dsr": {"erasure_propagates_to": ["transcripts", "kb-index", "datadog", "microsoft"]}}))
}

test_soc2_c1_2_01_fail_nothing_declared if {
	r := warn with input as system(landscape)
	{f.resource | some f in r} == {"data store transcripts", "data store kb-index", "log sink datadog", "AI provider aoai"}
}

test_soc2_c1_2_01_fail_llm_vendor_missing if {
	r := warn with input as system(object.union(landscape, {"dsr": {"erasure_propagates_to": ["transcripts", "kb-index", "datadog"]}}))
	r == {{"msg": "AI provider aoai: not in dsr.erasure_propagates_to (erasure requests do not reach it)", "resource": "AI provider aoai", "_loc": {"file": "cxgov.yaml", "line": 90}}}
}
