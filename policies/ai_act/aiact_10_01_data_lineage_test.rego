package cxgov.ai_act.aiact_10_01

import rego.v1

ds(name, digest, context) := {"name": name, "digest": digest, "source": "https://data.example/x", "source_type": "http", "context": context}

mv(risk, inputs) := {"name": "router", "version": "3", "tags": {"risk_class": risk}, "registered_model": {"tags": {}}, "run": {"metrics": {}, "tags": {}, "inputs": inputs}}

good := [ds("train", "aaa", "training"), ds("eval", "bbb", "evaluation")]

test_aiact_10_01_pass_training_and_evaluation_lineage if {
	count(deny) == 0 with input as mv("high", good)
	count(warn) == 0 with input as mv("high", good)
}

test_aiact_10_01_pass_validation_context_counts_as_evaluation if {
	count(deny) == 0 with input as mv("high", [ds("train", "aaa", "training"), ds("val", "ccc", "validation")])
}

test_aiact_10_01_fail_evaluated_on_training_data if {
	r := deny with input as mv("high", [ds("train", "aaa", "training"), ds("eval", "aaa", "evaluation")])
	r == {{"msg": "models:/router/3: evaluation dataset eval has the digest of training dataset train", "resource": "models:/router/3"}}
}

test_aiact_10_01_fail_no_evaluation_dataset if {
	r := deny with input as mv("high", [ds("train", "aaa", "training")])
	r == {{"msg": "models:/router/3: its run logs no evaluation dataset", "resource": "models:/router/3"}}
}

test_aiact_10_01_fail_dataset_without_digest if {
	r := deny with input as mv("high", [ds("train", "", "training"), ds("eval", "bbb", "evaluation")])
	some f in r
	f.msg == "models:/router/3: dataset train (training) has no digest or source"
}

test_aiact_10_01_fail_limited_risk_warns if {
	count(deny) == 0 with input as mv("limited", [])
	count(warn) == 2 with input as mv("limited", [])
}

test_aiact_10_01_fail_missing_risk_class_blocks if {
	d := {"name": "router", "version": "3", "tags": {}, "registered_model": {"tags": {}}, "run": {"inputs": []}}
	count(deny) == 2 with input as d
}

test_aiact_10_01_fail_no_source_run if {
	d := {"name": "router", "version": "3", "tags": {"risk_class": "high"}, "registered_model": {"tags": {}}, "run": null}
	r := deny with input as d
	r == {{"msg": "models:/router/3 has no source run, so its data lineage cannot be traced", "resource": "models:/router/3"}}
}

test_aiact_10_01_pass_evaluation_dataset_linked_to_the_logged_model if {
	linked := object.union(ds("golden", "ccc", "evaluation"), {"run_id": "r2"})
	d := object.union(mv("high", [ds("train", "aaa", "training")]), {"logged_model": {"model_id": "m-1", "datasets": [linked]}})
	count(deny) == 0 with input as d
}

test_aiact_10_01_pass_genai_evaluation_dataset_counts_as_evaluation_data if {
	golden := {"name": "cx-answers-golden", "digest": "ddd", "source": "d-123", "source_type": "mlflow_evaluation_dataset", "context": null}
	d := object.union(mv("high", [ds("train", "aaa", "training")]), {"genai_evaluation": {"run_id": "e1", "datasets": [golden]}})
	count(deny) == 0 with input as d
}

test_aiact_10_01_fail_genai_evaluation_on_training_data if {
	golden := {"name": "cx-answers-golden", "digest": "aaa", "source": "d-123", "context": null}
	d := object.union(mv("high", [ds("train", "aaa", "training")]), {"genai_evaluation": {"run_id": "e1", "datasets": [golden]}})
	r := deny with input as d
	r == {{"msg": "models:/router/3: evaluation dataset cx-answers-golden has the digest of training dataset train", "resource": "models:/router/3"}}
}

test_aiact_10_01_fail_logged_model_dataset_without_context_is_not_lineage if {
	linked := {"name": "golden", "digest": "ccc", "source": "https://data.example/g", "context": null, "run_id": "r2"}
	d := object.union(mv("high", [ds("train", "aaa", "training")]), {"logged_model": {"model_id": "m-1", "datasets": [linked]}})
	r := deny with input as d
	r == {{"msg": "models:/router/3: its run logs no evaluation dataset", "resource": "models:/router/3"}}
}
