package cxgov.wcag.wcag_a_aa_02

import rego.v1

violation(id, impact, tags) := {"id": id, "impact": impact, "tags": tags, "help": "Zooming and scaling must not be disabled", "nodes": [{"target": ["meta[name=viewport]"]}]}

scan(violations) := {"evaluation_date": "2026-11-22", "url": "https://acme.example/help", "state": "closed", "state_index": 0, "timestamp": "2026-11-20T10:00:00.000Z", "axe": {"testEngine": {"name": "axe-core", "version": "4.14.1"}, "violations": violations, "incomplete": []}, "elements": {}}

test_wcag_a_aa_02_pass_only_serious if {
	count(warn) == 0 with input as scan([violation("label", "critical", ["wcag2a", "wcag412"])])
}

test_wcag_a_aa_02_pass_best_practice_moderate if {
	count(warn) == 0 with input as scan([violation("region", "moderate", ["best-practice"])])
}

test_wcag_a_aa_02_fail_moderate_warns if {
	r := warn with input as scan([violation("meta-viewport", "moderate", ["wcag2aa", "wcag144", "EN-301-549", "EN-9.1.4.4"])])
	count(r) == 1
	some f in r
	f.msg == "closed: meta-viewport (moderate, wcag2aa): Zooming and scaling must not be disabled; 1 element(s): meta[name=viewport]"
	f.wcag == ["1.4.4"]
}

test_wcag_a_aa_02_pass_not_strict_no_deny if {
	count(deny) == 0 with input as scan([violation("meta-viewport", "moderate", ["wcag2aa", "wcag144"])])
}

test_wcag_a_aa_02_fail_impact_missing_warns if {
	r := warn with input as scan([object.remove(violation("meta-viewport", "moderate", ["wcag2aa", "wcag144"]), ["impact"])])
	count(r) == 1
	some f in r
	f.msg == "closed: meta-viewport (unknown impact, wcag2aa): Zooming and scaling must not be disabled; 1 element(s): meta[name=viewport]"
}

test_wcag_a_aa_02_fail_behavioural_moderate_warns if {
	esc := {"id": "cx-escape-closes", "impact": "moderate", "tags": ["cat.behaviour", "wcag2a", "wcag212"], "help": "Escape must close a floating chat widget", "nodes": [{"target": ["#acme-chat-panel"]}]}
	r := warn with input as object.union(scan([]), {"behaviour": {"violations": [esc]}})
	count(r) == 1
	some f in r
	f.resource == "cx-escape-closes"
	f.wcag == ["2.1.2"]
}
