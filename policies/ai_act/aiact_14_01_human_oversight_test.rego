package cxgov.ai_act.aiact_14_01

import rego.v1

import data.cxgov.lib.fixtures.system_with_evidence as system

trained := {"exists": true, "local": true, "hash_matches": true, "approved": true, "age_days": 10}

training := {"uri": "evidence/oversight-training.pdf", "sha256": "00", "approved_by": "lead", "approved_at": "2026-11-12"}

ev := {"evidence/oversight-training.pdf": trained}

good(risk) := {
	"system": {"ai_act": {"risk_class": risk}},
	"human_handoff": {"enabled": true, "override_enabled": true, "kill_switch": true},
	"oversight": {"roles": [{"name": "supervisor", "training_ref": training}]},
}

test_aiact_14_01_pass_high_risk if {
	count(deny) == 0 with input as system(good("high"), ev)
	count(warn) == 0 with input as system(good("high"), ev)
}

test_aiact_14_01_pass_limited if {
	count(warn) == 0 with input as system(good("limited"), ev)
}

test_aiact_14_01_fail_kill_switch_off if {
	d := object.union(good("high"), {"human_handoff": {"enabled": true, "override_enabled": true, "kill_switch": false}})
	r := deny with input as system(d, ev)
	count(r) == 1
	some f in r
	f.msg == "human_handoff.kill_switch is not true"
}

test_aiact_14_01_fail_handoff_missing_limited_warns if {
	d := object.remove(good("limited"), ["human_handoff"])
	count(deny) == 0 with input as system(d, ev)
	count(warn) == 3 with input as system(d, ev)
}

test_aiact_14_01_fail_no_roles if {
	d := object.union(good("high"), {"oversight": {"roles": []}})
	r := deny with input as system(d, ev)
	count(r) == 1
	some f in r
	contains(f.msg, "no human oversight roles")
}

test_aiact_14_01_fail_role_untrained if {
	d := object.union(good("high"), {"oversight": {"roles": [{"name": "supervisor", "training_ref": training}, {"name": "night shift"}]}})
	r := deny with input as system(d, ev)
	count(r) == 1
	some f in r
	f.msg == "oversight role night shift: training evidence missing"
}
