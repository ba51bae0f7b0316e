package cxgov.ai_act.aiact_13_15

import rego.v1

good_tags := {"risk_class": "high", "intended_purpose": "route messages", "threshold.accuracy": ">=0.90", "threshold.false_handoff_rate": "<= 0.05"}

mv(t, metrics) := {"name": "router", "version": "3", "tags": t, "registered_model": {"tags": {}}, "run": {"metrics": metrics, "tags": {}, "inputs": []}}

good_metrics := {"accuracy": 0.93, "false_handoff_rate": 0.05}

test_aiact_13_15_pass_thresholds_met_in_their_direction if {
	count(deny) == 0 with input as mv(good_tags, good_metrics)
	count(warn) == 0 with input as mv(good_tags, good_metrics)
}

test_aiact_13_15_fail_minimum_missed if {
	r := deny with input as mv(good_tags, {"accuracy": 0.85, "false_handoff_rate": 0.01})
	r == {{"msg": "models:/router/3: accuracy is 0.85, which misses its threshold >= 0.9", "resource": "models:/router/3"}}
}

test_aiact_13_15_fail_maximum_exceeded if {
	r := deny with input as mv(good_tags, {"accuracy": 0.95, "false_handoff_rate": 0.2})
	r == {{"msg": "models:/router/3: false_handoff_rate is 0.2, which misses its threshold <= 0.05", "resource": "models:/router/3"}}
}

test_aiact_13_15_fail_declared_metric_missing if {
	r := deny with input as mv(good_tags, {"accuracy": 0.95})
	r == {{"msg": "models:/router/3: declared metric false_handoff_rate is missing from the source run", "resource": "models:/router/3"}}
}

test_aiact_13_15_fail_malformed_threshold if {
	r := deny with input as mv(object.union(good_tags, {"threshold.accuracy": "high"}), good_metrics)
	r == {{"msg": "models:/router/3: threshold.accuracy is not \">=\" or \"<=\" and a number", "resource": "models:/router/3"}}
}

test_aiact_13_15_fail_no_thresholds_no_purpose_limited_warns if {
	count(deny) == 0 with input as mv({"risk_class": "limited"}, {})
	count(warn) == 2 with input as mv({"risk_class": "limited"}, {})
}
