package cxgov.wcag.wcag_22_01

import rego.v1

import data.cxgov.lib.fixtures.system
import data.cxgov.lib.fixtures.system_with_documents

all_pass := {"2.4.11": "pass", "2.5.7": "pass", "3.2.6": "pass", "3.3.7": "pass", "3.3.8": "pass"}

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

# --- 2.4.11 machine-checked by the focus-obscured check ---

obscured := {"id": "cx-focus-obscured", "impact": "serious", "tags": ["cat.behaviour", "wcag22aa", "wcag2411"], "help": "A focused element must not be entirely hidden", "nodes": [{"target": ["footer > a"], "failureSummary": "covered by #acme-chat-launcher"}]}

scan(violations) := {"evaluation_date": "2026-11-22", "url": "https://acme.example/help", "state": "closed", "state_index": 0, "timestamp": "2026-11-20T10:00:00Z", "axe": {"violations": [], "incomplete": []}, "behaviour": {"checks": {"focus-obscured": {"status": "failed"}}, "violations": violations}, "elements": {}}

doc(status) := {"id": "https://acme.example/help#closed", "kind": "ui-scan", "file": "https://acme.example/help", "line": null, "document": {"url": "https://acme.example/help", "state": "closed", "behaviour": {"checks": {"focus-obscured": {"status": status}}}}}

test_wcag_22_01_pass_scan_not_obscured if {
	count(deny) == 0 with input as scan([])
}

test_wcag_22_01_fail_scan_focus_obscured if {
	r := deny with input as scan([obscured])
	count(r) == 1
	some f in r
	f.wcag == ["2.4.11"]
	f.targets == ["footer > a"]
	f.resource == "cx-focus-obscured"
}

test_wcag_22_01_pass_machine_checked_needs_no_manual_entry if {
	count(warn) == 0 with input as system_with_documents({"channels": [{"type": "chat"}], "accessibility": {"manual_checklist": object.remove(all_pass, ["2.4.11"])}}, [doc("passed")])
}

test_wcag_22_01_fail_not_run_still_needs_manual_entry if {
	r := warn with input as system_with_documents({"channels": [{"type": "chat"}], "accessibility": {"manual_checklist": object.remove(all_pass, ["2.4.11"])}}, [doc("not-applicable")])
	count(r) == 1
	some f in r
	contains(f.msg, "SC 2.4.11 has no manual check")
}

test_wcag_22_01_fail_person_recorded_failure_stands if {
	r := warn with input as system_with_documents({"channels": [{"type": "chat"}], "accessibility": {"manual_checklist": object.union(all_pass, {"2.4.11": "fail"})}}, [doc("passed")])
	count(r) == 1
}
