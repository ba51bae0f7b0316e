# METADATA
# title: Human oversight can override, hand off and stop the system, by trained people
# description: >-
#   Art 14(4)(d)-(e) and Art 26(2): people overseeing the system can disregard or override its
#   output, hand the conversation to a human, and stop it, and the people assigned are trained.
#   Whether oversight is effective is human judgement (EVID). Blocking for high-risk systems,
#   advisory otherwise.
# custom:
#   id: AIACT-14-01
#   severity: high
#   gate: deny
#   effective_from: ai_act_highrisk
#   applies_to: [system]
#   frameworks:
#     eu-ai-act: [Art.14(4)(d), Art.14(4)(e), Art.26(2)]
#   remediation: >-
#     Enable human_handoff.enabled, override_enabled and kill_switch, and assign oversight roles
#     (oversight.roles) each with a training record (training_ref: hashed, approved, no older than
#     a year).
package cxgov.ai_act.aiact_14_01

import rego.v1

import data.cxgov.ai_act.helpers
import data.cxgov.lib.evidence
import data.cxgov.lib.result
import data.cxgov.lib.subject

handoff := object.get(subject.descriptor, "human_handoff", {})

violations contains result.at(sprintf("human_handoff.%s is not true", [flag]), sprintf("human_handoff.%s", [flag]), subject.loc(concat(".", ["human_handoff", flag]))) if {
	some flag in ["enabled", "override_enabled", "kill_switch"]
	not handoff[flag] == true
}

violations contains result.at("no human oversight roles are assigned (oversight.roles is empty)", "oversight.roles", subject.loc("oversight.roles")) if {
	count(helpers.arr(["oversight", "roles"])) == 0
}

violations contains result.at(sprintf("oversight role %s: training evidence %s", [r.name, p]), sprintf("oversight role %s", [r.name]), subject.loc(sprintf("oversight.roles.%d.training_ref", [i]))) if {
	some i, r in helpers.arr(["oversight", "roles"])
	p := evidence.problem(object.get(r, "training_ref", null), helpers.evidence_max_days)
}

deny contains v if {
	subject.high_risk
	some v in violations
}

warn contains v if {
	not subject.high_risk
	some v in violations
}
