package cxgov.ai_act.aiact_12_01

import rego.v1

import data.cxgov.lib.fixtures.system

good(risk) := {
	"system": {"ai_act": {"risk_class": risk}},
	"monitoring": {
		"ai_events": ["timestamp", "session_id", "model_version", "input_ref", "output_ref", "human_override", "disclosure_shown"],
		"alerts": ["drift", "quality", "incident", "pii_leak"],
	},
	"log_sinks": [{"name": "ai-events", "type": "ai_event", "immutable": true}, {"name": "app", "type": "application"}],
}

test_aiact_12_01_pass_high_risk_complete if {
	count(deny) == 0 with input as system(good("high"))
	count(warn) == 0 with input as system(good("high"))
}

test_aiact_12_01_pass_limited_complete if {
	count(warn) == 0 with input as system(good("limited"))
}

test_aiact_12_01_fail_missing_fields_high_risk if {
	d := object.union(good("high"), {"monitoring": {"ai_events": ["timestamp", "session_id"], "alerts": ["drift", "quality", "incident"]}})
	r := deny with input as system(d)
	count(r) == 1
	some f in r
	f.msg == "monitoring.ai_events does not log model_version, input_ref, output_ref, human_override, disclosure_shown"
}

test_aiact_12_01_fail_missing_fields_limited_warns if {
	d := object.union(good("limited"), {"monitoring": {"ai_events": ["timestamp"], "alerts": ["drift", "quality", "incident"]}})
	count(deny) == 0 with input as system(d)
	count(warn) == 1 with input as system(d)
}

test_aiact_12_01_fail_missing_alerts if {
	d := object.union(good("high"), {"monitoring": {"ai_events": ["timestamp", "session_id", "model_version", "input_ref", "output_ref", "human_override", "disclosure_shown"], "alerts": ["drift"]}})
	r := deny with input as system(d)
	count(r) == 1
	some f in r
	f.msg == "monitoring.alerts has no quality, incident alert"
}

test_aiact_12_01_fail_sink_not_immutable if {
	d := object.union(good("high"), {"log_sinks": [{"name": "ai-events", "type": "ai_event"}]})
	r := deny with input as system(d)
	count(r) == 1
	some f in r
	f.msg == "AI event log sink ai-events is not immutable"
}

test_aiact_12_01_fail_no_ai_event_sink if {
	d := object.union(good("high"), {"log_sinks": [{"name": "app", "type": "application", "immutable": true}]})
	r := deny with input as system(d)
	some f in r
	contains(f.msg, "no log sink of type ai_event")
}

test_aiact_12_01_fail_empty_descriptor_risk_undeclared if {
	count(warn) == 3 with input as system({})
}
