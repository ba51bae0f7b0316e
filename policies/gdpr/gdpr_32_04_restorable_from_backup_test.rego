package cxgov.gdpr.gdpr_32_04

import rego.v1

import data.cxgov.lib.fixtures.system

test_gdpr_32_04_pass_backed_up if {
	d := {"data_stores": [{"name": "crm", "system_of_record": true, "backup": {"enabled": true}}, {"name": "cache", "system_of_record": false}]}
	count(deny) == 0 with input as system(d)
}

test_gdpr_32_04_fail_system_of_record_without_backup if {
	r := deny with input as system({"data_stores": [{"name": "crm", "system_of_record": true, "backup": {"enabled": false}}]})
	count(r) == 1
	some f in r
	f.msg == "data store crm: a system of record has no backup (backup.enabled is not true)"
}

test_gdpr_32_04_fail_undeclared_without_backup if {
	r := deny with input as system({"data_stores": [{"name": "t"}]})
	some f in r
	contains(f.msg, "data store t: no backup, and system_of_record is not declared")
}
