package cxgov.ai_act.aiact_04_01

import rego.v1

import data.cxgov.lib.fixtures.system_with_evidence as system

good := {"exists": true, "local": true, "hash_matches": true, "approved": true, "age_days": 30}

ref := {"uri": "evidence/literacy.pdf", "sha256": "00", "approved_by": "hr", "approved_at": "2026-10-23"}

test_aiact_04_01_pass_current_training if {
	count(warn) == 0 with input as system({"system": {"ai_act": {"literacy_training_ref": ref}}}, {"evidence/literacy.pdf": good})
}

test_aiact_04_01_fail_missing if {
	r := warn with input as system({"system": {"ai_act": {}}}, {})
	count(r) == 1
	some f in r
	contains(f.msg, "literacy_training_ref): missing")
}

test_aiact_04_01_fail_stale if {
	r := warn with input as system({"system": {"ai_act": {"literacy_training_ref": ref}}}, {"evidence/literacy.pdf": object.union(good, {"age_days": 366})})
	some f in r
	contains(f.msg, "approved 366 days ago (at most 365)")
}

test_aiact_04_01_fail_not_approved if {
	r := warn with input as system({"system": {"ai_act": {"literacy_training_ref": ref}}}, {"evidence/literacy.pdf": object.union(good, {"approved": false})})
	some f in r
	contains(f.msg, "no approver")
}

test_aiact_04_01_fail_file_missing if {
	r := warn with input as system({"system": {"ai_act": {"literacy_training_ref": ref}}}, {"evidence/literacy.pdf": {"exists": false, "local": true}})
	some f in r
	contains(f.msg, "does not exist")
}
