package cxgov.residency.res_003

import rego.v1

import data.cxgov.lib.fixtures

system(d) := fixtures.system_with(d, {"lines": {"log_sinks.0": 40}})

sink := {"name": "dd", "vendor": "datadog", "region": "us-east-1", "data_kinds": ["ai_event"]}

certified := {"name": "datadog", "country": "US", "role": "processor", "dpf_certified": true, "dpf_scope": ["non-HR", "HR"], "dpf_checked_at": "2026-11-10"}

test_res_003_pass_certified_vendor if {
	count(deny) == 0 with input as system({"log_sinks": [sink], "vendors": [certified]})
}

test_res_003_pass_provider_certified_itself if {
	count(deny) == 0 with input as system({"ai_providers": [{"name": "aoai", "service": "azure_openai", "region": "eastus2", "dpf_certified": true, "dpf_scope": ["non-HR"], "dpf_checked_at": "2026-11-01"}]})
}

test_res_003_pass_vendor_found_by_services if {
	v := object.union(certified, {"name": "Datadog Inc.", "services": ["dd"]})
	count(deny) == 0 with input as system({"log_sinks": [sink], "vendors": [v]})
}

test_res_003_pass_eea_and_third_countries_are_not_its_findings if {
	count(deny) == 0 with input as system({"data_stores": [{"name": "t", "provider": "aws", "region": "ap-south-1", "contains_personal_data": true}], "log_sinks": [object.union(sink, {"region": "eu-west-1"})]})
}

test_res_003_pass_dpf_switched_off_goes_to_res_004 if {
	count(deny) == 0 with input as system({"log_sinks": [sink]}) with data.cxgov.ref.adequacy.dpf_valid as false
}

test_res_003_pass_scc_under_mechanisms_allowed_goes_to_res_004 if {
	v := object.union(certified, {"dpf_certified": false, "transfer_mechanism": "scc"})
	count(deny) == 0 with input as system({"log_sinks": [sink], "vendors": [v]}) with data.cxgov.config.residency_profile as "mechanisms_allowed"
}

test_res_003_fail_not_certified if {
	v := object.union(certified, {"dpf_certified": false})
	r := deny with input as system({"log_sinks": [sink], "vendors": [v]})
	count(r) == 2 # the sink's region and the vendor's own country
	some f in r
	f.msg == "log sink dd: region us-east-1 (US): datadog is not DPF certified (dpf_certified)"
	f._loc == {"file": "cxgov.yaml", "line": 40}
}

test_res_003_fail_no_vendor_entry if {
	r := deny with input as system({"log_sinks": [sink]})
	count(r) == 1
	some f in r
	contains(f.msg, "no vendors[] entry names datadog")
}

test_res_003_fail_hr_scope_only if {
	v := object.union(certified, {"dpf_scope": ["HR"]})
	r := deny with input as system({"log_sinks": [sink], "vendors": [v]})
	some f in r
	contains(f.msg, "DPF scope does not include non-HR")
}

test_res_003_fail_stale_check if {
	v := object.union(certified, {"dpf_checked_at": "2026-10-01"})
	r := deny with input as system({"log_sinks": [sink], "vendors": [v]})
	some f in r
	contains(f.msg, "checked 52 days ago (at most 30)")
}

test_res_003_fail_never_checked if {
	v := {"name": "datadog", "country": "US", "dpf_certified": true, "dpf_scope": ["non-HR"]}
	r := deny with input as system({"log_sinks": [sink], "vendors": [v]})
	some f in r
	contains(f.msg, "never checked (dpf_checked_at)")
}

test_res_003_fail_check_in_the_future if {
	v := object.union(certified, {"dpf_checked_at": "2027-01-01"})
	r := deny with input as system({"log_sinks": [sink], "vendors": [v]})
	some f in r
	contains(f.msg, "after the evaluation date")
}

test_res_003_fail_us_vendor_country if {
	r := deny with input as system({"vendors": [{"name": "crm-co", "country": "us", "role": "processor"}]})
	some f in r
	startswith(f.msg, "vendor crm-co: country us: crm-co is not DPF certified")
}

test_res_003_fail_us_multi_region if {
	r := deny with input as system({"data_stores": [{"name": "t", "provider": "gcp", "region": "US", "contains_personal_data": true}]})
	count(r) == 1
	some f in r
	contains(f.msg, "data store t: region US (US): no vendors[] entry names gcp")
}

test_res_003_fail_scc_not_allowed_by_default_profile if {
	v := object.union(certified, {"dpf_certified": false, "transfer_mechanism": "scc", "scc_module": 2})
	r := deny with input as system({"log_sinks": [sink], "vendors": [v]})
	some f in r
	contains(f.msg, "not DPF certified")
}
