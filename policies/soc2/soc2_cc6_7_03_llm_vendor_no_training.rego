# METADATA
# title: The LLM vendor does not train on customer data, and inputs are minimised
# description: >-
#   Conversations sent to an AI provider must not be used to train the vendor's models (an
#   undeclared setting fails: it must be confirmed from the contract or the API terms), and
#   personal data should be redacted before the call, by the provider integration or by the
#   system's own PII redaction (warning).
# custom:
#   id: SOC2-CC6.7-03
#   severity: high
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     soc2: [CC6.7, C1.1]
#   remediation: >-
#     Use the vendor's enterprise/API terms or an opt-out that excludes training on your data and
#     declare training_on_customer_data: false on the AI provider; redact PII before prompts leave
#     the system (pii_redaction: true on the provider, or pii_redaction.enabled: true).
package cxgov.soc2.soc2_cc6_7_03

import rego.v1

import data.cxgov.lib.messages
import data.cxgov.lib.result
import data.cxgov.lib.subject

d := subject.descriptor

deny contains result.at(msg, res, subject.loc(sprintf("ai_providers.%d.training_on_customer_data", [i]))) if {
	some i, p in object.get(d, "ai_providers", [])
	not p.training_on_customer_data == false
	res := concat("", ["AI provider ", p.name])
	msg := concat("", [res, ": training_on_customer_data is ", messages.shown(p, "training_on_customer_data"), " (the vendor may train on customer conversations)"])
}

warn contains result.at(msg, res, subject.loc(sprintf("ai_providers.%d.pii_redaction", [i]))) if {
	some i, p in object.get(d, "ai_providers", [])
	not p.pii_redaction == true
	not d.pii_redaction.enabled == true
	res := concat("", ["AI provider ", p.name])
	msg := concat("", [res, ": no PII redaction before the call (pii_redaction is ", messages.shown(p, "pii_redaction"), ", and pii_redaction.enabled is not true)"])
}
