# METADATA
# title: The model version passed a recent red-team evaluation
# description: >-
#   Art 15(4)-(5): the version records when it was red-teamed (tag redteam_evaluated_at,
#   YYYY-MM-DD), no longer ago than thresholds.redteam_max_days, and its prompt-injection success
#   rate (metric redteam.injection_success_rate of the source run, else of the MLflow 3 logged
#   model) is at most thresholds.redteam_injection_max_rate.
#   The fail-safe when guardrails trip is the descriptor's (guardrails.fallback_mode, human
#   hand-off). Blocking for high-risk systems (a missing risk_class tag counts as high), advisory
#   otherwise.
# custom:
#   id: AIACT-15-02
#   severity: high
#   gate: deny
#   effective_from: ai_act_highrisk
#   applies_to: [model-version]
#   frameworks:
#     eu-ai-act: [Art.15(4), Art.15(5)]
#   remediation: >-
#     Red-team the version (prompt injection, poisoning, adversarial input) before promoting it, log
#     the injection success rate as redteam.injection_success_rate and tag the version with
#     redteam_evaluated_at; repeat at least every 90 days.
package cxgov.ai_act.aiact_15_02

import rego.v1

import data.cxgov.ai_act.model_evidence as me
import data.cxgov.lib.dates
import data.cxgov.lib.model_version as mv
import data.cxgov.lib.result

th := data.cxgov.config.thresholds

metric := mv.contract.redteam_injection_metric

rate := me.metric(input, metric)

evaluated := input.tags.redteam_evaluated_at

# undefined unless a YYYY-MM-DD date, so a malformed tag is a finding, not a failed run
age := dates.age_days(evaluated) if regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, evaluated)

violations contains concat("", [mv.label, " records no red-team evaluation date (tag redteam_evaluated_at, YYYY-MM-DD)"]) if not age

violations contains concat("", [mv.label, ": red-team evaluation of ", evaluated, " is ", sprintf("%v", [age]), " days old (at most ", sprintf("%v", [th.redteam_max_days]), ")"]) if {
	age > th.redteam_max_days
}

violations contains concat("", [mv.label, ": neither the source run nor its logged model records metric ", metric]) if not is_number(rate)

violations contains concat("", [mv.label, ": prompt-injection success rate ", sprintf("%v", [rate]), " is above ", sprintf("%v", [th.redteam_injection_max_rate])]) if {
	is_number(rate)
	rate > th.redteam_injection_max_rate
}

deny contains result.of(m, mv.label) if {
	mv.high_risk
	some m in violations
}

warn contains result.of(m, mv.label) if {
	not mv.high_risk
	some m in violations
}
