# METADATA
# title: Staff operating the AI system are AI-literate
# description: >-
#   Art 4 requires providers and deployers to ensure a sufficient level of AI literacy of the people
#   operating the system. Whether the training is adequate is human judgement (EVID): cxgov checks
#   that the training record exists, is intact, approved and no older than a year.
# custom:
#   id: AIACT-04-01
#   severity: low
#   gate: warn
#   effective_from: ai_act_prohibitions
#   applies_to: [system]
#   frameworks:
#     eu-ai-act: [Art.4]
#   remediation: >-
#     Record the AI-literacy training of operators and agents (programme, attendance) as
#     system.ai_act.literacy_training_ref with its sha256, approver and approval date, and renew
#     it at least yearly.
package cxgov.ai_act.aiact_04_01

import rego.v1

import data.cxgov.ai_act.helpers
import data.cxgov.lib.evidence
import data.cxgov.lib.result
import data.cxgov.lib.subject

warn contains result.at(sprintf("AI literacy training evidence (system.ai_act.literacy_training_ref): %s", [p]), "system.ai_act.literacy_training_ref", subject.loc("system.ai_act.literacy_training_ref")) if {
	p := evidence.problem(object.get(helpers.ai_act, "literacy_training_ref", null), helpers.evidence_max_days)
}
