# METADATA
# title: A fundamental-rights impact assessment is done where Art 27 requires one
# description: >-
#   Art 27: before deploying a high-risk system, public bodies, private providers of public
#   services, and deployers of Annex III 5(b) (credit scoring) or 5(c) (life and health insurance
#   pricing) systems assess the impact on fundamental rights (FRIA). Scope comes from
#   system.deployer_type and the Annex III points (declared or mapped from use cases).
# custom:
#   id: AIACT-27-01
#   severity: high
#   gate: deny
#   effective_from: ai_act_highrisk
#   applies_to: [system]
#   frameworks:
#     eu-ai-act: [Art.27]
#   remediation: >-
#     Carry out the FRIA (processes, affected groups, risks, oversight, measures), notify the
#     market surveillance authority, and record it as system.ai_act.fria_ref with its sha256,
#     approver and approval date; declare system.deployer_type.
package cxgov.ai_act.aiact_27_01

import rego.v1

import data.cxgov.ai_act.helpers
import data.cxgov.lib.evidence
import data.cxgov.lib.result
import data.cxgov.lib.subject

d := subject.descriptor

deploys if not helpers.ai_act.role == "provider"

fria_points := {p | some p in helpers.annex_iii_points; p in helpers.annex.fria_points}

reason := sprintf("deployer_type %s", [d.system.deployer_type]) if d.system.deployer_type in helpers.ref.fria_deployer_types

# concat, not sprintf: the embedded engine quotes a builtin's string result inside sprintf %s
reason := concat("", ["Annex III ", concat(", ", sort(fria_points))]) if {
	not object.get(d, ["system", "deployer_type"], null) in helpers.ref.fria_deployer_types
	count(fria_points) > 0
}

deny contains result.at(concat("", ["fundamental-rights impact assessment required (", reason, "): fria_ref ", p]), "system.ai_act.fria_ref", subject.loc("system.ai_act.fria_ref")) if {
	subject.high_risk
	deploys
	p := evidence.problem(object.get(helpers.ai_act, "fria_ref", null), helpers.evidence_max_days)
	reason
}

# scope cannot be decided without the deployer type (unless a 5(b)/(c) point already decides it)
deny contains result.at("system.deployer_type is not declared: cannot tell whether a fundamental-rights impact assessment is required", "system.deployer_type", subject.loc("system.deployer_type")) if {
	subject.high_risk
	deploys
	not d.system.deployer_type
	count(fria_points) == 0
}
