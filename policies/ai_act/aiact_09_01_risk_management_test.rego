package cxgov.ai_act.aiact_09_01

import rego.v1

import data.cxgov.lib.fixtures

good := {"exists": true, "local": true, "hash_matches": true, "approved": true, "age_days": 100}

ref := {"uri": "evidence/rms.pdf", "sha256": "00", "approved_by": "risk", "approved_at": "2026-08-14"}

system(ai, ev) := fixtures.system_with({"system": {"ai_act": ai}}, {"evidence": ev})

test_aiact_09_01_pass_current_rms if {
	count(deny) == 0 with input as system({"risk_class": "high", "risk_mgmt_ref": ref}, {"evidence/rms.pdf": good})
}

test_aiact_09_01_pass_not_high_risk if {
	count(deny) == 0 with input as system({"risk_class": "limited"}, {})
}

test_aiact_09_01_fail_missing if {
	r := deny with input as system({"risk_class": "high"}, {})
	count(r) == 1
	some f in r
	contains(f.msg, "risk_mgmt_ref): missing")
}

test_aiact_09_01_fail_stale if {
	r := deny with input as system({"risk_class": "high", "risk_mgmt_ref": ref}, {"evidence/rms.pdf": object.union(good, {"age_days": 500})})
	some f in r
	contains(f.msg, "approved 500 days ago")
}

test_aiact_09_01_fail_remote_uri if {
	r := deny with input as system({"risk_class": "high", "risk_mgmt_ref": {"uri": "https://x/rms.pdf"}}, {"https://x/rms.pdf": {"exists": false, "local": false}})
	some f in r
	contains(f.msg, "not a local file")
}
