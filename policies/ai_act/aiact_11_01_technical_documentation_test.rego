package cxgov.ai_act.aiact_11_01

import rego.v1

good_tags := {
	"risk_class": "high",
	"annex_iv_ref": "evidence/annex-iv.pdf",
	"annex_iv_sha256": "03c46b4f16b0d07a03c46b4f16b0d07a03c46b4f16b0d07a03c46b4f16b0d07a",
	"annex_iv_model_version": "3",
	"annex_iv_sections": "1,2,3,4,5,6,7,8,9",
}

mv(t) := {"name": "router", "version": "3", "tags": t, "registered_model": {"tags": {}}, "run": null}

test_aiact_11_01_pass_bound_and_complete if {
	count(deny) == 0 with input as mv(good_tags)
}

test_aiact_11_01_pass_limited_risk_not_required if {
	count(deny) == 0 with input as mv({"risk_class": "limited"})
}

test_aiact_11_01_fail_bound_to_another_version if {
	r := deny with input as mv(object.union(good_tags, {"annex_iv_model_version": "2"}))
	r == {{"msg": "models:/router/3: the Annex IV documentation is bound to version 2, not 3", "resource": "models:/router/3"}}
}

test_aiact_11_01_fail_sections_missing if {
	r := deny with input as mv(object.union(good_tags, {"annex_iv_sections": "1, 2, 3"}))
	r == {{"msg": "models:/router/3: Annex IV sections 4, 5, 6, 7, 8, 9 are missing", "resource": "models:/router/3"}}
}

test_aiact_11_01_fail_nothing_declared if {
	r := deny with input as mv({"risk_class": "high"})
	count(r) == 4
}

test_aiact_11_01_fail_version_without_tags if {
	r := deny with input as object.remove(mv({}), ["tags"])
	some f in r
	f.msg == "models:/router/3: annex_iv_sha256 is missing or not a sha256"
}
