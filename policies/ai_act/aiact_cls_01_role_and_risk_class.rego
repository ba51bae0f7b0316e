# METADATA
# title: AI Act role and risk class are declared and consistent with the use cases
# description: >-
#   The AI Act role (provider, deployer, both) and risk class must be declared, and a use case
#   that falls in Annex III (ref annex_iii_map: credit scoring 5(b), insurance pricing 5(c), ...)
#   or a declared Annex III point makes the system high-risk, unless a documented Art 6(3)
#   assessment holds and the system does not profile natural persons.
# custom:
#   id: AIACT-CLS-01
#   severity: critical
#   gate: deny
#   effective_from: ai_act_prohibitions
#   applies_to: [system]
#   frameworks:
#     eu-ai-act: [Art.6(2), Art.6(3), Art.6(4), Annex III]
#   remediation: >-
#     Set system.ai_act.role and system.ai_act.risk_class. When a use case is listed in Annex III,
#     set risk_class: high, or record the Art 6(3) assessment as system.ai_act.art6_3_assessment_ref
#     (hashed, approved, current) and declare profiling: false (a system that profiles people is
#     always high-risk; register the exemption in the EU database, Art 49(2)).
package cxgov.ai_act.aiact_cls_01

import rego.v1

import data.cxgov.ai_act.helpers
import data.cxgov.lib.evidence
import data.cxgov.lib.result
import data.cxgov.lib.subject

ai := helpers.ai_act

deny contains result.at("system.ai_act.role is not declared (provider, deployer or both)", "system.ai_act", subject.loc("system.ai_act.role")) if {
	not ai.role
}

deny contains result.at("system.ai_act.risk_class is not declared", "system.ai_act", subject.loc("system.ai_act.risk_class")) if {
	not ai.risk_class
}

# why the Art 6(3) exemption does not hold; undefined when it does
exemption_problem := sprintf("no valid Art 6(3) assessment (art6_3_assessment_ref: %s)", [p]) if {
	p := evidence.problem(object.get(ai, "art6_3_assessment_ref", null), helpers.evidence_max_days)
}

exemption_problem := "the system profiles natural persons or does not declare profiling: false" if {
	evidence.ok(object.get(ai, "art6_3_assessment_ref", null), helpers.evidence_max_days)
	not ai.profiling == false
}

deny contains result.at(msg, sprintf("use case %s", [u]), subject.loc(sprintf("system.use_cases.%d", [i]))) if {
	some i, u in helpers.arr(["system", "use_cases"])
	p := helpers.annex.use_cases[u]
	not ai.risk_class == "high"
	msg := sprintf("use case %s falls in Annex III point %s but risk_class is %s, and %s", [u, p, risk_class, exemption_problem])
}

deny contains result.at(msg, sprintf("Annex III point %s", [p]), subject.loc(sprintf("system.ai_act.annex_iii.%d", [i]))) if {
	some i, p in helpers.arr(["system", "ai_act", "annex_iii"])
	not ai.risk_class == "high"
	msg := sprintf("Annex III point %s is declared but risk_class is %s, and %s", [p, risk_class, exemption_problem])
}

risk_class := ai.risk_class if is_string(ai.risk_class)

risk_class := "not declared" if not is_string(object.get(ai, "risk_class", null))
