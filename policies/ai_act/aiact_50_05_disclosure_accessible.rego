# METADATA
# title: The AI disclosure itself is accessible
# description: >-
#   Art 50(5): the information that people are dealing with an AI system must meet the applicable
#   accessibility requirements. No WCAG A/AA violation (any impact) of either engine, axe-core (its
#   accessible name, contrast, language) or cxgov's behavioural checks (focus hidden, target size,
#   reflow), may target the element the descriptor names as the disclosure
#   (ai_disclosure.element_selector), in any scanned page and state; cxgov asks the browser which
#   failing elements lie inside it. This is the one place the disclosure's accessibility is judged.
# custom:
#   id: AIACT-50-05
#   severity: high
#   gate: deny
#   effective_from: ai_act_general
#   applies_to: [system]
#   frameworks:
#     eu-ai-act: [Art.50(5)]
#     wcag22: [A/AA]
#   remediation: >-
#     Fix the listed failures inside the disclosure notice (contrast, name, language, focus), so
#     the notice is perceivable and operable by everyone, and scan again.
package cxgov.ai_act.aiact_50_05

import rego.v1

import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.wcag.helpers

selector := object.get(subject.descriptor, ["ai_disclosure", "element_selector"], null)

# [url, axe rule id, state, the failing nodes inside the disclosure]
failures contains [s.url, v.id, s.state, inside] if {
	is_string(selector)
	some s in helpers.scans
	el := s.elements[selector]
	some v in helpers.all_violations(s)
	helpers.a_aa(v)
	inside := [t | some t in helpers.node_targets(v); t in el.targets]
	count(inside) > 0
}

failing_rules contains [x[0], x[1]] if some x in failures

deny contains {"msg": concat("", ["the AI disclosure (", selector, ") on ", key[0], " fails ", key[1], " in: ", concat("; ", states)]), "resource": key[1], "url": key[0], "_loc": subject.loc("ai_disclosure.element_selector")} if {
	some key in failing_rules
	states := sort([concat("", [x[2], " (", concat(", ", x[3]), ")"]) | some x in failures; x[0] == key[0]; x[1] == key[1]])
}

deny contains result.at(concat("", ["the scan of ", s.url, "#", s.state, " did not check the disclosure element ", selector]), "ai_disclosure.element_selector", subject.loc("ai_disclosure.element_selector")) if {
	is_string(selector)
	some s in helpers.scans
	not s.elements[selector]
}
