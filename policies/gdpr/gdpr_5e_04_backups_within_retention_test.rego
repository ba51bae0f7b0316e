package cxgov.gdpr.gdpr_5e_04

import rego.v1

import data.cxgov.lib.fixtures.system

test_gdpr_5e_04_pass_within_grace if {
	count(warn) == 0 with input as system({"data_stores": [{"name": "crm", "retention_days": 30, "backup": {"enabled": true, "retention_days": 65}}]})
}

test_gdpr_5e_04_pass_no_backup if {
	count(warn) == 0 with input as system({"data_stores": [{"name": "cache", "retention_days": 1}]})
}

test_gdpr_5e_04_fail_backup_outlives_store if {
	r := warn with input as system({"data_stores": [{"name": "crm", "retention_days": 30, "backup": {"enabled": true, "retention_days": 66}}]})
	count(r) == 1
	some f in r
	f.msg == "data store crm: backups kept 66 days, more than the retention of 30 days plus 35 days (thresholds.backup_grace_days)"
}

test_gdpr_5e_04_fail_line_points_at_backup_retention if {
	inp := {"evaluation_date": "2026-11-22", "descriptor": {"data_stores": [{"name": "crm", "retention_days": 30, "backup": {"retention_days": 365}}]}, "descriptor_file": "cxgov.yaml", "lines": {"data_stores.0": 3, "data_stores.0.backup.retention_days": 9}, "evidence": {}, "documents": []}
	r := warn with input as inp
	some f in r
	f._loc.line == 9
}
