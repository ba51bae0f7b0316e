# METADATA
# title: High-risk system is conformity-assessed, declared, CE-marked, registered and under a QMS
# description: >-
#   Before a high-risk system goes live its provider needs a conformity assessment with an EU
#   declaration of conformity (Arts 43, 47), CE marking (Art 48), registration in the EU database
#   (Art 49) and a quality management system (Art 17), per Art 16. ISO/IEC 42001 supports the QMS
#   but gives no presumption of conformity.
# custom:
#   id: AIACT-16-01
#   severity: critical
#   gate: deny
#   effective_from: ai_act_highrisk
#   applies_to: [system]
#   frameworks:
#     eu-ai-act: [Art.16, Art.17, Art.43, Art.47, Art.48, Art.49]
#   remediation: >-
#     Complete the conformity assessment and record the signed EU declaration of conformity as
#     system.ai_act.doc_ref, set ce_marked: true once the marking is affixed, register the system in
#     the EU database and set eu_db_registration_id, and record the QMS as qms_ref (approved within
#     a year).
package cxgov.ai_act.aiact_16_01

import rego.v1

import data.cxgov.ai_act.helpers
import data.cxgov.lib.evidence
import data.cxgov.lib.result
import data.cxgov.lib.subject

ai := helpers.ai_act

in_scope if {
	subject.high_risk
	subject.provider_role
}

deny contains result.at(sprintf("EU declaration of conformity (system.ai_act.doc_ref): %s", [p]), "system.ai_act.doc_ref", subject.loc("system.ai_act.doc_ref")) if {
	in_scope
	p := evidence.problem(object.get(ai, "doc_ref", null), helpers.evidence_max_days)
}

deny contains result.at(sprintf("quality management system (system.ai_act.qms_ref): %s", [p]), "system.ai_act.qms_ref", subject.loc("system.ai_act.qms_ref")) if {
	in_scope
	p := evidence.problem(object.get(ai, "qms_ref", null), helpers.evidence_max_days)
}

deny contains result.at("the system is not CE-marked (system.ai_act.ce_marked is not true)", "system.ai_act.ce_marked", subject.loc("system.ai_act.ce_marked")) if {
	in_scope
	not ai.ce_marked == true
}

deny contains result.at("the system is not registered in the EU database (system.ai_act.eu_db_registration_id is not set)", "system.ai_act.eu_db_registration_id", subject.loc("system.ai_act.eu_db_registration_id")) if {
	in_scope
	not registered
}

registered if {
	is_string(ai.eu_db_registration_id)
	trim_space(ai.eu_db_registration_id) != ""
}
