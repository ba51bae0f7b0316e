package cxgov.ai_act.aiact_50_05

import rego.v1

import data.cxgov.lib.fixtures

contrast := {"id": "color-contrast", "impact": "serious", "tags": ["wcag2aa", "wcag143"], "nodes": [{"target": ["#acme-chat-ai-notice"]}]}

launcher := {"id": "button-name", "impact": "critical", "tags": ["wcag2a", "wcag412"], "nodes": [{"target": ["#acme-chat-launcher"]}]}

doc(state, violations, inside) := {"id": concat("#", ["https://acme.example/help", state]), "kind": "ui-scan", "file": "https://acme.example/help", "line": null, "document": {"url": "https://acme.example/help", "state": state, "state_index": 0, "timestamp": "2026-11-20T10:00:00Z", "axe": {"violations": violations, "incomplete": []}, "elements": {"#acme-chat-ai-notice": {"present": true, "visible": true, "targets": inside}}}}

system(docs) := fixtures.system_with({"ai_disclosure": {"element_selector": "#acme-chat-ai-notice"}}, {"documents": docs})

test_aiact_50_05_pass_violation_elsewhere if {
	count(deny) == 0 with input as system([doc("closed", [launcher], [])])
}

test_aiact_50_05_pass_no_scans if {
	count(deny) == 0 with input as system([])
}

test_aiact_50_05_fail_contrast_inside_notice if {
	r := deny with input as system([doc("closed", [launcher, contrast], ["#acme-chat-ai-notice"]), doc("open", [contrast], ["#acme-chat-ai-notice"])])
	count(r) == 1
	some f in r
	f.msg == "the AI disclosure (#acme-chat-ai-notice) on https://acme.example/help fails color-contrast in: closed (#acme-chat-ai-notice); open (#acme-chat-ai-notice)"
}

test_aiact_50_05_fail_not_probed if {
	r := deny with input as system([{"id": "x", "kind": "ui-scan", "document": {"url": "https://acme.example/help", "state": "open", "axe": {"violations": []}, "elements": {}}}])
	count(r) == 1
	some f in r
	f.msg == "the scan of https://acme.example/help#open did not check the disclosure element #acme-chat-ai-notice"
}

test_aiact_50_05_fail_behavioural_violation_inside_notice if {
	small := {"id": "cx-target-size", "impact": "serious", "tags": ["cat.behaviour", "wcag22aa", "wcag258"], "nodes": [{"target": ["#acme-chat-ai-notice > a"]}]}
	d := doc("open", [], ["#acme-chat-ai-notice > a"])
	r := deny with input as system([object.union(d, {"document": {"behaviour": {"violations": [small]}}})])
	count(r) == 1
	some f in r
	f.msg == "the AI disclosure (#acme-chat-ai-notice) on https://acme.example/help fails cx-target-size in: open (#acme-chat-ai-notice > a)"
}
