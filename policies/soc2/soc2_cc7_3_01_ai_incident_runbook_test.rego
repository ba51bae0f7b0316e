package cxgov.soc2.soc2_cc7_3_01

import rego.v1

import data.cxgov.lib.fixtures.system_with_evidence as system

sha := "1111111111111111111111111111111111111111111111111111111111111111"

runbook_ref(tags) := {"uri": "evidence/runbook.md", "sha256": sha, "approved_by": "ciso@acme.example", "approved_at": "2026-06-01", "tags": tags}

facts(age) := {"evidence/runbook.md": {"exists": true, "local": true, "sha256": sha, "hash_matches": true, "approved": true, "age_days": age}}

all_tags := ["ai_incident", "ai_act_art73", "gdpr_art33"]

test_soc2_cc7_3_01_pass_current_runbook if {
	count(warn) == 0 with input as system({"evidence": {"incident_runbook_ref": runbook_ref(all_tags)}}, facts(174))
}

test_soc2_cc7_3_01_fail_missing if {
	r := warn with input as system({"metadata": {"name": "bot"}}, {})
	r == {{"msg": "evidence.incident_runbook_ref: missing", "resource": "incident runbook", "_loc": {"file": "cxgov.yaml", "line": 1}}}
}

test_soc2_cc7_3_01_fail_stale if {
	r := warn with input as system({"evidence": {"incident_runbook_ref": runbook_ref(all_tags)}}, facts(400))
	some f in r
	contains(f.msg, "approved 400 days ago (at most 365)")
}

test_soc2_cc7_3_01_fail_hash_mismatch if {
	ev := {"evidence/runbook.md": {"exists": true, "local": true, "sha256": "2", "hash_matches": false, "approved": true, "age_days": 10}}
	r := warn with input as system({"evidence": {"incident_runbook_ref": runbook_ref(all_tags)}}, ev)
	some f in r
	contains(f.msg, "does not match its recorded sha256")
}

test_soc2_cc7_3_01_fail_tags_missing if {
	r := warn with input as system({"evidence": {"incident_runbook_ref": runbook_ref(["ai_incident"])}}, facts(10))
	r == {{"msg": "evidence.incident_runbook_ref: not tagged as covering ai_act_art73, gdpr_art33", "resource": "incident runbook", "_loc": {"file": "cxgov.yaml", "line": 1}}}
}
