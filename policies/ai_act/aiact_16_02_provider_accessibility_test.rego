package cxgov.ai_act.aiact_16_02

import rego.v1

import data.cxgov.lib.fixtures

label := {"id": "label", "impact": "critical", "tags": ["wcag2a", "wcag412"], "nodes": [{"target": ["#acme-chat-input"]}]}

minor := {"id": "meta-viewport", "impact": "moderate", "tags": ["wcag2aa", "wcag144"], "nodes": [{"target": ["meta"]}]}

doc(violations) := {"id": "https://acme.example/help#open", "kind": "ui-scan", "file": "https://acme.example/help", "line": null, "document": {"url": "https://acme.example/help", "state": "open", "state_index": 1, "axe": {"violations": violations, "incomplete": []}, "elements": {}}}

system(risk, docs) := fixtures.system_with({"system": {"ai_act": {"risk_class": risk, "role": "provider"}}}, {"evaluation_date": "2028-01-10", "documents": docs})

test_aiact_16_02_pass_not_high_risk if {
	count(deny) == 0 with input as system("limited", [doc([label])])
}

test_aiact_16_02_pass_only_moderate if {
	count(deny) == 0 with input as system("high", [doc([minor])])
}

test_aiact_16_02_fail_high_risk_with_critical if {
	r := deny with input as system("high", [doc([label, minor])])
	count(r) == 1
	some f in r
	f.msg == "high-risk system with critical or serious WCAG A/AA failures in its UI: https://acme.example/help#open label"
}
