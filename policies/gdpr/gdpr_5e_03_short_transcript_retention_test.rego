package cxgov.gdpr.gdpr_5e_03

import rego.v1

import data.cxgov.lib.fixtures.system_with_evidence as system

just := {"uri": "evidence/transcripts.md", "sha256": "aa", "approved_by": "dpo@example.com", "approved_at": "2026-06-01"}

good_facts := {"evidence/transcripts.md": {"exists": true, "local": true, "sha256": "aa", "hash_matches": true, "approved": true, "age_days": 174}}

test_gdpr_5e_03_pass_short_retention if {
	d := {"data_stores": [{"name": "t", "data_kind": "transcript", "retention_days": 90}], "log_sinks": [{"name": "chat", "data_kinds": ["transcript"], "retention_days": 30}]}
	count(warn) == 0 with input as system(d, {})
}

test_gdpr_5e_03_pass_other_kinds if {
	count(warn) == 0 with input as system({"data_stores": [{"name": "crm", "data_kind": "customer_record", "retention_days": 3650}]}, {})
}

test_gdpr_5e_03_pass_justified if {
	d := {"data_stores": [{"name": "t", "data_kind": "transcript", "retention_days": 365, "justification_ref": just}]}
	count(warn) == 0 with input as system(d, good_facts)
}

test_gdpr_5e_03_fail_too_long if {
	r := warn with input as system({"data_stores": [{"name": "t", "data_kind": "transcript", "retention_days": 365}]}, {})
	count(r) == 1
	some f in r
	f.msg == "data store t: transcript retention 365 days exceeds 90 days (thresholds.transcript_max_days) and there is no justification_ref"
}

test_gdpr_5e_03_fail_forever_sink if {
	r := warn with input as system({"log_sinks": [{"name": "chat", "data_kinds": ["transcript", "ai_event"]}]}, {})
	some f in r
	contains(f.msg, "log sink chat: transcript no retention period (kept forever)")
}

test_gdpr_5e_03_fail_stale_justification if {
	old := {"evidence/transcripts.md": {"exists": true, "local": true, "sha256": "aa", "hash_matches": true, "approved": true, "age_days": 400}}
	r := warn with input as system({"data_stores": [{"name": "t", "data_kind": "transcript", "retention_days": 365, "justification_ref": just}]}, old)
	some f in r
	contains(f.msg, "justification_ref evidence/transcripts.md was approved 400 days ago (at most 365)")
}

# the shape of product-analytics in examples/acme-cx/noncompliant: a log sink exporting transcripts,
# with a finite retention beyond the maximum and no justification_ref
test_gdpr_5e_03_fail_sink_too_long_without_justification if {
	sink := {
		"name": "product-analytics", "type": "analytics", "vendor": "Mixpanel, Inc.", "endpoint": "https://api.mixpanel.com",
		"data_kinds": ["transcript", "metrics"], "retention_days": 365, "redaction_enabled": false, "encryption_at_rest": true,
		"classification": "internal", "contains_personal_data": true, "ropa_ref": "RP-CX-03",
	}
	r := warn with input as system({"log_sinks": [sink]}, {})
	count(r) == 1
	some f in r
	f.msg == "log sink product-analytics: transcript retention 365 days exceeds 90 days (thresholds.transcript_max_days) and there is no justification_ref"
}
