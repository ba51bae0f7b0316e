package cxgov.soc2.soc2_cc8_1_02

import rego.v1

import data.cxgov.lib.fixtures

mv(commit) := {"name": "router", "version": "3", "tags": {}, "registered_model": {"tags": {}, "aliases": {"production": "3"}}, "run": {"metrics": {}, "tags": {"mlflow.source.git.commit": commit}, "inputs": []}}

doc(d) := {"id": "models:/router/3", "kind": "model-version", "file": "models:/router/3", "line": null, "document": d}

system(models, documents) := fixtures.system_with({"release": {"image_digest": "sha256:abc"}, "models": models}, {"lines": {"models.0": 12, "models.0.version": 14}, "documents": documents})

test_soc2_cc8_1_02_pass_full_commit if {
	count(deny) == 0 with input as mv("4f1c2e9a7b3d5c8e0f6a1b2c3d4e5f60718293a4")
}

test_soc2_cc8_1_02_fail_short_commit if {
	r := deny with input as mv("4f1c2e9")
	r == {{"msg": "models:/router/3: source commit 4f1c2e9 is not a full 40-hex git SHA", "resource": "models:/router/3"}}
}

test_soc2_cc8_1_02_fail_no_commit if {
	r := deny with input as mv("")
	count(r) == 1
}

test_soc2_cc8_1_02_pass_system_deploys_the_production_version if {
	count(deny) == 0 with input as system([{"name": "router", "version": "3", "alias": "production"}], [doc(mv("x"))])
}

test_soc2_cc8_1_02_fail_system_alias_moved if {
	moved := json.patch(mv("x"), [{"op": "replace", "path": "/registered_model/aliases/production", "value": "4"}])
	r := deny with input as system([{"name": "router", "version": "3"}], [doc(moved)])
	r == {{"msg": "model router: the descriptor deploys version 3 but alias production points to version 4", "resource": "model router", "_loc": {"file": "cxgov.yaml", "line": 14}}}
}

test_soc2_cc8_1_02_fail_system_model_not_read if {
	r := deny with input as system([{"name": "router", "version": "3"}], [])
	r == {{"msg": "model router was not read from the model registry, so the deployed version is unverified", "resource": "model router", "_loc": {"file": "cxgov.yaml", "line": 12}}}
}

test_soc2_cc8_1_02_fail_system_unknown_alias_and_unpinned if {
	r := deny with input as system([{"name": "router", "alias": "stable"}], [doc(mv("x"))])
	count(r) == 2
}
