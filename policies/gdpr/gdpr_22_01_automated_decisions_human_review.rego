# METADATA
# title: Solely automated decisions with significant effects allow human intervention
# description: >-
#   GDPR Art 22(3): where a decision based solely on automated processing produces legal or similarly
#   significant effects (credit, eligibility, pricing, refusals), the data subject has the right to
#   obtain human intervention, express their view and contest the decision. Every
#   system.automated_decisions[] entry with significant_effect true, or not declared (fail closed),
#   needs human_review_available true.
# custom:
#   id: GDPR-22-01
#   severity: high
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     gdpr: [Art.22(3)]
#   remediation: >-
#     Give customers a way to request review of the decision by a person with the authority to change
#     it (and to state their view and contest it), and set human_review_available true; if the
#     decision has no legal or similarly significant effect, declare significant_effect false.
package cxgov.gdpr.gdpr_22_01

import rego.v1

import data.cxgov.lib.result
import data.cxgov.lib.subject

d := subject.descriptor

effect(a) := "has significant effects" if a.significant_effect == true

effect(a) := "does not declare significant_effect (treated as significant)" if not is_boolean(object.get(a, "significant_effect", null))

deny contains result.at(msg, concat(" ", ["automated decision", a.name]), subject.field_loc(sprintf("system.automated_decisions.%d", [i]), "human_review_available")) if {
	is_object(input.descriptor)
	some i, a in d.system.automated_decisions
	not a.significant_effect == false
	not a.human_review_available == true
	msg := concat("", ["automated decision ", a.name, " ", effect(a), " but human_review_available is not true (Art 22(3): human intervention, contesting the decision)"])
}
