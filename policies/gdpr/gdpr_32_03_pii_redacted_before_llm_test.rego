package cxgov.gdpr.gdpr_32_03

import rego.v1

import data.cxgov.lib.fixtures.system

good := {
	"pii_redaction": {"enabled": true},
	"ai_providers": [{"name": "llm"}],
	"log_sinks": [{"name": "chat", "data_kinds": ["transcript"], "redaction_enabled": true}, {"name": "metrics", "data_kinds": ["metrics"]}],
	"voice_biometrics": {"enabled": true, "consent_mode": "explicit_opt_in"},
}

test_gdpr_32_03_pass_redaction_on if {
	count(deny) == 0 with input as system(good)
	count(warn) == 0 with input as system(good)
}

test_gdpr_32_03_pass_provider_level_redaction if {
	count(warn) == 0 with input as system({"ai_providers": [{"name": "llm", "pii_redaction": true}]})
}

test_gdpr_32_03_fail_llm_without_redaction_warns if {
	d := {"ai_providers": [{"name": "llm"}]}
	count(deny) == 0 with input as system(d)
	r := warn with input as system(d)
	count(r) == 1
	some f in r
	f.msg == "AI provider llm: PII is not redacted before LLM calls (pii_redaction.enabled is not true)"
}

test_gdpr_32_03_fail_sink_without_redaction_warns if {
	r := warn with input as system({"log_sinks": [{"name": "app", "redaction_enabled": false}]})
	some f in r
	f.msg == "log sink app: personal data is logged without redaction (redaction_enabled is not true)"
}

test_gdpr_32_03_fail_special_category_denies if {
	d := {"ai_providers": [{"name": "llm"}], "data_stores": [{"name": "health", "special_category": true}]}
	count(warn) == 0 with input as system(d)
	r := deny with input as system(d)
	count(r) == 1
	some f in r
	contains(f.msg, "; special-category data is present (data store health holds special-category data)")
}

test_gdpr_32_03_fail_voice_biometrics_denies if {
	d := {"pii_redaction": {"enabled": false}, "ai_providers": [{"name": "llm"}], "voice_biometrics": {"enabled": true}}
	r := deny with input as system(d)
	some f in r
	contains(f.msg, "(voice biometrics are enabled)")
}

# fail closed: a sink that says it holds special-category data holds personal data, whatever its
# contains_personal_data says
test_gdpr_32_03_fail_special_category_sink_despite_contains_personal_data_false if {
	d := {"pii_redaction": {"enabled": true}, "log_sinks": [{"name": "voice-audit", "special_category": true, "contains_personal_data": false}]}
	r := warn with input as system(d)
	{f.msg | some f in r} == {"log sink voice-audit: personal data is logged without redaction (redaction_enabled is not true)"}
}
