package cxgov.shadow_ai.shadow_ai_02_test

import rego.v1

import data.cxgov.lib.fixtures
import data.cxgov.lib.fixtures.pod
import data.cxgov.shadow_ai.shadow_ai_02

azure := {"name": "azure-chat", "vendor": "Microsoft", "service": "azure_openai", "endpoint": "https://acme-swc.openai.azure.com", "region": "swedencentral"}

bedrock := {"name": "bedrock", "service": "bedrock", "region": "eu-central-1", "destination_regions": ["eu-central-1", "eu-west-1"]}

system(providers, docs, risk) := fixtures.system_with_documents({"system": {"ai_act": {"risk_class": risk}}, "ai_providers": providers}, docs)

k8s(doc) := {"id": "k8s/p.yaml", "kind": "kubernetes", "file": "k8s/p.yaml", "line": 1, "document": doc}

anthropic := k8s(pod([{"name": "ANTHROPIC_BASE_URL", "value": "https://api.anthropic.com"}], "app:1"))

test_shadow_ai_02_fail_undeclared_anthropic_endpoint if {
	r := shadow_ai_02.deny with input as system([azure], [anthropic], "limited")
	count(r) == 1
	some f in r
	f._loc == {"file": "k8s/p.yaml", "line": 1, "path": "spec.containers.0.env.0.value"}
	contains(f.msg, "no ai_providers entry declares anthropic")
	not f._controls
}

test_shadow_ai_02_fail_high_risk_names_art_26 if {
	r := shadow_ai_02.deny with input as system([azure], [anthropic], "high")
	some f in r
	f._controls == {"eu-ai-act": ["Art.26"]}
}

test_shadow_ai_02_fail_bedrock_in_another_region if {
	doc := k8s(pod([{"name": "E", "value": "https://bedrock-runtime.us-east-1.amazonaws.com"}], "app:1"))
	r := shadow_ai_02.deny with input as system([bedrock], [doc], "limited")
	some f in r
	contains(f.msg, "only in other regions, not us-east-1")
}

test_shadow_ai_02_fail_another_azure_resource if {
	doc := k8s(pod([{"name": "E", "value": "https://acme-sum.openai.azure.com"}], "app:1"))
	r := shadow_ai_02.deny with input as system([azure], [doc], "limited")
	some f in r
	contains(f.msg, "other azure_openai resources, not acme-sum.openai.azure.com")
}

test_shadow_ai_02_fail_host_declared_under_another_service if {
	r := shadow_ai_02.deny with input as system([{"name": "x", "service": "openai", "endpoint": "https://api.anthropic.com"}], [anthropic], "limited")
	some f in r
	contains(f.msg, "declared as service openai, but it is anthropic's")
}

test_shadow_ai_02_fail_package_line if {
	doc := {"id": "app/requirements.txt", "kind": "dependencies", "file": "app/requirements.txt", "line": 1, "document": {"ecosystem": "pypi", "packages": [{"name": "langchain-openai", "version": "", "line": 4}]}}
	r := shadow_ai_02.deny with input as system([azure], [doc], "limited")
	{f._loc | some f in r} == {{"file": "app/requirements.txt", "line": 4}}
}

test_shadow_ai_02_pass_declared if {
	declared := array.concat([azure, bedrock], [{"name": "a", "service": "anthropic", "region": "eu"}])
	docs := [
		anthropic,
		k8s(pod([{"name": "E", "value": "https://acme-swc.openai.azure.com"}, {"name": "B", "value": "https://bedrock-runtime.eu-west-1.amazonaws.com"}], "app:1")),
		{"id": "r", "kind": "dependencies", "file": "r", "line": 1, "document": {"ecosystem": "pypi", "packages": [{"name": "langchain", "version": "", "line": 1}]}},
	]
	count(shadow_ai_02.deny) == 0 with input as system(declared, docs, "limited")
}

test_shadow_ai_02_pass_no_ai if {
	count(shadow_ai_02.deny) == 0 with input as system([], [k8s(pod([{"name": "M", "value": "https://mail.example.com"}], "app:1"))], "limited")
}

test_shadow_ai_02_fail_result_carries_the_record if {
	r := shadow_ai_02.deny with input as system([azure], [anthropic], "limited")
	some f in r
	[f.provider, f.vendor, f.usage, f.host, f.region, f.asset, f.declared] == ["anthropic", "Anthropic", "endpoint", "api.anthropic.com", null, "service", false]
}

test_shadow_ai_02_inventory_lists_declared_and_undeclared_only_when_asked if {
	docs := [anthropic, k8s(pod([{"name": "E", "value": "https://acme-swc.openai.azure.com"}], "ollama/ollama:0.5"))]
	count(shadow_ai_02.warn_inventory) == 0 with input as system([azure], docs, "limited")
	r := shadow_ai_02.warn_inventory with input as system([azure], docs, "limited") with data.cxgov.inventory.records as true
	{[f.provider, f.asset, f.declared, f._loc.path] | some f in r} == {
		["anthropic", "service", false, "spec.containers.0.env.0.value"],
		["azure_openai", "service", true, "spec.containers.0.env.0.value"],
		["ollama", "machine-learning-model", false, "spec.containers.0.image"],
	}
}

test_shadow_ai_02_inventory_marks_a_deployment_a_model if {
	doc := {"id": "p", "kind": "terraform-plan", "file": "p.json", "line": 1, "document": fixtures.plan([["aws_bedrock_custom_model", "m", {}]])}
	r := shadow_ai_02.warn_inventory with input as system([bedrock], [doc], "limited") with data.cxgov.inventory.records as true
	{[f.evidence, f.asset, f.declared] | some f in r} == {["aws_bedrock_custom_model.m", "machine-learning-model", true]}
}
