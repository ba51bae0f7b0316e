package cxgov.residency.res_002

import rego.v1

import data.cxgov.lib.fixtures

system(d) := fixtures.system_with(d, {"lines": {"data_stores.0": 12}})

store(region) := {"name": "transcripts", "provider": "aws", "region": region, "contains_personal_data": true}

test_res_002_pass_eea_and_adequate_regions if {
	count(deny) == 0 with input as system({
		"data_stores": [object.union(store("eu-west-1"), {"replica_regions": ["eu-central-1"], "backup": {"regions": ["eu-central-2"]}})],
		"services": [{"name": "api", "provider": "azure", "region": "westeurope", "contains_personal_data": true}],
		"log_sinks": [{"name": "audit", "provider": "gcp", "region": "europe-west2", "data_kinds": ["transcript"]}],
	})
}

test_res_002_pass_region_spelling_and_multi_region if {
	count(deny) == 0 with input as system({"data_stores": [store("West Europe"), object.union(store("EU"), {"provider": "gcp"}), object.union(store("EUROPE-WEST4"), {"provider": "gcp"})]})
}

test_res_002_pass_vendor_in_norway if {
	# "NO" is Norway (EEA/EFTA), not a YAML 1.1 false
	count(deny) == 0 with input as system({"vendors": [{"name": "nordic-bpo", "country": "NO", "role": "processor"}]})
}

test_res_002_pass_lowercase_country_code if {
	count(deny) == 0 with input as system({"vendors": [{"name": "nordic-bpo", "country": "no"}]})
}

test_res_002_pass_non_personal_store_anywhere if {
	count(deny) == 0 with input as system({"data_stores": [{"name": "metrics", "region": "ap-south-1", "contains_personal_data": false}]})
}

test_res_002_pass_scoped_adequacy_declared if {
	count(deny) == 0 with input as system({
		"data_stores": [store("ap-northeast-1")],
		"vendors": [{"name": "aws", "country": "IE", "adequacy_scope": ["appi"]}],
	})
}

test_res_002_pass_us_and_third_countries_are_other_rules if {
	# one finding per place: a US store without DPF is RES-003's, an Indian one RES-004's
	count(deny) == 0 with input as system({"data_stores": [store("us-east-1"), store("ap-south-1")]})
}

test_res_002_pass_sink_with_known_endpoint_and_no_region if {
	# RES-009 judges the endpoint host
	count(deny) == 0 with input as system({"log_sinks": [{"name": "dd", "vendor": "datadog", "endpoint": "https://http-intake.logs.datadoghq.eu", "data_kinds": ["transcript"]}]})
}

test_res_002_fail_adequate_country_under_eea_only if {
	r := deny with input as system({"data_stores": [store("ap-northeast-1")], "vendors": [{"name": "aws", "country": "IE", "adequacy_scope": ["appi"]}]}) with data.cxgov.config.residency_profile as "eea_only"
	count(r) == 1
	some f in r
	contains(f.msg, "data store transcripts: region ap-northeast-1 (JP)")
	contains(f.msg, "eea_only")
	f._loc == {"file": "cxgov.yaml", "line": 12}
}

test_res_002_fail_us_under_eea_only if {
	r := deny with input as system({"vendors": [{"name": "llm-co", "country": "US", "dpf_certified": true, "dpf_scope": ["non-HR"], "dpf_checked_at": "2026-11-20"}]}) with data.cxgov.config.residency_profile as "eea_only"
	some f in r
	contains(f.msg, "vendor llm-co: country US: US is outside the EEA")
}

test_res_002_fail_scope_not_declared if {
	r := deny with input as system({"data_stores": [store("ca-central-1")], "vendors": [{"name": "aws", "country": "IE"}]})
	some f in r
	contains(f.msg, "covers only commercial organisations subject to PIPEDA")
	contains(f.msg, "adequacy_scope pipeda_commercial")
}

test_res_002_fail_scope_without_vendor if {
	r := deny with input as system({"data_stores": [store("japaneast")]})
	some f in r
	contains(f.msg, "no vendors[] entry names aws")
}

test_res_002_fail_excluded_data_kind if {
	r := deny with input as system({"data_stores": [object.union(store("ap-northeast-2"), {"data_kind": "credit_information"})]})
	some f in r
	contains(f.msg, "excludes credit_information data")
}

test_res_002_fail_expired_adequacy if {
	inp := object.union(system({"data_stores": [store("eu-west-2")]}), {"evaluation_date": "2032-01-05"})
	r := deny with input as inp
	some f in r
	contains(f.msg, "the GB adequacy decision expired on 2031-12-27")
}

test_res_002_fail_unknown_region_is_never_a_pass if {
	r := deny with input as system({"data_stores": [store("eu-wesst-1")]})
	some f in r
	contains(f.msg, "region eu-wesst-1 does not resolve to a country")
}

test_res_002_fail_global_provider_region if {
	r := deny with input as system({"ai_providers": [{"name": "llm", "service": "vertex_ai", "region": "global"}]})
	some f in r
	contains(f.msg, "region global does not resolve")
}

test_res_002_fail_missing_region if {
	r := deny with input as system({"data_stores": [{"name": "transcripts", "data_kind": "transcript"}], "ai_providers": [{"name": "llm"}]})
	count(r) == 2
	some f in r
	f.msg == "data store transcripts: no region declared for personal data, so it cannot be shown to stay in the EEA or an adequate country"
}

test_res_002_fail_sink_without_region_or_known_host if {
	r := deny with input as system({"log_sinks": [{"name": "siem", "endpoint": "https://logs.example.net", "data_kinds": ["pii"]}]})
	some f in r
	contains(f.msg, "log sink siem: no region declared and no known endpoint host")
}

test_res_002_fail_vendor_country_not_a_code if {
	r := deny with input as system({"vendors": [{"name": "bpo", "country": "Norway"}, {"name": "bpo2"}]})
	count(r) == 2
	some f in r
	contains(f.msg, "vendor bpo: country Norway does not resolve to a country")
}

test_res_002_fail_service_without_region if {
	r := deny with input as system({"services": [{"name": "api", "contains_personal_data": true}]})
	count(r) == 1
	some f in r
	f.msg == "service api: no region declared for personal data, so it cannot be shown to stay in the EEA or an adequate country"
}
