package cxgov.residency.res_006

import rego.v1

import data.cxgov.lib.fixtures

system(d) := fixtures.system_with(d, {"lines": {"ai_providers.0": 50, "ai_providers.0.model_id": 55}})

bedrock(model) := {"name": "claude", "service": "bedrock", "region": "eu-central-1", "model_id": model}

test_res_006_pass_regional_deployments if {
	count(deny) == 0 with input as system({"ai_providers": [
		{"name": "aoai", "service": "azure_openai", "region": "swedencentral", "routing_mode": "DataZoneStandard"},
		{"name": "aoai2", "service": "azure_openai", "region": "westeurope", "routing_mode": "Standard"},
		bedrock("anthropic.claude-3-5-sonnet-20240620-v1:0"),
		{"name": "gemini", "service": "vertex_ai", "region": "europe-west4", "endpoint": "https://europe-west4-aiplatform.googleapis.com/v1/projects/p/locations/europe-west4/publishers/google/models/gemini-2.5-pro"},
	]})
}

test_res_006_pass_eu_geo_profile if {
	count(deny) == 0 with input as system({"ai_providers": [bedrock("eu.anthropic.claude-sonnet-4-20250514-v1:0")]})
}

test_res_006_pass_eu_geo_profile_arn if {
	count(deny) == 0 with input as system({"ai_providers": [bedrock("arn:aws:bedrock:eu-central-1:123456789012:inference-profile/eu.anthropic.claude-sonnet-4-20250514-v1:0")]})
}

test_res_006_fail_azure_global_standard if {
	r := deny with input as system({"ai_providers": [{"name": "aoai", "service": "azure_openai", "region": "swedencentral", "routing_mode": "GlobalStandard"}]})
	count(r) == 1
	some f in r
	f.msg == "AI provider aoai: routing_mode GlobalStandard is a global deployment that can process requests in any region"
	f._loc == {"file": "cxgov.yaml", "line": 50}
}

test_res_006_fail_azure_global_mode_not_in_list if {
	r := deny with input as system({"ai_providers": [{"name": "aoai", "service": "azure_openai", "region": "swedencentral", "routing_mode": "GlobalDeveloper"}]})
	count(r) == 1
}

test_res_006_fail_bedrock_global_profile if {
	r := deny with input as system({"ai_providers": [bedrock("global.anthropic.claude-sonnet-4-5-20250929-v1:0")]})
	count(r) == 1
	some f in r
	contains(f.msg, "model_id global.anthropic.claude-sonnet-4-5-20250929-v1:0 is a global cross-region inference profile")
	f._loc == {"file": "cxgov.yaml", "line": 55}
}

test_res_006_fail_bedrock_global_profile_arn if {
	r := deny with input as system({"ai_providers": [bedrock("arn:aws:bedrock:eu-central-1:123456789012:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0")]})
	count(r) == 1
}

test_res_006_fail_vertex_global_region if {
	r := deny with input as system({"ai_providers": [{"name": "gemini", "service": "vertex_ai", "region": "global"}]})
	some f in r
	contains(f.msg, "region global is a global endpoint")
}

test_res_006_fail_vertex_global_endpoint if {
	r := deny with input as system({"ai_providers": [{"name": "gemini", "service": "vertex_ai", "region": "europe-west4", "endpoint": "https://aiplatform.googleapis.com/v1/projects/p/locations/global/publishers/google/models/gemini-2.5-flash"}]})
	count(r) == 1
	some f in r
	contains(f.msg, "endpoint https://aiplatform.googleapis.com/")
}

test_res_006_fail_apac_profile_leaves_allowed_countries if {
	r := deny with input as system({"ai_providers": [bedrock("apac.anthropic.claude-3-5-sonnet-20241022-v2:0")]})
	some f in r
	contains(f.msg, "routes to ap-south-1 (IN): IN has no adequacy decision")
}

test_res_006_fail_us_profile_without_dpf if {
	r := deny with input as system({"ai_providers": [bedrock("us.anthropic.claude-3-5-sonnet-20241022-v2:0")]})
	some f in r
	contains(f.msg, "routes to us-east-1 (US): claude is not DPF certified")
}

test_res_006_pass_us_profile_with_dpf if {
	p := object.union(bedrock("us.anthropic.claude-3-5-sonnet-20241022-v2:0"), {"dpf_certified": true, "dpf_scope": ["non-HR"], "dpf_checked_at": "2026-11-15"})
	count(deny) == 0 with input as system({"ai_providers": [p]})
}

test_res_006_fail_eu_profile_under_eea_only_still_passes if {
	# the EU profile's destinations are all EU member states: allowed even under eea_only
	inp := system({"ai_providers": [bedrock("eu.anthropic.claude-sonnet-4-20250514-v1:0")]})
	count(deny) == 0 with input as inp with data.cxgov.config.residency_profile as "eea_only"
	r := deny with input as object.union(inp, {"descriptor": {"ai_providers": [bedrock("us.anthropic.claude")]}}) with data.cxgov.config.residency_profile as "eea_only"
	some f in r
	contains(f.msg, "eea_only")
}

iac_plan(type, values) := fixtures.plan([[type, "x", values]])

manifest(env) := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "assist"}, "spec": {"template": {"spec": {"containers": [{"name": "app", "image": "a@sha256:1", "env": env}]}}}}

test_res_006_pass_terraform_regional_deployment if {
	count(deny) == 0 with input as iac_plan("azurerm_cognitive_deployment", {"sku": [{"name": "DataZoneStandard"}]})
}

test_res_006_fail_terraform_global_standard_deployment if {
	r := deny with input as iac_plan("azurerm_cognitive_deployment", {"sku": [{"name": "GlobalStandard", "capacity": 10}]})
	some f in r
	f.msg == "azurerm_cognitive_deployment.x: deployment type GlobalStandard routes prompts to any Azure region"
}

test_res_006_fail_terraform_global_bedrock_profile if {
	count(deny) == 1 with input as iac_plan("aws_bedrockagent_agent", {"foundation_model": "global.anthropic.claude-sonnet-4-5-20250929-v1:0"})
}

test_res_006_pass_manifest_eu_profile if {
	count(deny) == 0 with input as manifest([{"name": "BEDROCK_MODEL_ID", "value": "eu.anthropic.claude-sonnet-4-5-20250929-v1:0"}, {"name": "VERTEX_LOCATION", "value": "europe-west4"}])
}

test_res_006_fail_manifest_global_profile_and_vertex_location if {
	r := deny with input as manifest([{"name": "BEDROCK_MODEL_ID", "value": "global.anthropic.claude-sonnet-4-5-20250929-v1:0"}, {"name": "VERTEX_LOCATION", "value": "global"}])
	count(r) == 2
	some f in r
	f.msg == "Deployment/assist container app: BEDROCK_MODEL_ID=global.anthropic.claude-sonnet-4-5-20250929-v1:0 is a global inference profile (any commercial region)"
}

test_res_006_fail_terraform_change_without_actions if {
	# a change that does not list its actions is not a deletion: the resource is judged
	plan := {"format_version": "1.2", "resource_changes": [{"address": "aws_bedrockagent_agent.x", "type": "aws_bedrockagent_agent", "name": "x", "mode": "managed", "change": {"after": {"foundation_model": "global.anthropic.claude-sonnet-4-5-20250929-v1:0"}}}]}
	count(deny) == 1 with input as plan
}

test_res_006_fail_terraform_findings_point_at_the_attribute if {
	r := deny with input as iac_plan("azurerm_cognitive_deployment", {"sku": [{"name": "Standard"}], "scale": [{"type": "GlobalBatch"}]})
	{[f.resource, f._path] | some f in r} == {["azurerm_cognitive_deployment.x", "resource_changes.0.change.after.scale.0.type"]}
	m := deny with input as iac_plan("aws_bedrockagent_agent", {"foundation_model": "global.anthropic.claude-sonnet-4-5-20250929-v1:0"})
	{[f.resource, f._path] | some f in m} == {["aws_bedrockagent_agent.x", "resource_changes.0.change.after.foundation_model"]}
}

test_res_006_fail_manifest_findings_name_the_container_and_point_at_the_value if {
	r := deny with input as manifest([{"name": "LOG_LEVEL", "value": "info"}, {"name": "BEDROCK_MODEL_ID", "value": "global.anthropic.claude-sonnet-4-5-20250929-v1:0"}, {"name": "VERTEX_LOCATION", "value": "global"}])
	{[f.resource, f._path] | some f in r} == {
		["container app", "spec.template.spec.containers.0.env.1.value"],
		["container app", "spec.template.spec.containers.0.env.2.value"],
	}
}
