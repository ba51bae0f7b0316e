package cxgov.ai_act.aiact_73_01

import rego.v1

import data.cxgov.lib.fixtures

ok := {"exists": true, "local": true, "hash_matches": true, "approved": true, "age_days": 10}

proc := {"uri": "evidence/art73.md", "sha256": "00", "approved_by": "qa", "approved_at": "2026-11-12"}

system(ai, e) := fixtures.system_with({"system": {"ai_act": ai}}, {"evidence": e})

test_aiact_73_01_pass_procedure_current if {
	count(warn) == 0 with input as system({"risk_class": "high", "art73_procedure_ref": proc}, {"evidence/art73.md": ok})
}

test_aiact_73_01_pass_not_high_risk if {
	count(warn) == 0 with input as system({"risk_class": "limited"}, {})
}

test_aiact_73_01_fail_missing if {
	r := warn with input as system({"risk_class": "high"}, {})
	count(r) == 1
	some f in r
	contains(f.msg, "art73_procedure_ref): missing")
}

test_aiact_73_01_fail_unapproved if {
	r := warn with input as system({"risk_class": "high", "art73_procedure_ref": proc}, {"evidence/art73.md": object.union(ok, {"approved": false})})
	some f in r
	contains(f.msg, "no approver")
}
