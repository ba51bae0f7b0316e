package cxgov.ai_act.aiact_50_06

import rego.v1

import data.cxgov.lib.fixtures

doc(state, index, element) := {"id": concat("#", ["https://acme.example/help", state]), "kind": "ui-scan", "file": "https://acme.example/help", "line": null, "document": {"url": "https://acme.example/help", "state": state, "state_index": index, "timestamp": "2026-11-20T10:00:00Z", "axe": {"violations": [], "incomplete": []}, "elements": {"#acme-chat-ai-notice": element}}}

system(selector, docs) := fixtures.system_with({"ai_disclosure": {"element_selector": selector}}, {"documents": docs})

shown := {"present": true, "visible": true, "text": "You are chatting with an AI assistant", "targets": []}

hidden := {"present": true, "visible": false, "text": "", "targets": []}

absent := {"present": false, "visible": false, "text": "", "targets": []}

test_aiact_50_06_pass_visible_first_state if {
	count(deny) == 0 with input as system("#acme-chat-ai-notice", [doc("closed", 0, shown), doc("open", 1, hidden)])
}

test_aiact_50_06_pass_no_scans if {
	count(deny) == 0 with input as system("#acme-chat-ai-notice", [])
}

test_aiact_50_06_fail_hidden if {
	r := deny with input as system("#acme-chat-ai-notice", [doc("closed", 0, hidden)])
	count(r) == 1
	some f in r
	f.msg == "the AI disclosure (#acme-chat-ai-notice) is on https://acme.example/help but hidden in its first state (closed)"
}

test_aiact_50_06_fail_removed if {
	r := deny with input as system("#acme-chat-ai-notice", [doc("closed", 0, absent), doc("open", 1, shown)])
	count(r) == 1
	some f in r
	f.msg == "the AI disclosure (#acme-chat-ai-notice) is not on https://acme.example/help in its first state (closed)"
}

test_aiact_50_06_fail_selector_undeclared if {
	r := deny with input as {"evaluation_date": "2026-11-22", "descriptor": {}, "descriptor_file": "cxgov.yaml", "lines": {}, "evidence": {}, "documents": [doc("closed", 0, shown)]}
	count(r) == 1
	some f in r
	f.msg == "ai_disclosure.element_selector is not declared: cxgov cannot check that the scanned UI shows the AI disclosure"
}
