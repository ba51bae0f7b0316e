package cxgov.residency.res_007

import rego.v1

import data.cxgov.lib.fixtures.system_with_evidence as system

intact := {"exists": true, "local": true, "sha256": "ab", "hash_matches": true, "approved": true, "age_days": 30}

subs := {"uri": "evidence/subprocessors.pdf", "sha256": "ab", "approved_by": "dpo", "approved_at": "2026-10-23"}

test_res_007_pass_eea_and_adequate_support if {
	count(warn) == 0 with input as system({
		"ai_providers": [{"name": "llm", "region": "eu-west-1", "support_access_countries": ["IE", "CH", "no"]}],
		"vendors": [{"name": "bpo", "country": "NO", "support_access_countries": ["NO"]}],
	}, {})
}

test_res_007_pass_us_support_with_dpf if {
	count(warn) == 0 with input as system({"ai_providers": [{"name": "llm", "region": "eu-west-1", "support_access_countries": ["US"], "dpf_certified": true, "dpf_scope": ["non-HR"], "dpf_checked_at": "2026-11-01"}]}, {})
}

test_res_007_pass_no_countries_but_subprocessor_list if {
	count(warn) == 0 with input as system({"vendors": [{"name": "bpo", "country": "DE", "subprocessor_ref": subs}]}, {"evidence/subprocessors.pdf": intact})
}

test_res_007_pass_third_country_with_scc_under_mechanisms_allowed if {
	v := {"name": "bpo", "country": "DE", "role": "processor", "support_access_countries": ["IN"], "transfer_mechanism": "scc", "scc_module": 2, "tia_ref": subs}
	count(warn) == 0 with input as system({"vendors": [v]}, {"evidence/subprocessors.pdf": intact}) with data.cxgov.config.residency_profile as "mechanisms_allowed"
}

test_res_007_fail_third_country_support if {
	r := warn with input as system({"ai_providers": [{"name": "llm", "region": "eu-west-1", "support_access_countries": ["IN"]}]}, {})
	count(r) == 1
	some f in r
	f.msg == "AI provider llm: support access from IN is a transfer that fails RES-004: IN has no adequacy decision; an Art 46 safeguard would be needed and the residency profile eea_or_adequacy allows none"
}

test_res_007_fail_us_support_without_dpf if {
	r := warn with input as system({"vendors": [{"name": "bpo", "country": "DE", "support_access_countries": ["DE", "us"]}]}, {})
	count(r) == 1
	some f in r
	contains(f.msg, "support access from US is a transfer that fails RES-003: bpo is not DPF certified")
}

test_res_007_fail_adequate_country_under_eea_only if {
	r := warn with input as system({"vendors": [{"name": "bpo", "country": "DE", "support_access_countries": ["CH"]}]}, {}) with data.cxgov.config.residency_profile as "eea_only"
	some f in r
	contains(f.msg, "fails RES-002: CH is outside the EEA")
}

test_res_007_fail_not_a_country_code if {
	r := warn with input as system({"vendors": [{"name": "bpo", "country": "DE", "support_access_countries": ["India"]}]}, {})
	some f in r
	contains(f.msg, "support access country India is not an ISO 3166 alpha-2 code")
}

test_res_007_fail_no_countries_and_no_subprocessor_list if {
	r := warn with input as system({"ai_providers": [{"name": "llm", "region": "eu-west-1"}]}, {})
	count(r) == 1
	some f in r
	contains(f.msg, "sub-processor list (subprocessor_ref) that would show them is missing")
}

test_res_007_fail_no_countries_and_stale_subprocessor_list if {
	r := warn with input as system({"vendors": [{"name": "bpo", "country": "DE", "subprocessor_ref": subs}]}, {"evidence/subprocessors.pdf": object.union(intact, {"age_days": 500})})
	some f in r
	contains(f.msg, "approved 500 days ago")
}
