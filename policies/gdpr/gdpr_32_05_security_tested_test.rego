package cxgov.gdpr.gdpr_32_05

import rego.v1

import data.cxgov.lib.fixtures

pentest := {"uri": "evidence/pentest.pdf", "sha256": "aa", "approved_by": "ciso@example.com", "approved_at": "2026-03-01"}

system(ref, facts) := fixtures.system_with({"evidence": {"pentest_ref": ref}}, {"evidence": {"evidence/pentest.pdf": facts}})

fresh := {"exists": true, "local": true, "sha256": "aa", "hash_matches": true, "approved": true, "age_days": 266}

test_gdpr_32_05_pass_fresh_pentest if {
	count(warn) == 0 with input as system(pentest, fresh)
}

test_gdpr_32_05_fail_missing if {
	r := warn with input as {"evaluation_date": "2026-11-22", "descriptor": {}, "descriptor_file": "cxgov.yaml", "lines": {}, "evidence": {}, "documents": []}
	some f in r
	f.msg == "security test evidence (evidence.pentest_ref): missing"
}

test_gdpr_32_05_fail_stale if {
	r := warn with input as system(pentest, object.union(fresh, {"age_days": 500}))
	some f in r
	contains(f.msg, "was approved 500 days ago (at most 365)")
}

test_gdpr_32_05_fail_hash_mismatch if {
	r := warn with input as system(pentest, object.union(fresh, {"hash_matches": false}))
	some f in r
	contains(f.msg, "does not match its recorded sha256")
}
