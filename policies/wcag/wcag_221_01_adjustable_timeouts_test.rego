package cxgov.wcag.wcag_221_01

import rego.v1

import data.cxgov.lib.fixtures

system(ui) := fixtures.system({"channels": [{"type": "chat"}], "ui": ui})

test_wcag_221_01_pass_short_with_warning_and_extend if {
	count(deny) == 0 with input as system({"session_timeout_s": 900, "timeout_warning": true, "extend_allowed": true})
}

test_wcag_221_01_pass_20_hours if {
	count(deny) == 0 with input as system({"session_timeout_s": 72000})
}

test_wcag_221_01_pass_voice_only if {
	count(deny) == 0 with input as {"evaluation_date": "2026-11-22", "descriptor": {"channels": [{"type": "voice"}]}, "descriptor_file": "cxgov.yaml", "lines": {}, "evidence": {}, "documents": []}
}

test_wcag_221_01_fail_short_no_extend if {
	r := deny with input as system({"session_timeout_s": 900, "timeout_warning": true})
	count(r) == 1
	some f in r
	contains(f.msg, "after 900 s (under 72000 s)")
}

test_wcag_221_01_fail_short_no_warning if {
	count(deny) == 1 with input as system({"session_timeout_s": 1800, "extend_allowed": true})
}

test_wcag_221_01_fail_undeclared if {
	r := deny with input as system({})
	count(r) == 1
	some f in r
	contains(f.msg, "session_timeout_s is not declared")
}
