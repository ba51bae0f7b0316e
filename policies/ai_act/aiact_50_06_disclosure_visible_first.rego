# METADATA
# title: The AI disclosure is on the page and visible before the first interaction
# description: >-
#   Art 50(1) and 50(5), checked in the UI as people meet it: in the first scanned state of every UI
#   entry point (the page as it loads, before anyone types), the element the descriptor names as the
#   disclosure (ai_disclosure.element_selector) must be present and visible (not display:none,
#   hidden, zero-sized, transparent or aria-hidden). The descriptor's word alone is not evidence.
# custom:
#   id: AIACT-50-06
#   severity: high
#   gate: deny
#   effective_from: ai_act_general
#   applies_to: [system]
#   frameworks:
#     eu-ai-act: [Art.50(1), Art.50(5)]
#   remediation: >-
#     Show the "you are chatting with an AI" notice in the widget from the start (before the first
#     message) on every entry point, and declare its CSS selector in ai_disclosure.element_selector.
package cxgov.ai_act.aiact_50_06

import rego.v1

import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.wcag.helpers

selector := object.get(subject.descriptor, ["ai_disclosure", "element_selector"], null)

first_scans contains s if {
	some s in helpers.scans
	s.state_index == 0
}

deny contains result.at("ai_disclosure.element_selector is not declared: cxgov cannot check that the scanned UI shows the AI disclosure", "ai_disclosure.element_selector", subject.loc("ai_disclosure.element_selector")) if {
	count(helpers.scans) > 0
	not is_string(selector)
}

deny contains {"msg": concat("", ["the AI disclosure (", selector, ") is not on ", s.url, " in its first state (", s.state, ")"]), "resource": "ai_disclosure.element_selector", "url": s.url, "state": s.state, "_loc": subject.loc("ai_disclosure.element_selector")} if {
	is_string(selector)
	some s in first_scans
	s.elements[selector].present == false
}

deny contains {"msg": concat("", ["the AI disclosure (", selector, ") is on ", s.url, " but hidden in its first state (", s.state, ")"]), "resource": "ai_disclosure.element_selector", "url": s.url, "state": s.state, "_loc": subject.loc("ai_disclosure.element_selector")} if {
	is_string(selector)
	some s in first_scans
	s.elements[selector].present == true
	s.elements[selector].visible == false
}

deny contains result.at(concat("", ["the scan of ", s.url, "#", s.state, " did not check the disclosure element ", selector]), "ai_disclosure.element_selector", subject.loc("ai_disclosure.element_selector")) if {
	is_string(selector)
	some s in first_scans
	not s.elements[selector]
}
