package cxgov.wcag.eaa_03

import rego.v1

import data.cxgov.lib.fixtures

system(channels) := fixtures.system({"channels": channels})

test_eaa_03_pass_voice_and_chat if {
	count(warn) == 0 with input as system([{"type": "voice"}, {"type": "chat"}])
}

test_eaa_03_pass_chat_only if {
	count(warn) == 0 with input as system([{"type": "chat"}])
}

test_eaa_03_fail_voice_only if {
	r := warn with input as system([{"type": "voice", "name": "hotline"}, {"type": "voice", "name": "callback"}])
	count(r) == 1
	some f in r
	contains(f.msg, "voice is the only channel")
}
