package cxgov.ai_act.aiact_15_02

import rego.v1

mv(risk, evaluated, rate) := {"evaluation_date": "2026-11-22", "name": "router", "version": "3", "tags": {"risk_class": risk, "redteam_evaluated_at": evaluated}, "registered_model": {"tags": {}}, "run": {"metrics": {"redteam.injection_success_rate": rate}, "tags": {}, "inputs": []}}

test_aiact_15_02_pass_recent_and_robust if {
	count(deny) == 0 with input as mv("high", "2026-10-15", 0.01)
	count(warn) == 0 with input as mv("high", "2026-10-15", 0.01)
}

test_aiact_15_02_fail_stale_evaluation if {
	r := deny with input as mv("high", "2026-05-01", 0.01)
	r == {{"msg": "models:/router/3: red-team evaluation of 2026-05-01 is 205 days old (at most 90)", "resource": "models:/router/3"}}
}

test_aiact_15_02_fail_injection_rate_too_high if {
	r := deny with input as mv("high", "2026-10-15", 0.12)
	r == {{"msg": "models:/router/3: prompt-injection success rate 0.12 is above 0.05", "resource": "models:/router/3"}}
}

test_aiact_15_02_fail_malformed_date_is_a_finding if {
	r := deny with input as mv("high", "last week", 0.01)
	r == {{"msg": "models:/router/3 records no red-team evaluation date (tag redteam_evaluated_at, YYYY-MM-DD)", "resource": "models:/router/3"}}
}

test_aiact_15_02_fail_limited_risk_warns if {
	count(deny) == 0 with input as mv("limited", "2026-05-01", 0.2)
	count(warn) == 2 with input as mv("limited", "2026-05-01", 0.2)
}

test_aiact_15_02_pass_injection_rate_on_the_logged_model if {
	d := object.union(object.remove(mv("high", "2026-10-15", 0.01), ["run"]), {"run": {"metrics": {}}, "logged_model": {"model_id": "m-1", "metrics": {"redteam.injection_success_rate": 0.02}}})
	count(deny) == 0 with input as d
}

test_aiact_15_02_fail_no_injection_rate_anywhere if {
	d := object.union(object.remove(mv("high", "2026-10-15", 0.01), ["run"]), {"run": {"metrics": {}}, "logged_model": {"model_id": "m-1", "metrics": {}}})
	r := deny with input as d
	r == {{"msg": "models:/router/3: neither the source run nor its logged model records metric redteam.injection_success_rate", "resource": "models:/router/3"}}
}
