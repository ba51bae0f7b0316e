package cxgov.residency.res_010

import rego.v1

import data.cxgov.lib.fixtures

intact := {"exists": true, "local": true, "sha256": "ab", "hash_matches": true, "approved": true, "age_days": 30}

dpa := {"uri": "evidence/dpa.pdf", "sha256": "ab", "approved_by": "legal", "approved_at": "2021-01-04"}

subs := {"uri": "evidence/subs.pdf", "sha256": "ab", "approved_by": "dpo", "approved_at": "2026-10-23"}

facts := {"evidence/dpa.pdf": object.union(intact, {"age_days": 2148}), "evidence/subs.pdf": intact}

system(d, evidence) := fixtures.system_with(d, {"lines": {"vendors.0": 30, "vendors.0.dpa_ref": 33}, "evidence": evidence})

test_res_010_pass_dpa_and_subprocessor_list if {
	count(deny) == 0 with input as system({
		"vendors": [{"name": "bpo", "country": "NO", "role": "processor", "dpa_ref": dpa, "subprocessor_ref": subs}],
		"ai_providers": [{"name": "llm", "region": "eu-west-1", "dpa_ref": dpa, "subprocessor_ref": subs}],
	}, facts)
}

test_res_010_pass_controller_needs_no_dpa if {
	count(deny) == 0 with input as system({"vendors": [{"name": "payments", "country": "NL", "role": "controller"}]}, {})
}

test_res_010_fail_no_dpa if {
	# OPA's object.union merges nested objects, so the lines are replaced by removing them first
	inp := object.union(object.remove(system({"vendors": [{"name": "bpo", "country": "NO", "role": "processor", "subprocessor_ref": subs}]}, facts), ["lines"]), {"lines": {"vendors.0": 30}})
	r := deny with input as inp
	count(r) == 1
	some f in r
	f.msg == "vendor bpo: data processing agreement (dpa_ref) is missing"
	f._loc == {"file": "cxgov.yaml", "line": 30}
}

test_res_010_fail_ai_provider_without_refs if {
	r := deny with input as system({"ai_providers": [{"name": "llm", "region": "eu-west-1"}]}, {})
	count(r) == 2
}

test_res_010_fail_dpa_not_a_local_file if {
	r := deny with input as system({"vendors": [{"name": "bpo", "dpa_ref": {"uri": "https://vendor.example/dpa"}, "subprocessor_ref": subs}]}, facts)
	some f in r
	contains(f.msg, "https://vendor.example/dpa is not a local file cxgov can hash")
	f._loc == {"file": "cxgov.yaml", "line": 33}
}

test_res_010_fail_unapproved_dpa if {
	r := deny with input as system({"vendors": [{"name": "bpo", "dpa_ref": dpa, "subprocessor_ref": subs}]}, object.union(facts, {"evidence/dpa.pdf": object.union(intact, {"approved": false})}))
	some f in r
	contains(f.msg, "has no approver and approval date")
}

test_res_010_fail_stale_subprocessor_list if {
	r := deny with input as system({"vendors": [{"name": "bpo", "dpa_ref": dpa, "subprocessor_ref": subs}]}, object.union(facts, {"evidence/subs.pdf": object.union(intact, {"age_days": 366})}))
	count(r) == 1
	some f in r
	contains(f.msg, "sub-processor list (subprocessor_ref) is evidence/subs.pdf was approved 366 days ago (at most 365)")
}
