package cxgov.ai_act.aiact_10_02

import rego.v1

tags := {"risk_class": "high", "bias_dimensions": "locale, age_band", "bias_threshold.locale": "0.05", "bias_threshold.age_band": "0.05"}

mv(t, metrics) := {"name": "router", "version": "3", "tags": t, "registered_model": {"tags": {}}, "run": {"metrics": metrics, "tags": {}, "inputs": []}}

good_metrics := {"bias.locale": 0.01, "bias.age_band": 0.05}

test_aiact_10_02_pass_every_dimension_within_threshold if {
	count(deny) == 0 with input as mv(tags, good_metrics)
}

test_aiact_10_02_pass_not_high_risk if {
	count(deny) == 0 with input as mv({"risk_class": "limited"}, {})
}

test_aiact_10_02_pass_risk_class_from_registered_model if {
	d := {"name": "router", "version": "3", "tags": {}, "registered_model": {"tags": {"risk_class": "minimal"}}, "run": null}
	count(deny) == 0 with input as d
}

test_aiact_10_02_fail_metric_above_threshold if {
	r := deny with input as mv(tags, {"bias.locale": 0.12, "bias.age_band": 0.01})
	r == {{"msg": "models:/router/3: bias.locale is 0.12, above its threshold 0.05", "resource": "models:/router/3"}}
}

test_aiact_10_02_fail_dimension_without_metric if {
	r := deny with input as mv(tags, {"bias.locale": 0.01})
	r == {{"msg": "models:/router/3: bias dimension age_band has no metric bias.age_band", "resource": "models:/router/3"}}
}

test_aiact_10_02_fail_malformed_threshold if {
	t := object.union(tags, {"bias_threshold.locale": "low"})
	r := deny with input as mv(t, good_metrics)
	r == {{"msg": "models:/router/3: bias dimension locale has no numeric threshold (tag bias_threshold.locale)", "resource": "models:/router/3"}}
}

test_aiact_10_02_fail_no_dimensions_declared if {
	r := deny with input as mv({"risk_class": "high"}, {})
	r == {{"msg": "models:/router/3 declares no bias dimensions (tag bias_dimensions)", "resource": "models:/router/3"}}
}
