package cxgov.shadow_ai.shadow_ai_03_test

import rego.v1

import data.cxgov.lib.fixtures
import data.cxgov.shadow_ai.shadow_ai_03

system(docs) := fixtures.system_with(
	{"ai_providers": [{"name": "bedrock-main", "service": "bedrock"}, {"name": "in-house", "service": "custom"}]},
	{"lines": {"ai_providers.0": 7}, "documents": docs},
)

pod(env) := {"id": "p", "kind": "kubernetes", "file": "p.yaml", "line": 1, "document": fixtures.pod(env, "app:1")}

test_shadow_ai_03_fail_declared_but_unused if {
	r := shadow_ai_03.warn with input as system([pod([])])
	{[f.resource, f._loc.line] | some f in r} == {["bedrock-main", 7]}
}

test_shadow_ai_03_pass_used if {
	count(shadow_ai_03.warn) == 0 with input as system([pod([{"name": "E", "value": "https://bedrock-runtime.eu-central-1.amazonaws.com"}])])
}

test_shadow_ai_03_pass_descriptor_only_run if {
	count(shadow_ai_03.warn) == 0 with input as system([])
}
