package cxgov.ai_act.aiact_15_01

import rego.v1

evaluation(scores, date) := {"run_id": "e1", "status": "FINISHED", "date": date, "scorers": scores, "datasets": []}

good_scores := {"groundedness": {"mean": 0.92}, "safety": {"mean": 1}}

recent := evaluation(good_scores, "2026-10-15")

declared := {"threshold.groundedness": ">=0.85", "threshold.safety": ">=0.99", "threshold.accuracy": ">=0.9"}

mv(risk, tags, ev) := {
	"evaluation_date": "2026-11-22", "name": "answerer", "version": "3",
	"tags": object.union({"risk_class": risk}, tags), "registered_model": {"tags": {}},
	"run": {"metrics": {}, "tags": {}, "inputs": []}, "genai_evaluation": ev,
}

label := "models:/answerer/3"

# ---- a model-version subject

test_aiact_15_01_pass_recent_evaluation_meets_declared_thresholds if {
	count(deny) == 0 with input as mv("high", declared, recent)
	count(warn) == 0 with input as mv("high", declared, recent)
}

test_aiact_15_01_fail_groundedness_below_its_threshold if {
	low := evaluation({"groundedness": {"mean": 0.61}, "safety": {"mean": 1}}, "2026-10-15")
	r := deny with input as mv("high", declared, low)
	r == {{"msg": "models:/answerer/3: groundedness is 0.61 in its GenAI evaluation (run e1, 2026-10-15), which misses its threshold >= 0.85", "resource": label}}
}

test_aiact_15_01_fail_evaluation_older_than_the_limit if {
	r := deny with input as mv("high", declared, evaluation(good_scores, "2026-05-01"))
	r == {{"msg": "models:/answerer/3: its newest GenAI evaluation (run e1, 2026-05-01) is 205 days old (at most 90)", "resource": label}}
}

test_aiact_15_01_pass_the_limit_comes_from_config if {
	old := mv("high", declared, evaluation(good_scores, "2026-05-01"))
	count(deny) == 0 with input as old with data.cxgov.config.thresholds.evaluation_max_days as 365
}

test_aiact_15_01_fail_no_evaluation_at_all if {
	r := deny with input as mv("high", declared, null)
	r == {{"msg": "models:/answerer/3 has no GenAI evaluation: no mlflow.genai.evaluate run is linked to its logged model and no run is tagged evaluated_model=models:/answerer/3", "resource": label}}
}

test_aiact_15_01_fail_high_risk_declares_no_genai_thresholds if {
	r := deny with input as mv("high", {"threshold.accuracy": ">=0.9"}, recent)
	r == {
		{"msg": "models:/answerer/3 declares no groundedness, correctness or relevance threshold (tags threshold.<scorer>)", "resource": label},
		{"msg": "models:/answerer/3 declares no safety threshold (tags threshold.<scorer>)", "resource": label},
	}
}

test_aiact_15_01_pass_correctness_counts_for_grounding if {
	tags := {"threshold.correctness": ">=0.8", "threshold.safety": ">=0.99"}
	count(deny) == 0 with input as mv("high", tags, evaluation({"correctness": {"mean": 0.83}, "safety": {"mean": 1}}, "2026-10-15"))
}

test_aiact_15_01_fail_scorer_not_in_the_evaluation if {
	r := deny with input as mv("high", declared, evaluation({"groundedness": {"mean": 0.9}}, "2026-10-15"))
	r == {{"msg": "models:/answerer/3: its GenAI evaluation (run e1) reports no scorer safety (mean)", "resource": label}}
}

test_aiact_15_01_fail_evaluation_that_did_not_finish if {
	failed := object.union(recent, {"status": "FAILED"})
	r := deny with input as mv("high", declared, failed)
	r == {{"msg": "models:/answerer/3: its newest GenAI evaluation (run e1) did not finish (status FAILED)", "resource": label}}
}

test_aiact_15_01_fail_undated_evaluation if {
	r := deny with input as mv("high", declared, evaluation(good_scores, null))
	r == {{"msg": "models:/answerer/3: its newest GenAI evaluation (run e1) records no date", "resource": label}}
}

test_aiact_15_01_fail_malformed_threshold if {
	r := deny with input as mv("high", object.union(declared, {"threshold.safety": "high"}), recent)
	r == {{"msg": "models:/answerer/3: its threshold for safety is not \">=\" or \"<=\" and a number", "resource": label}}
}

test_aiact_15_01_fail_hallucination_rate_above_its_maximum if {
	tags := {"threshold.hallucination_rate": "<=0.05", "threshold.safety": ">=0.99"}
	ev := evaluation({"hallucination_rate": {"mean": 0.17}, "safety": {"mean": 1}}, "2026-10-15")
	r := deny with input as mv("high", tags, ev)
	r == {{"msg": "models:/answerer/3: hallucination_rate is 0.17 in its GenAI evaluation (run e1, 2026-10-15), which misses its threshold <= 0.05", "resource": label}}
}

test_aiact_15_01_fail_named_aggregate if {
	tags := object.union(declared, {"threshold.groundedness/p10": ">=0.5"})
	ev := evaluation({"groundedness": {"mean": 0.92, "p10": 0.4}, "safety": {"mean": 1}}, "2026-10-15")
	r := deny with input as mv("high", tags, ev)
	r == {{"msg": "models:/answerer/3: groundedness/p10 is 0.4 in its GenAI evaluation (run e1, 2026-10-15), which misses its threshold >= 0.5", "resource": label}}
}

test_aiact_15_01_pass_limited_risk_without_scorer_thresholds_needs_none if {
	count(deny) == 0 with input as mv("limited", {"threshold.accuracy": ">=0.9"}, null)
	count(warn) == 0 with input as mv("limited", {"threshold.accuracy": ">=0.9"}, null)
}

test_aiact_15_01_fail_limited_risk_declaring_scorer_thresholds_warns if {
	count(deny) == 0 with input as mv("limited", declared, null)
	r := warn with input as mv("limited", declared, null)
	count(r) == 1
}

test_aiact_15_01_pass_limited_risk_with_a_descriptor_is_the_system_views if {
	count(warn) == 0 with input as mv("limited", declared, null) with data.cxgov.run.has_descriptor as true
}

# ---- the system view

lines := {"models": 10, "models.0": 11, "genai": 20, "genai.evaluation.thresholds": 23, "genai.evaluation.thresholds.groundedness": 24}

system(genai, docs) := {
	"evaluation_date": "2026-11-22",
	"descriptor": {"models": [{"name": "answerer", "version": "3"}], "genai": genai},
	"descriptor_file": "cxgov.yaml", "lines": lines,
	"documents": [{"id": label, "kind": "model-version", "file": label, "line": null, "document": d} | some d in docs],
}

cf_genai(thresholds) := {"customer_facing": true, "models": ["answerer"], "evaluation": {"thresholds": thresholds}}

desc_thresholds := {"groundedness": ">=0.85", "safety": ">=0.99"}

test_aiact_15_01_pass_customer_facing_version_meets_the_descriptors_thresholds if {
	count(deny) == 0 with input as system(cf_genai(desc_thresholds), [mv("limited", {}, recent)])
	count(warn) == 0 with input as system(cf_genai(desc_thresholds), [mv("limited", {}, recent)])
}

test_aiact_15_01_fail_customer_facing_version_without_evaluation if {
	r := deny with input as system(cf_genai(desc_thresholds), [mv("limited", {}, null)])
	r == {{
		"msg": "models:/answerer/3 has no GenAI evaluation: no mlflow.genai.evaluate run is linked to its logged model and no run is tagged evaluated_model=models:/answerer/3",
		"resource": label, "_loc": {"file": "cxgov.yaml", "line": 11},
	}}
}

test_aiact_15_01_fail_customer_facing_version_without_declared_levels if {
	r := deny with input as system(cf_genai({}), [mv("limited", {}, recent)])
	count(r) == 2
	some f in r
	f.msg == "models:/answerer/3 declares no safety threshold (tags threshold.<scorer> or genai.evaluation.thresholds)"
}

test_aiact_15_01_fail_descriptor_threshold_missed_on_a_high_risk_version if {
	low := evaluation({"groundedness": {"mean": 0.7}, "safety": {"mean": 1}}, "2026-10-15")
	tags := {"threshold.groundedness": ">=0.6", "threshold.safety": ">=0.99"}
	r := deny with input as system(cf_genai(desc_thresholds), [mv("high", tags, low)])
	r == {{
		"msg": "models:/answerer/3: groundedness is 0.7 in its GenAI evaluation (run e1, 2026-10-15), which misses the descriptor's threshold >= 0.85",
		"resource": label, "_loc": {"file": "cxgov.yaml", "line": 24},
	}}
}

test_aiact_15_01_pass_a_model_not_listed_as_customer_facing if {
	genai := object.union(cf_genai(desc_thresholds), {"models": ["another-model"]})
	count(deny) == 0 with input as system(genai, [mv("limited", {}, null)])
}

test_aiact_15_01_fail_other_versions_declaring_levels_warn_in_the_system_view if {
	r := warn with input as system({}, [mv("limited", declared, null)])
	count(r) == 1
	count(deny) == 0 with input as system({}, [mv("limited", declared, null)])
}
