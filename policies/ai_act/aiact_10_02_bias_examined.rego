# METADATA
# title: Bias has been examined for every declared dimension
# description: >-
#   Art 10(2)(f)-(g), high-risk systems: the version declares its bias dimensions (tag
#   bias_dimensions, e.g. "locale,age_band"), its run has a metric bias.<dimension> for each, and
#   each stays at or below its threshold (tag bias_threshold.<dimension>). Whether the dimensions
#   are the right ones is evidence for a person to judge.
# custom:
#   id: AIACT-10-02
#   severity: high
#   gate: deny
#   effective_from: ai_act_highrisk
#   applies_to: [model-version]
#   frameworks:
#     eu-ai-act: [Art.10(2)(f), Art.10(2)(g)]
#   remediation: >-
#     Tag the version with bias_dimensions and a bias_threshold.<dimension> per dimension, and log
#     the measured disparity of each as the run metric bias.<dimension>.
package cxgov.ai_act.aiact_10_02

import rego.v1

import data.cxgov.lib.model_version as mv
import data.cxgov.lib.result

contract := mv.contract

dimensions := mv.list_tag("bias_dimensions")

thresholds := mv.tags_with_prefix(contract.bias_threshold_tag_prefix)

# null when the metric is missing, so callers test it without a negated lookup
metric(dim) := v if {
	v := object.get(mv.metrics, concat("", [contract.bias_metric_prefix, dim]), null)
	is_number(v)
}

numeric := `^\s*[0-9]+(\.[0-9]+)?\s*$`

# undefined for a malformed threshold (reported on its own), so to_number never fails the run
limit(dim) := to_number(trim_space(t)) if {
	t := object.get(thresholds, dim, "")
	regex.match(numeric, t)
}

violations contains concat("", [mv.label, " declares no bias dimensions (tag bias_dimensions)"]) if count(dimensions) == 0

violations contains concat("", [mv.label, ": bias dimension ", dim, " has no metric ", contract.bias_metric_prefix, dim]) if {
	some dim in dimensions
	not metric(dim)
}

violations contains concat("", [mv.label, ": bias dimension ", dim, " has no numeric threshold (tag ", contract.bias_threshold_tag_prefix, dim, ")"]) if {
	some dim in dimensions
	not regex.match(numeric, object.get(thresholds, dim, ""))
}

violations contains concat("", [mv.label, ": ", contract.bias_metric_prefix, dim, " is ", sprintf("%v", [metric(dim)]), ", above its threshold ", sprintf("%v", [limit(dim)])]) if {
	some dim in dimensions
	metric(dim) > limit(dim)
}

deny contains result.of(m, mv.label) if {
	mv.high_risk
	some m in violations
}
