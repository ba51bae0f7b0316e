package cxgov.residency.res_011

import rego.v1

mv(region, dataset_url) := {
	"name": "router", "version": "3", "source": "s3://models/router/3",
	"tags": {"artifact_region": region}, "registered_model": {"tags": {}},
	"run": {"metrics": {}, "tags": {}, "inputs": [{"name": "train", "digest": "a", "source": dataset_url, "context": "training"}]},
}

test_res_011_pass_eu_artifacts_and_data if {
	count(deny) == 0 with input as mv("eu-central-1", "https://data.s3.eu-west-1.amazonaws.com/train.parquet")
}

test_res_011_pass_unresolvable_locations_are_not_judged if {
	d := {"name": "router", "version": "3", "source": "mlflow-artifacts:/1/abc", "tags": {}, "registered_model": {"tags": {}}, "run": null}
	count(deny) == 0 with input as d
}

test_res_011_fail_us_dataset if {
	r := deny with input as mv("eu-central-1", "https://data.s3.us-east-1.amazonaws.com/train.parquet")
	r == {{"msg": "models:/router/3: dataset train is in us-east-1 (US), outside the allowed countries", "resource": "models:/router/3"}}
}

test_res_011_fail_unknown_artifact_region if {
	r := deny with input as mv("eu-centrl-1", "file:///tmp/x")
	r == {{"msg": "models:/router/3: artifact region eu-centrl-1 does not resolve to a country", "resource": "models:/router/3"}}
}

test_res_011_pass_multi_region_in_the_eea if {
	count(deny) == 0 with input as mv("EU", "https://data.s3.eu-north-1.amazonaws.com/train.parquet")
}
