package cxgov.shadow_ai.shadow_ai_01_test

import rego.v1

import data.cxgov.shadow_ai.shadow_ai_01

deployment(env) := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "app:1", "env": env}]}}}}

test_shadow_ai_01_fail_anthropic_key_without_a_descriptor if {
	r := shadow_ai_01.warn with input as deployment([{"name": "ANTHROPIC_API_KEY", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}])
		with data.cxgov.run.has_descriptor as false
	count(r) == 1
	some f in r
	f._path == "spec.template.spec.containers.0.env.0"
	f.provider == "anthropic"
	contains(f.msg, "variable ANTHROPIC_API_KEY uses anthropic (Anthropic)")
}

test_shadow_ai_01_fail_requirements_line if {
	r := shadow_ai_01.warn with input as {"manifest": "requirements", "ecosystem": "pypi", "packages": [{"name": "langchain-openai", "version": "", "line": 4}]}
		with data.cxgov.run.has_descriptor as false
	{f._loc.line | some f in r} == {4}
}

test_shadow_ai_01_pass_with_a_descriptor if {
	r := shadow_ai_01.warn with input as deployment([{"name": "ANTHROPIC_API_KEY", "value": "x"}])
		with data.cxgov.run.has_descriptor as true
	count(r) == 0
}

test_shadow_ai_01_pass_no_ai if {
	r := shadow_ai_01.warn with input as deployment([{"name": "MAIL", "value": "https://mail.example.com"}])
		with data.cxgov.run.has_descriptor as false
	count(r) == 0
}
