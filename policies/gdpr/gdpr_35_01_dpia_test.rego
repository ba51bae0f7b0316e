package cxgov.gdpr.gdpr_35_01

import rego.v1

import data.cxgov.lib.fixtures.system_with_evidence as system

screening_ref := {"uri": "evidence/dpia-screening.md", "sha256": "aa", "approved_by": "dpo@example.com", "approved_at": "2026-05-01"}

dpia_doc := {"uri": "evidence/dpia.md", "sha256": "bb", "approved_by": "dpo@example.com", "approved_at": "2026-06-01"}

ok_facts := {
	"evidence/dpia-screening.md": {"exists": true, "local": true, "sha256": "aa", "hash_matches": true, "approved": true, "age_days": 205},
	"evidence/dpia.md": {"exists": true, "local": true, "sha256": "bb", "hash_matches": true, "approved": true, "age_days": 174},
}

bot_desc := {"ai_providers": [{"name": "llm"}], "channels": [{"type": "chat"}]}

test_gdpr_35_01_pass_screened_not_required if {
	d := {"evidence": {"dpia_screening_ref": screening_ref, "dpia_required": false}}
	count(deny) == 0 with input as system(d, ok_facts)
	count(warn) == 0 with input as system(d, ok_facts)
}

test_gdpr_35_01_pass_chatbot_with_dpia if {
	d := object.union(bot_desc, {"evidence": {"dpia_screening_ref": screening_ref, "dpia_ref": dpia_doc}})
	count(deny) == 0 with input as system(d, ok_facts)
}

test_gdpr_35_01_fail_no_screening if {
	r := deny with input as system({}, {})
	count(r) == 1
	some f in r
	f.msg == "DPIA screening (evidence.dpia_screening_ref): missing"
}

test_gdpr_35_01_fail_required_by_screening_without_dpia if {
	r := deny with input as system({"evidence": {"dpia_screening_ref": screening_ref, "dpia_required": true}}, ok_facts)
	count(r) == 1
	some f in r
	f.msg == "DPIA (evidence.dpia_ref): missing; a DPIA is required because the screening concluded a DPIA is required (evidence.dpia_required)"
}

test_gdpr_35_01_fail_chatbot_heuristic_without_dpia if {
	d := object.union(bot_desc, {"evidence": {"dpia_screening_ref": screening_ref}})
	r := deny with input as system(d, ok_facts)
	some f in r
	contains(f.msg, "an LLM provider serves customer channels")
}

test_gdpr_35_01_fail_stale_dpia if {
	facts := object.union(ok_facts, {"evidence/dpia.md": {"exists": true, "local": true, "sha256": "bb", "hash_matches": true, "approved": true, "age_days": 400}})
	r := deny with input as system({"evidence": {"dpia_screening_ref": screening_ref, "dpia_required": true, "dpia_ref": dpia_doc}}, facts)
	some f in r
	contains(f.msg, "evidence/dpia.md was approved 400 days ago (at most 365)")
}

test_gdpr_35_01_fail_special_category_overrides_screening if {
	d := {"voice_biometrics": {"enabled": true}, "evidence": {"dpia_screening_ref": screening_ref, "dpia_required": false}}
	r := deny with input as system(d, ok_facts)
	some f in r
	contains(f.msg, "voice biometrics process special-category data (Art 35(3)(b))")
}

test_gdpr_35_01_fail_chatbot_screened_out_warns if {
	d := object.union(bot_desc, {"evidence": {"dpia_screening_ref": screening_ref, "dpia_required": false}})
	count(deny) == 0 with input as system(d, ok_facts)
	r := warn with input as system(d, ok_facts)
	count(r) == 1
}
