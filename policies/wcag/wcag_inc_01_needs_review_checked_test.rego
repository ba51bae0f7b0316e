package cxgov.wcag.wcag_inc_01

import rego.v1

import data.cxgov.lib.fixtures

doc(state, incomplete) := {"id": concat("#", ["https://acme.example/help", state]), "kind": "ui-scan", "file": "https://acme.example/help", "line": null, "document": {"url": "https://acme.example/help", "state": state, "state_index": 0, "timestamp": "2026-11-20T10:00:00Z", "axe": {"violations": [], "incomplete": incomplete}, "elements": {}}}

prohibited := {"id": "aria-prohibited-attr", "impact": "serious", "tags": ["wcag2a", "wcag412"], "nodes": [{"target": ["#acme-chat-typing"]}]}

contrast := {"id": "color-contrast", "impact": "serious", "tags": ["wcag2aa", "wcag143"], "nodes": [{"target": ["#acme-chat-notice"]}]}

system(reviews, docs) := fixtures.system_with({"accessibility": {"manual_reviews": reviews}}, {"documents": docs})

test_wcag_inc_01_pass_reviewed if {
	count(warn) == 0 with input as system(["aria-prohibited-attr"], [doc("streaming", [prohibited])])
}

test_wcag_inc_01_pass_nothing_incomplete if {
	count(warn) == 0 with input as system([], [doc("open", [])])
}

test_wcag_inc_01_fail_one_warning_per_rule if {
	r := warn with input as system(["color-contrast"], [doc("streaming", [prohibited, contrast]), doc("handoff", [prohibited])])
	count(r) == 1
	some f in r
	f.msg == "axe-core could not decide aria-prohibited-attr on https://acme.example/help#handoff, https://acme.example/help#streaming: a person must review it (accessibility.manual_reviews)"
	f.wcag == ["4.1.2"]
}

test_wcag_inc_01_fail_behavioural_check_that_could_not_run if {
	probe := {"id": "cx-keyboard-trap", "impact": "critical", "tags": ["cat.behaviour", "wcag2a", "wcag212"], "nodes": [{"target": ["#acme-chat-panel"], "failureSummary": "the keyboard probe could not run: the page navigated away"}]}
	d := doc("open", [])
	r := warn with input as system([], [object.union(d, {"document": {"behaviour": {"incomplete": [probe]}}})])
	count(r) == 1
	some f in r
	f.resource == "cx-keyboard-trap"
	f.wcag == ["2.1.2"]
}
