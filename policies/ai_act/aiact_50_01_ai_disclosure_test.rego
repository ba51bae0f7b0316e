package cxgov.ai_act.aiact_50_01

import rego.v1

import data.cxgov.lib.fixtures.system

good := {
	"ai_disclosure": {"enabled": true, "timing": "pre_interaction", "channels": ["chat", "voice"], "logged": true},
	"channels": [{"type": "chat", "name": "web widget"}, {"type": "voice", "name": "hotline", "spoken_disclosure": true}, {"type": "web"}],
	"monitoring": {"ai_events": ["timestamp", "disclosure_shown"]},
}

test_aiact_50_01_pass_all_channels_disclosed if {
	count(deny) == 0 with input as system(good)
	count(warn) == 0 with input as system(good)
}

test_aiact_50_01_pass_first_turn if {
	count(deny) == 0 with input as system(object.union(good, {"ai_disclosure": {"enabled": true, "timing": "first_turn", "channels": ["chat", "voice"], "logged": true}}))
}

test_aiact_50_01_fail_disabled if {
	r := deny with input as system(object.union(good, {"ai_disclosure": {"enabled": false, "timing": "pre_interaction", "channels": ["chat", "voice"], "logged": true}}))
	count(r) == 1
	some f in r
	contains(f.msg, "not enabled")
}

test_aiact_50_01_fail_no_disclosure_section if {
	d := object.remove(good, ["ai_disclosure"])
	r := deny with input as system(d)
	some f in r
	contains(f.msg, "timing is not declared")
	count(warn) == 1 with input as system(d)
}

test_aiact_50_01_fail_on_request_timing if {
	r := deny with input as system(object.union(good, {"ai_disclosure": {"enabled": true, "timing": "on_request", "channels": ["chat", "voice"], "logged": true}}))
	count(r) == 1
	some f in r
	contains(f.msg, "timing is on_request")
}

test_aiact_50_01_fail_channel_not_covered if {
	d := object.union(good, {"channels": [{"type": "chat", "name": "web widget"}, {"type": "voice", "name": "hotline", "spoken_disclosure": true}, {"type": "messaging", "name": "whatsapp"}]})
	r := deny with input as system(d)
	count(r) == 1
	some f in r
	f.msg == "messaging channel whatsapp has no AI disclosure (messaging is not in ai_disclosure.channels)"
}

test_aiact_50_01_fail_voice_not_spoken if {
	d := object.union(good, {"channels": [{"type": "chat"}, {"type": "voice", "name": "hotline"}]})
	r := deny with input as system(d)
	count(r) == 1
	some f in r
	contains(f.msg, "voice channel hotline: no spoken AI disclosure")
}

test_aiact_50_01_fail_no_channels if {
	r := deny with input as system(object.remove(good, ["channels"]))
	some f in r
	contains(f.msg, "no channels are declared")
}

test_aiact_50_01_fail_warn_not_logged if {
	# object.union merges nested objects (good's logged: true would survive): drop the section first
	d := object.union(object.remove(good, ["ai_disclosure"]), {"ai_disclosure": {"enabled": true, "timing": "pre_interaction", "channels": ["chat", "voice"]}})
	count(deny) == 0 with input as system(d)
	r := warn with input as system(d)
	count(r) == 1
	some f in r
	contains(f.msg, "ai_disclosure.logged")
}

test_aiact_50_01_fail_warn_event_not_logged if {
	d := object.union(good, {"monitoring": {"ai_events": ["timestamp"]}})
	r := warn with input as system(d)
	count(r) == 1
	some f in r
	contains(f.msg, "disclosure_shown")
}

test_aiact_50_01_fail_unnamed_channel_not_covered if {
	d := object.union(good, {"channels": [{"type": "chat", "name": "web widget"}, {"type": "voice", "name": "hotline", "spoken_disclosure": true}, {"type": "messaging"}]})
	r := deny with input as system(d)
	count(r) == 1
	some f in r
	f.msg == "messaging channel has no AI disclosure (messaging is not in ai_disclosure.channels)"
}
