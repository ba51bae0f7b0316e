package cxgov.gdpr.gdpr_30_01

import rego.v1

import data.cxgov.lib.fixtures.system

ropa := [
	{"id": "support", "purpose": "customer support", "recipients": ["OpenAI Ireland Ltd", "Datadog Inc."], "transfers": ["US"]},
	{"id": "analytics", "purpose": "service analytics", "recipients": [], "transfers": []},
]

good := {
	"ropa": ropa,
	"services": [{"name": "api", "region": "eu-central-1", "ropa_ref": "support"}],
	"data_stores": [{"name": "t", "provider": "aws", "region": "eu-central-1", "replica_regions": ["us-east-1"], "ropa_ref": "support"}, {"name": "cache", "contains_personal_data": false}],
	"log_sinks": [{"name": "dd", "vendor": "datadog", "endpoint": "https://http-intake.logs.datadoghq.com", "data_kinds": ["ai_event"], "ropa_ref": "support"}],
	"ai_providers": [{"name": "llm", "vendor": "openai", "service": "azure_openai", "region": "swedencentral"}],
	"vendors": [{"name": "bpo", "country": "NO"}],
}

test_gdpr_30_01_pass_complete_ropa if {
	count(deny) == 0 with input as system(good)
	count(warn) == 0 with input as system(good)
}

test_gdpr_30_01_fail_missing_ropa_ref if {
	r := deny with input as system({"ropa": ropa, "services": [{"name": "api"}]})
	count(r) == 1
	some f in r
	f.msg == "service api: no ropa_ref (no record of processing names the purpose it serves)"
}

test_gdpr_30_01_fail_dangling_ropa_ref if {
	r := deny with input as system({"ropa": ropa, "log_sinks": [{"name": "chat", "data_kinds": ["transcript"], "ropa_ref": "sales"}]})
	some f in r
	f.msg == "log sink chat: ropa_ref sales names no entry of ropa[]"
}

test_gdpr_30_01_fail_llm_vendor_not_a_recipient if {
	r := warn with input as system({"ropa": ropa, "ai_providers": [{"name": "claude", "vendor": "anthropic"}]})
	count(r) == 1
	some f in r
	f.msg == "AI provider claude: LLM vendor anthropic is not among the recipients of any RoPA entry"
}

test_gdpr_30_01_fail_log_vendor_not_a_recipient if {
	r := warn with input as system({"ropa": ropa, "log_sinks": [{"name": "sentry", "vendor": "sentry", "data_kinds": ["pii"], "ropa_ref": "analytics"}]})
	some f in r
	f.msg == "log sink sentry: log vendor sentry is not among the recipients of RoPA entry analytics"
}

test_gdpr_30_01_fail_third_country_not_a_transfer if {
	r := warn with input as system({"ropa": ropa, "data_stores": [{"name": "t", "provider": "aws", "region": "eu-west-1", "backup": {"regions": ["us-east-1"]}, "ropa_ref": "analytics"}]})
	count(r) == 1
	some f in r
	f.msg == "data store t: region us-east-1 is in US, a third country not among the transfers of RoPA entry analytics"
}

test_gdpr_30_01_fail_saas_endpoint_third_country if {
	r := warn with input as system({"ropa": ropa, "log_sinks": [{"name": "dd", "vendor": "datadog", "endpoint": "https://app.datadoghq.com", "ropa_ref": "analytics"}]})
	some f in r
	contains(f.msg, "endpoint https://app.datadoghq.com is in US")
}

test_gdpr_30_01_fail_support_access_not_a_transfer if {
	r := warn with input as system({"ropa": ropa, "ai_providers": [{"name": "llm", "vendor": "openai", "support_access_countries": ["in"]}]})
	some f in r
	f.msg == "AI provider llm: support access is in IN, a third country not among the transfers of any RoPA entry"
}

test_gdpr_30_01_fail_vendor_country_not_a_transfer if {
	r := warn with input as system({"ropa": ropa, "vendors": [{"name": "bpo", "country": "PH"}]})
	some f in r
	f.msg == "vendor bpo: country is in PH, a third country not among the transfers of any RoPA entry"
}

test_gdpr_30_01_fail_provider_without_vendor_uses_its_name if {
	r := warn with input as system({"ropa": ropa, "ai_providers": [{"name": "mistral", "service": "azure_openai", "region": "swedencentral"}]})
	some f in r
	f.msg == "AI provider mistral: LLM vendor mistral is not among the recipients of any RoPA entry"
}

test_gdpr_30_01_fail_provider_without_service_region_not_a_transfer if {
	r := warn with input as system({"ropa": [{"id": "support", "recipients": ["openai"], "transfers": []}], "ai_providers": [{"name": "llm", "vendor": "openai", "region": "us-east-1"}]})
	some f in r
	f.msg == "AI provider llm: region us-east-1 is in US, a third country not among the transfers of any RoPA entry"
}

test_gdpr_30_01_fail_transfer_points_at_the_region if {
	d := {"ropa": [{"id": "support", "recipients": ["openai"], "transfers": []}], "ai_providers": [{"name": "llm", "vendor": "openai", "service": "azure_openai", "region": "swedencentral", "destination_regions": ["swedencentral", "eastus"]}]}
	lines := {"ai_providers.0": 20, "ai_providers.0.region": 22, "ai_providers.0.destination_regions": 23, "ai_providers.0.destination_regions.0": 24, "ai_providers.0.destination_regions.1": 25}
	r := warn with input as object.union(system(d), {"lines": lines})
	count(r) == 1
	some f in r
	contains(f.msg, "region eastus is in US")
	f._loc.line == 25
}
