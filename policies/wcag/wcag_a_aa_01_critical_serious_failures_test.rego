package cxgov.wcag.wcag_a_aa_01

import rego.v1

tags := ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

violation(id, impact, tags) := {"id": id, "impact": impact, "tags": tags, "help": "Buttons must have discernible text", "helpUrl": "https://dequeuniversity.com/rules/axe/4.14/button-name", "nodes": [{"target": ["#acme-chat-launcher"], "html": "<button id=\"acme-chat-launcher\">", "impact": impact}]}

scan(violations) := {"evaluation_date": "2026-11-22", "url": "https://acme.example/help", "page": "help", "state": "open", "state_index": 1, "timestamp": "2026-11-20T10:00:00.000Z", "viewport": {"width": 1280, "height": 800}, "axe": {"testEngine": {"name": "axe-core", "version": "4.14.1"}, "toolOptions": {"runOnly": {"type": "tag", "values": tags}}, "violations": violations, "incomplete": [], "passes_count": 12}, "elements": {}}

test_wcag_a_aa_01_pass_clean_scan if {
	count(deny) == 0 with input as scan([])
}

test_wcag_a_aa_01_pass_moderate_only if {
	count(deny) == 0 with input as scan([violation("meta-viewport", "moderate", ["wcag2aa", "wcag144", "EN-9.1.4.4"])])
}

test_wcag_a_aa_01_pass_obsolete_criterion if {
	count(deny) == 0 with input as scan([violation("duplicate-id", "critical", ["wcag2a", "wcag2a-obsolete", "wcag411"])])
}

test_wcag_a_aa_01_pass_best_practice if {
	count(deny) == 0 with input as scan([violation("region", "serious", ["cat.keyboard", "best-practice"])])
}

test_wcag_a_aa_01_fail_critical_with_criteria_and_clauses if {
	r := deny with input as scan([violation("button-name", "critical", ["cat.name-role-value", "wcag2a", "wcag412", "EN-301-549", "EN-9.4.1.2"])])
	count(r) == 1
	some f in r
	f.msg == "open: button-name (critical, wcag2a): Buttons must have discernible text; 1 element(s): #acme-chat-launcher"
	f.wcag == ["4.1.2"]
	f.en301549 == ["9.4.1.2"]
	f.targets == ["#acme-chat-launcher"]
	f._controls == {"wcag22": ["4.1.2"], "en301549": ["9.4.1.2"]}
	f.state == "open"
}

test_wcag_a_aa_01_fail_serious_two_digit_criterion if {
	r := deny with input as scan([violation("css-orientation-lock", "serious", ["wcag21aa", "wcag1410", "wcag134", "EN-9.1.3.4"])])
	count(r) == 1
	some f in r
	f.wcag == ["1.3.4", "1.4.10"]
}

# --- the behavioural checks' violations are judged like axe-core's ---

behaviour(id, impact, tags) := {"id": id, "impact": impact, "tags": tags, "help": "Keyboard focus must be able to leave the chat widget", "helpUrl": "https://www.w3.org/WAI/WCAG22/Understanding/no-keyboard-trap", "nodes": [{"target": ["#acme-chat-messages"], "impact": impact, "failureSummary": "Tab does not move focus away from #acme-chat-messages"}]}

with_behaviour(violations) := object.union(scan([]), {"behaviour": {"violations": violations, "incomplete": []}})

test_wcag_a_aa_01_fail_behavioural_trap if {
	r := deny with input as with_behaviour([behaviour("cx-keyboard-trap", "critical", ["cat.behaviour", "wcag2a", "wcag212", "EN-301-549", "EN-9.2.1.2"])])
	count(r) == 1
	some f in r
	f.resource == "cx-keyboard-trap"
	f.wcag == ["2.1.2"]
	f.en301549 == ["9.2.1.2"]
	f.targets == ["#acme-chat-messages"]
	f.msg == "open: cx-keyboard-trap (critical, wcag2a): Keyboard focus must be able to leave the chat widget; 1 element(s): #acme-chat-messages (Tab does not move focus away from #acme-chat-messages)"
}

test_wcag_a_aa_01_pass_behaviour_with_a_rule_of_its_own if {
	count(deny) == 0 with input as with_behaviour([behaviour("cx-live-region", "serious", ["wcag21aa", "wcag413"]), behaviour("cx-focus-obscured", "serious", ["wcag22aa", "wcag2411"])])
}

test_wcag_a_aa_01_pass_no_behaviour_section if {
	count(deny) == 0 with input as object.remove(scan([]), ["behaviour"])
}
