# METADATA
# title: The model version meets its declared accuracy thresholds
# description: >-
#   Art 13(3)(b) and 15(1)-(3): the version states its intended purpose (tag intended_purpose) and
#   declares at least one metric threshold with its direction (tag threshold.<metric> = ">=0.90"
#   or "<=0.05"), and the source run's metric meets each one. Blocking for high-risk systems (a
#   missing risk_class tag counts as high), advisory otherwise.
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
#     the metrics published in the instructions for use, log those metrics on the source run, and
#     register only versions that meet them.
package cxgov.ai_act.aiact_13_15

import rego.v1

import data.cxgov.lib.model_version as mv

thresholds := mv.tags_with_prefix(mv.contract.threshold_tag_prefix)

well_formed(v) if regex.match(`^(>=|<=)\s*-?[0-9]+(\.[0-9]+)?$`, trim_space(v))

operator(v) := substring(trim_space(v), 0, 2)

bound(v) := to_number(trim_space(substring(trim_space(v), 2, -1)))

# null when the metric is missing, so callers test it without a negated lookup
value(m) := object.get(mv.metrics, m, null)

measured(m) if is_number(value(m))

misses(">=", value, limit) if value < limit

misses("<=", value, limit) if value > limit

violations contains concat("", [mv.label, " states no intended purpose (tag intended_purpose)"]) if not mv.has_tag("intended_purpose")

violations contains concat("", [mv.label, " declares no metric thresholds (tags threshold.<metric>)"]) if count(thresholds) == 0

violations contains concat("", [mv.label, ": threshold.", m, " is not \">=\" or \"<=\" and a number"]) if {
	some m, v in thresholds
	not well_formed(v)
}

violations contains concat("", [mv.label, ": declared metric ", m, " is missing from the source run"]) if {
	some m, v in thresholds
	well_formed(v)
	not measured(m)
}

violations contains concat("", [mv.label, ": ", m, " is ", sprintf("%v", [value(m)]), ", which misses its threshold ", operator(v), " ", sprintf("%v", [bound(v)])]) if {
	some m, v in thresholds
	well_formed(v)
	measured(m)
	misses(operator(v), value(m), bound(v))
}

deny contains {"msg": m, "resource": mv.label} if {
	mv.high_risk
	some m in violations
}

warn contains {"msg": m, "resource": mv.label} if {
	not mv.high_risk
	some m in violations
}
