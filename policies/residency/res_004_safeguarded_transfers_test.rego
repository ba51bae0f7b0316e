package cxgov.residency.res_004

import rego.v1

import data.cxgov.lib.fixtures.system_with_evidence as system

intact := {"exists": true, "local": true, "sha256": "ab", "hash_matches": true, "approved": true, "age_days": 30}

tia := {"uri": "evidence/tia-llm.pdf", "sha256": "ab", "approved_by": "dpo", "approved_at": "2026-10-23"}

provider(extra) := object.union({"name": "llm", "service": "bedrock", "region": "ap-south-1", "role": "processor", "transfer_mechanism": "scc", "scc_module": 2, "tia_ref": tia}, extra)

test_res_004_pass_scc_with_tia_under_mechanisms_allowed if {
	count(deny) == 0 with input as system({"ai_providers": [provider({})]}, {"evidence/tia-llm.pdf": intact}) with data.cxgov.config.residency_profile as "mechanisms_allowed"
}

test_res_004_pass_subprocessor_module_3 if {
	count(deny) == 0 with input as system({"ai_providers": [provider({"role": "subprocessor", "scc_module": 3})]}, {"evidence/tia-llm.pdf": intact}) with data.cxgov.config.residency_profile as "mechanisms_allowed"
}

test_res_004_pass_bcr_without_module if {
	count(deny) == 0 with input as system({"ai_providers": [provider({"transfer_mechanism": "bcr", "scc_module": null})]}, {"evidence/tia-llm.pdf": intact}) with data.cxgov.config.residency_profile as "mechanisms_allowed"
}

test_res_004_pass_us_with_scc_instead_of_dpf if {
	count(deny) == 0 with input as system({"ai_providers": [provider({"region": "us-east-1"})]}, {"evidence/tia-llm.pdf": intact}) with data.cxgov.config.residency_profile as "mechanisms_allowed"
}

test_res_004_pass_art49_is_res_005s if {
	count(deny) == 0 with input as system({"ai_providers": [provider({"transfer_mechanism": "art49", "continuous": false})]}, {}) with data.cxgov.config.residency_profile as "mechanisms_allowed"
}

test_res_004_pass_eea_adequate_and_us_dpf_are_not_its_findings if {
	count(deny) == 0 with input as system({"ai_providers": [
		provider({"region": "eu-central-1"}),
		{"name": "x", "service": "azure_openai", "region": "switzerlandnorth"},
		{"name": "y", "service": "azure_openai", "region": "eastus"},
	]}, {})
}

test_res_004_fail_third_country_under_default_profile if {
	r := deny with input as system({"ai_providers": [provider({})]}, {"evidence/tia-llm.pdf": intact})
	count(r) == 1
	some f in r
	f.msg == "AI provider llm: region ap-south-1 (IN): IN has no adequacy decision; an Art 46 safeguard would be needed and the residency profile eea_or_adequacy allows none"
}

test_res_004_fail_scc_without_tia if {
	r := deny with input as system({"ai_providers": [provider({"tia_ref": null})]}, {}) with data.cxgov.config.residency_profile as "mechanisms_allowed"
	count(r) == 1
	some f in r
	contains(f.msg, "AI provider llm: region ap-south-1 (IN)")
	contains(f.msg, "the transfer impact assessment (tia_ref) is missing")
}

test_res_004_fail_stale_tia if {
	r := deny with input as system({"ai_providers": [provider({})]}, {"evidence/tia-llm.pdf": object.union(intact, {"age_days": 400})}) with data.cxgov.config.residency_profile as "mechanisms_allowed"
	some f in r
	contains(f.msg, "approved 400 days ago (at most 365)")
}

test_res_004_fail_tampered_tia if {
	r := deny with input as system({"ai_providers": [provider({})]}, {"evidence/tia-llm.pdf": object.union(intact, {"hash_matches": false})}) with data.cxgov.config.residency_profile as "mechanisms_allowed"
	some f in r
	contains(f.msg, "does not match its recorded sha256")
}

test_res_004_fail_wrong_module if {
	r := deny with input as system({"ai_providers": [provider({"scc_module": 3})]}, {"evidence/tia-llm.pdf": intact}) with data.cxgov.config.residency_profile as "mechanisms_allowed"
	some f in r
	contains(f.msg, "SCC module 3 does not fit llm as processor (module 2)")
}

test_res_004_fail_no_role if {
	r := deny with input as system({"ai_providers": [provider({"role": null})]}, {"evidence/tia-llm.pdf": intact}) with data.cxgov.config.residency_profile as "mechanisms_allowed"
	some f in r
	contains(f.msg, "llm has no role")
}

test_res_004_fail_no_module if {
	r := deny with input as system({"ai_providers": [provider({"scc_module": null})]}, {"evidence/tia-llm.pdf": intact}) with data.cxgov.config.residency_profile as "mechanisms_allowed"
	some f in r
	contains(f.msg, "llm has no scc_module")
}

test_res_004_fail_no_mechanism if {
	r := deny with input as system({"ai_providers": [provider({"transfer_mechanism": null})]}, {}) with data.cxgov.config.residency_profile as "mechanisms_allowed"
	some f in r
	contains(f.msg, "llm's transfer_mechanism is not declared (needs scc or bcr)")
}

test_res_004_fail_no_recipient if {
	r := deny with input as system({"data_stores": [{"name": "t", "provider": "aws", "region": "ap-southeast-1", "contains_personal_data": true}]}, {}) with data.cxgov.config.residency_profile as "mechanisms_allowed"
	some f in r
	f.msg == "data store t: region ap-southeast-1 (SG): SG has no adequacy decision; no vendors[] entry names aws"
}

test_res_004_fail_dpf_switched_off if {
	inp := system({"ai_providers": [provider({"region": "us-east-1", "dpf_certified": true, "dpf_scope": ["non-HR"], "dpf_checked_at": "2026-11-20"})]}, {})
	r := deny with input as inp with data.cxgov.ref.adequacy.dpf_valid as false
	some f in r
	contains(f.msg, "US adequacy depends on the DPF, which ref.adequacy.dpf_valid marks invalid")
}

test_res_004_fail_out_of_scope_adequacy_with_scc_goes_here if {
	r := deny with input as system({"ai_providers": [provider({"region": "ap-northeast-1", "tia_ref": null})]}, {}) with data.cxgov.config.residency_profile as "mechanisms_allowed"
	some f in r
	contains(f.msg, "covers only APPI")
	contains(f.msg, "tia_ref")
}

test_res_004_fail_ai_provider_without_service if {
	# no service: the provider's cloud is unknown, its region is still judged
	r := deny with input as system({"ai_providers": [object.remove(provider({}), ["service"])]}, {"evidence/tia-llm.pdf": intact})
	count(r) == 1
	some f in r
	f.msg == "AI provider llm: region ap-south-1 (IN): IN has no adequacy decision; an Art 46 safeguard would be needed and the residency profile eea_or_adequacy allows none"
}

test_res_004_fail_mechanism_key_missing if {
	r := deny with input as system({"ai_providers": [object.remove(provider({}), ["transfer_mechanism"])]}, {"evidence/tia-llm.pdf": intact}) with data.cxgov.config.residency_profile as "mechanisms_allowed"
	count(r) == 1
	some f in r
	contains(f.msg, "llm's transfer_mechanism is not declared (needs scc or bcr)")
}
