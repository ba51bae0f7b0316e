package cxgov.ai_act.aiact_16_01

import rego.v1

import data.cxgov.lib.fixtures

ok := {"exists": true, "local": true, "hash_matches": true, "approved": true, "age_days": 10}

doc := {"uri": "evidence/doc.pdf", "sha256": "00", "approved_by": "ceo", "approved_at": "2026-11-12"}

qms := {"uri": "evidence/qms.pdf", "sha256": "01", "approved_by": "qa", "approved_at": "2026-11-12"}

ev := {"evidence/doc.pdf": ok, "evidence/qms.pdf": ok}

system(ai, e) := fixtures.system_with({"system": {"ai_act": ai}}, {"evidence": e})

good := {"role": "provider", "risk_class": "high", "doc_ref": doc, "qms_ref": qms, "ce_marked": true, "eu_db_registration_id": "EU-AI-000123"}

test_aiact_16_01_pass_complete if {
	count(deny) == 0 with input as system(good, ev)
}

test_aiact_16_01_pass_deployer_only if {
	count(deny) == 0 with input as system({"role": "deployer", "risk_class": "high"}, {})
}

test_aiact_16_01_pass_not_high_risk if {
	count(deny) == 0 with input as system({"role": "provider", "risk_class": "limited"}, {})
}

test_aiact_16_01_fail_nothing_in_place if {
	count(deny) == 4 with input as system({"role": "both", "risk_class": "high"}, {})
}

test_aiact_16_01_fail_not_ce_marked if {
	r := deny with input as system(object.union(good, {"ce_marked": false}), ev)
	count(r) == 1
	some f in r
	contains(f.msg, "not CE-marked")
}

test_aiact_16_01_fail_not_registered if {
	r := deny with input as system(object.union(good, {"eu_db_registration_id": " "}), ev)
	count(r) == 1
	some f in r
	contains(f.msg, "EU database")
}

test_aiact_16_01_fail_qms_stale if {
	r := deny with input as system(good, {"evidence/doc.pdf": ok, "evidence/qms.pdf": object.union(ok, {"age_days": 400})})
	count(r) == 1
	some f in r
	contains(f.msg, "quality management system (system.ai_act.qms_ref): evidence/qms.pdf was approved 400 days ago")
}

test_aiact_16_01_fail_doc_hash_mismatch if {
	r := deny with input as system(good, {"evidence/doc.pdf": object.union(ok, {"hash_matches": false}), "evidence/qms.pdf": ok})
	count(r) == 1
	some f in r
	contains(f.msg, "declaration of conformity")
}
