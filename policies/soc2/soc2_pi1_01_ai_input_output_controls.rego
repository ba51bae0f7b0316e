# METADATA
# title: Input and output controls on the AI
# description: >-
#   Processing integrity of an LLM conversation needs a cap on input size, validation of what goes
#   in (prompt-injection and abuse filters) and a filter on what comes out. Each missing guardrail
#   is a warning.
# custom:
#   id: SOC2-PI1-01
#   severity: low
#   gate: warn
#   applies_to: [system]
#   frameworks:
#     soc2: [PI1.2, PI1.3, PI1.4]
#   remediation: >-
#     Configure the guardrails of the LLM gateway and declare them: guardrails.input_max_tokens (a
#     positive limit), guardrails.input_validation: true and guardrails.output_filter: true.
package cxgov.soc2.soc2_pi1_01

import rego.v1

import data.cxgov.lib.result
import data.cxgov.lib.subject

d := subject.descriptor

guardrails := object.get(d, "guardrails", {})

warn contains result.at("guardrails: input_max_tokens is not set to a positive limit (inputs are unbounded)", "guardrails", subject.loc("guardrails.input_max_tokens")) if {
	is_object(d)
	not object.get(guardrails, "input_max_tokens", null) > 0
}

warn contains result.at(msg, "guardrails", subject.loc(concat("", ["guardrails.", control]))) if {
	is_object(d)
	some control in ["input_validation", "output_filter"]
	not guardrails[control] == true
	msg := concat("", ["guardrails: ", control, " is not true"])
}
