# METADATA
# title: Customers subject to emotion recognition are told, and the system is high-risk
# description: >-
#   Emotion recognition of customers from biometric data (voice, video, face) must be disclosed to
#   them (Art 50(3)) and makes the system high-risk (Annex III 1(c)). Text sentiment is not
#   biometric emotion recognition and is not caught.
# custom:
#   id: AIACT-50-03
#   severity: high
#   gate: deny
#   effective_from: ai_act_general
#   applies_to: [system]
#   frameworks:
#     eu-ai-act: [Art.50(3), Annex III 1(c)]
#   remediation: >-
#     Tell customers that emotion recognition is used and set ai_disclosure.er_notice: true, and
#     classify the system as high-risk (system.ai_act.risk_class: high) with its obligations; or
#     switch customer emotion recognition off or restrict it to text.
package cxgov.ai_act.aiact_50_03

import rego.v1

import data.cxgov.ai_act.helpers
import data.cxgov.lib.result
import data.cxgov.lib.subject

d := subject.descriptor

in_scope if {
	helpers.er_active
	helpers.er_subject("customers")
	count(helpers.er_biometric_modalities) > 0
}

in_scope if {
	helpers.er_active
	helpers.er_subject("customers")
	helpers.er_modality_undeclared
}

# concat, not sprintf: the embedded engine quotes a builtin's string result inside sprintf %s
what := concat("", ["emotion recognition of customers (", concat(", ", sort(helpers.er_biometric_modalities)), ")"]) if count(helpers.er_biometric_modalities) > 0

what := "emotion recognition of customers (modality not declared)" if count(helpers.er_biometric_modalities) == 0

deny contains result.at(concat("", [what, ": customers are not notified (ai_disclosure.er_notice is not true)"]), "ai_disclosure.er_notice", subject.loc("ai_disclosure.er_notice")) if {
	in_scope
	not d.ai_disclosure.er_notice == true
}

deny contains result.at(concat("", [what, " is Annex III 1(c) high-risk, but risk_class is not high"]), "system.ai_act.risk_class", subject.loc("system.ai_act.risk_class")) if {
	in_scope
	not subject.high_risk
}
