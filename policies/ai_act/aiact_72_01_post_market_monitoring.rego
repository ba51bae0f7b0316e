# METADATA
# title: A post-market monitoring plan exists and its metrics are collected
# description: >-
#   Art 72: providers of high-risk systems run post-market monitoring under a documented plan. The
#   plan must be recorded (EVID) and every metric it names (system.ai_act.pmm_metrics) must be
#   among the metrics the system collects (monitoring.ai_metrics).
# custom:
#   id: AIACT-72-01
#   severity: medium
#   gate: deny
#   effective_from: ai_act_highrisk
#   applies_to: [system]
#   frameworks:
#     eu-ai-act: [Art.72]
#   remediation: >-
#     Record the post-market monitoring plan as system.ai_act.pmm_plan_ref (hashed, approved within
#     a year), list its metrics in system.ai_act.pmm_metrics, and collect each of them
#     (monitoring.ai_metrics).
package cxgov.ai_act.aiact_72_01

import rego.v1

import data.cxgov.ai_act.helpers
import data.cxgov.lib.evidence
import data.cxgov.lib.result
import data.cxgov.lib.subject

in_scope if {
	subject.high_risk
	subject.provider_role
}

plan_metrics := helpers.arr(["system", "ai_act", "pmm_metrics"])

collected_metrics := helpers.arr(["monitoring", "ai_metrics"])

deny contains result.at(sprintf("post-market monitoring plan (system.ai_act.pmm_plan_ref): %s", [p]), "system.ai_act.pmm_plan_ref", subject.loc("system.ai_act.pmm_plan_ref")) if {
	in_scope
	p := evidence.problem(object.get(helpers.ai_act, "pmm_plan_ref", null), helpers.evidence_max_days)
}

deny contains result.at("the post-market monitoring plan names no metrics (system.ai_act.pmm_metrics is empty)", "system.ai_act.pmm_metrics", subject.loc("system.ai_act.pmm_metrics")) if {
	in_scope
	count(plan_metrics) == 0
}

deny contains result.at(sprintf("post-market monitoring metric %s is not collected (not in monitoring.ai_metrics)", [m]), sprintf("metric %s", [m]), subject.loc(sprintf("system.ai_act.pmm_metrics.%d", [i]))) if {
	in_scope
	some i, m in plan_metrics
	not m in collected_metrics
}
