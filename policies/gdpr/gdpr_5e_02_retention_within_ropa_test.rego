package cxgov.gdpr.gdpr_5e_02

import rego.v1

import data.cxgov.lib.fixtures.system

ropa := [{"id": "support", "recipients": ["openai"], "transfers": [], "erasure_limit_days": 90}]

test_gdpr_5e_02_pass_within_limit if {
	d := {"ropa": ropa, "data_stores": [{"name": "t", "retention_days": 90, "ropa_ref": "support"}], "log_sinks": [{"name": "m", "data_kinds": ["metrics"]}]}
	count(deny) == 0 with input as system(d)
}

test_gdpr_5e_02_pass_non_personal_store if {
	count(deny) == 0 with input as system({"data_stores": [{"name": "cache", "contains_personal_data": false, "retention_days": 9999}]})
}

test_gdpr_5e_02_fail_exceeds_limit if {
	r := deny with input as system({"ropa": ropa, "data_stores": [{"name": "t", "retention_days": 365, "ropa_ref": "support"}]})
	count(r) == 1
	some f in r
	f.msg == "data store t: retention 365 days exceeds the erasure limit of 90 days in RoPA entry support"
}

test_gdpr_5e_02_fail_forever_exceeds_limit if {
	r := deny with input as system({"ropa": ropa, "log_sinks": [{"name": "chat", "data_kinds": ["transcript"], "retention_days": 0, "ropa_ref": "support"}]})
	some f in r
	contains(f.msg, "log sink chat: no retention period (kept forever)")
}

test_gdpr_5e_02_fail_no_ropa_ref if {
	r := deny with input as system({"ropa": ropa, "data_stores": [{"name": "t", "retention_days": 30}]})
	some f in r
	contains(f.msg, "data store t: no ropa_ref")
}

test_gdpr_5e_02_fail_dangling_ropa_ref if {
	r := deny with input as system({"ropa": ropa, "data_stores": [{"name": "t", "retention_days": 30, "ropa_ref": "sales"}]})
	some f in r
	f.msg == "data store t: ropa_ref sales names no entry of ropa[]"
}

test_gdpr_5e_02_fail_entry_without_limit if {
	r := deny with input as system({"ropa": [{"id": "support"}], "data_stores": [{"name": "t", "retention_days": 30, "ropa_ref": "support"}]})
	some f in r
	f.msg == "data store t: RoPA entry support sets no erasure_limit_days"
}
