# METADATA
# title: A serious-incident reporting procedure is in place for the high-risk system
# description: >-
#   Art 73 requires serious incidents of high-risk systems to be reported within 15 days (10 for a
#   death, 2 for a widespread or critical-infrastructure incident). Whether the procedure meets the
#   deadlines is human judgement (EVID): cxgov checks it is recorded, intact, approved and reviewed
#   within a year. Art 73 applies to high-risk systems only.
# custom:
#   id: AIACT-73-01
#   severity: medium
#   gate: warn
#   effective_from: ai_act_highrisk
#   applies_to: [system]
#   frameworks:
#     eu-ai-act: [Art.73]
#   remediation: >-
#     Write the serious-incident procedure (detection, escalation, 15/10/2-day notification to the
#     market surveillance authority, investigation) and record it as
#     system.ai_act.art73_procedure_ref with its sha256, approver and approval date.
package cxgov.ai_act.aiact_73_01

import rego.v1

import data.cxgov.ai_act.helpers
import data.cxgov.lib.evidence
import data.cxgov.lib.result
import data.cxgov.lib.subject

warn contains result.at(sprintf("serious-incident procedure (system.ai_act.art73_procedure_ref): %s", [p]), "system.ai_act.art73_procedure_ref", subject.loc("system.ai_act.art73_procedure_ref")) if {
	subject.high_risk
	p := evidence.problem(object.get(helpers.ai_act, "art73_procedure_ref", null), helpers.evidence_max_days)
}
