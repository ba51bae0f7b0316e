# METADATA
# title: A current risk management system is documented for the high-risk system
# description: >-
#   Art 9 requires a risk management system run through the life of a high-risk system. Its
#   adequacy is human judgement (EVID): cxgov checks the record exists, is intact, approved and
#   reviewed within a year. The check that the last review is newer than the deployed model
#   version (MLflow creation_timestamp) needs the model registry and is not made by this rule yet.
# custom:
#   id: AIACT-09-01
#   severity: high
#   gate: deny
#   effective_from: ai_act_highrisk
#   applies_to: [system]
#   frameworks:
#     eu-ai-act: [Art.9]
#   remediation: >-
#     Record the risk management file (risks, measures, residual risk, review) as
#     system.ai_act.risk_mgmt_ref with its sha256, approver and approval date; review it at least
#     yearly and whenever a new model version is deployed.
package cxgov.ai_act.aiact_09_01

import rego.v1

import data.cxgov.ai_act.helpers
import data.cxgov.lib.evidence
import data.cxgov.lib.result
import data.cxgov.lib.subject

deny contains result.at(sprintf("risk management evidence (system.ai_act.risk_mgmt_ref): %s", [p]), "system.ai_act.risk_mgmt_ref", subject.loc("system.ai_act.risk_mgmt_ref")) if {
	subject.high_risk
	p := evidence.problem(object.get(helpers.ai_act, "risk_mgmt_ref", null), helpers.evidence_max_days)
}
