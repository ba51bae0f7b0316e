package cxgov.wcag.eaa_02

import rego.v1

import data.cxgov.lib.fixtures

ok := {"exists": true, "local": true, "hash_matches": true, "approved": true, "age_days": 10}

assessment := {"uri": "evidence/burden.pdf", "sha256": "00", "approved_by": "legal", "approved_at": "2026-11-12"}

system(a, e) := fixtures.system_with({"accessibility": a}, {"evidence": e})

test_eaa_02_pass_no_claim if {
	count(deny) == 0 with input as system({"eaa_in_scope": true}, {})
}

test_eaa_02_pass_documented_claim if {
	count(deny) == 0 with input as system({"disproportionate_burden_claimed": true, "disproportionate_burden_ref": assessment}, {"evidence/burden.pdf": ok})
}

test_eaa_02_fail_claim_without_evidence if {
	r := deny with input as system({"disproportionate_burden_claimed": true}, {})
	count(r) == 1
	some f in r
	contains(f.msg, "disproportionate_burden_ref: missing")
}

test_eaa_02_fail_evidence_hash_mismatch if {
	r := deny with input as system({"disproportionate_burden_ref": assessment}, {"evidence/burden.pdf": object.union(ok, {"hash_matches": false})})
	some f in r
	contains(f.msg, "does not match its recorded sha256")
}
