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
	r == {{"msg": "models:/router/3: declared metric false_handoff_rate is missing from the source run, its logged model and its GenAI evaluation", "resource": "models:/router/3"}}
}

test_aiact_13_15_fail_malformed_threshold if {
	r := deny with input as mv(object.union(good_tags, {"threshold.accuracy": "high"}), good_metrics)
	r == {{"msg": "models:/router/3: threshold.accuracy is not \">=\" or \"<=\" and a number", "resource": "models:/router/3"}}
}

test_aiact_13_15_fail_no_thresholds_no_purpose_limited_warns if {
	count(deny) == 0 with input as mv({"risk_class": "limited"}, {})
	count(warn) == 2 with input as mv({"risk_class": "limited"}, {})
}

test_aiact_13_15_pass_metric_on_the_logged_model if {
	doc := object.union(mv(good_tags, {"accuracy": 0.93}), {"logged_model": {"model_id": "m-1", "metrics": {"false_handoff_rate": 0.02}}})
	count(deny) == 0 with input as doc
}

test_aiact_13_15_fail_logged_model_metric_missing_its_threshold if {
	doc := object.union(mv(good_tags, {"accuracy": 0.93}), {"logged_model": {"model_id": "m-1", "metrics": {"false_handoff_rate": 0.09}}})
	r := deny with input as doc
	r == {{"msg": "models:/router/3: false_handoff_rate is 0.09, which misses its threshold <= 0.05", "resource": "models:/router/3"}}
}

test_aiact_13_15_pass_the_source_run_wins_over_the_logged_model if {
	doc := object.union(mv(good_tags, good_metrics), {"logged_model": {"model_id": "m-1", "metrics": {"accuracy": 0.2}}})
	count(deny) == 0 with input as doc
}

test_aiact_13_15_pass_custom_scorer_from_the_genai_evaluation if {
	tags := object.union(good_tags, {"threshold.politeness": ">=0.8"})
	doc := object.union(mv(tags, good_metrics), {"genai_evaluation": {"run_id": "e1", "scorers": {"politeness": {"mean": 0.9}}}})
	count(deny) == 0 with input as doc
}

test_aiact_13_15_fail_custom_scorer_below_its_threshold if {
	tags := object.union(good_tags, {"threshold.politeness": ">=0.8"})
	doc := object.union(mv(tags, good_metrics), {"genai_evaluation": {"run_id": "e1", "scorers": {"politeness": {"mean": 0.5}}}})
	r := deny with input as doc
	r == {{"msg": "models:/router/3: politeness is 0.5, which misses its threshold >= 0.8", "resource": "models:/router/3"}}
}

test_aiact_13_15_pass_genai_scorer_thresholds_are_left_to_aiact_15_01 if {
	tags := object.union(good_tags, {"threshold.groundedness": ">=0.9", "threshold.safety": ">=0.99"})
	count(deny) == 0 with input as mv(tags, good_metrics)
}

test_aiact_13_15_pass_genai_thresholds_alone_count_as_declared if {
	tags := {"risk_class": "high", "intended_purpose": "answer questions", "threshold.groundedness": ">=0.9"}
	count(deny) == 0 with input as mv(tags, {})
}
