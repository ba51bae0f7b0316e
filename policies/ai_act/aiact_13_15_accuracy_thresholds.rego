# METADATA
# title: The model version meets its declared accuracy thresholds
# description: >-
#   Art 13(3)(b) and 15(1)-(3): the version states its intended purpose (tag intended_purpose) and
#   declares at least one metric threshold with its direction (tag threshold.<metric> = ">=0.90"
#   or "<=0.05"), and the metric meets each one: the source run's, else the MLflow 3 logged
#   model's, else the newest GenAI evaluation's scorer aggregate. Thresholds on GenAI scorers
#   (groundedness, correctness, relevance, safety, ...) are AIACT-15-01's. Blocking for high-risk
#   systems (a missing risk_class tag counts as high), advisory otherwise.
# custom:
#   id: AIACT-13-15
#   severity: high
#   gate: deny
#   effective_from: ai_act_highrisk
#   applies_to: [model-version]
#   frameworks:
#     eu-ai-act: [Art.13(3)(b), Art.15(1)-(3)]
#   remediation: >-
#     Tag the version with intended_purpose and threshold.<metric> (">=" or "<=" and a number) for
#     the metrics published in the instructions for use, log those metrics on the source run (or
#     on the logged model: mlflow.log_metric(..., model_id=...)), and register only versions that
#     meet them.
package cxgov.ai_act.aiact_13_15

import rego.v1

import data.cxgov.ai_act.model_evidence as me
import data.cxgov.lib.model_version as mv
import data.cxgov.lib.result

declared := mv.tags_with_prefix(mv.contract.threshold_tag_prefix)

# thresholds on GenAI scorers are judged against the evaluation by AIACT-15-01
thresholds := {m: v | some m, v in declared; not me.genai_scorer(m)}

# null when no source has the metric, so callers test it without a negated lookup
value(m) := me.metric(input, m)

measured(m) if is_number(value(m))

violations contains concat("", [mv.label, " states no intended purpose (tag intended_purpose)"]) if not mv.has_tag("intended_purpose")

violations contains concat("", [mv.label, " declares no metric thresholds (tags threshold.<metric>)"]) if count(declared) == 0

violations contains concat("", [mv.label, ": threshold.", m, " is not \">=\" or \"<=\" and a number"]) if {
	some m, v in thresholds
	not me.well_formed(v)
}

violations contains concat("", [mv.label, ": declared metric ", m, " is missing from the source run, its logged model and its GenAI evaluation"]) if {
	some m, v in thresholds
	me.well_formed(v)
	not measured(m)
}

violations contains concat("", [mv.label, ": ", m, " is ", sprintf("%v", [value(m)]), ", which misses its threshold ", me.operator(v), " ", sprintf("%v", [me.bound(v)])]) if {
	some m, v in thresholds
	me.well_formed(v)
	measured(m)
	me.misses(me.operator(v), value(m), me.bound(v))
}

deny contains result.of(m, mv.label) if {
	mv.high_risk
	some m in violations
}

warn contains result.of(m, mv.label) if {
	not mv.high_risk
	some m in violations
}
