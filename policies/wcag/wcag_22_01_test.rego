package cxgov.wcag.wcag_22_01

import rego.v1

all_pass := {"2.4.11": "pass", "2.5.7": "pass", "3.2.6": "pass", "3.3.7": "pass", "3.3.8": "pass"}

system(d) := {"evaluation_date": "2026-11-22", "descriptor": d, "descriptor_file": "cxgov.yaml", "lines": {}, "evidence": {}, "documents": []}

test_wcag_22_01_pass_all_criteria if {
	count(warn) == 0 with input as system({"channels": [{"type": "chat"}], "accessibility": {"manual_checklist": all_pass}})
}

test_wcag_22_01_pass_voice_only if {
	count(warn) == 0 with input as system({"channels": [{"type": "voice"}, {"type": "email"}]})
}

test_wcag_22_01_fail_one_failed if {
	r := warn with input as system({"channels": [{"type": "chat"}], "accessibility": {"manual_checklist": object.union(all_pass, {"3.3.8": "fail"})}})
	count(r) == 1
	some f in r
	f.msg == "WCAG 2.2 SC 3.3.8 manual check is fail, not pass"
}

test_wcag_22_01_fail_one_missing if {
	r := warn with input as system({"channels": [{"type": "chat"}], "accessibility": {"manual_checklist": object.remove(all_pass, ["2.5.7"])}})
	count(r) == 1
	some f in r
	contains(f.msg, "SC 2.5.7 has no manual check")
}

test_wcag_22_01_fail_no_checklist if {
	count(warn) == 5 with input as system({"channels": [{"type": "chat"}]})
}
