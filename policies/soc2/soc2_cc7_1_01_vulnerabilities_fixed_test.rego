package cxgov.soc2.soc2_cc7_1_01

import rego.v1

import data.cxgov.lib.fixtures.system

test_soc2_cc7_1_01_pass_fresh_scan if {
	count(deny) == 0 with input as system({"vuln_scan": {"last_scan": "2026-11-20", "findings": [
		{"id": "CVE-2026-1", "severity": "critical", "opened": "2026-11-10"},
		{"id": "CVE-2026-2", "severity": "high", "opened": "2026-10-30"},
		{"id": "CVE-2026-3", "severity": "critical", "opened": "2026-01-01", "fixed": "2026-01-10"},
		{"id": "CVE-2026-4", "severity": "medium", "opened": "2025-01-01"},
	]}})
}

test_soc2_cc7_1_01_fail_no_scan if {
	r := deny with input as system({"metadata": {"name": "bot"}})
	count(r) == 1
}

test_soc2_cc7_1_01_fail_stale_scan if {
	r := deny with input as system({"vuln_scan": {"last_scan": "2026-11-01"}})
	r == {{"msg": "vuln_scan: last scan 2026-11-01 is 21 days old (at most 7)", "resource": "vuln_scan", "_loc": {"file": "cxgov.yaml", "line": 1}}}
}

test_soc2_cc7_1_01_fail_critical_open_too_long if {
	r := deny with input as system({"vuln_scan": {"last_scan": "2026-11-21", "findings": [{"id": "CVE-2026-9", "severity": "critical", "opened": "2026-11-01"}]}})
	some f in r
	f.msg == "vulnerability CVE-2026-9: critical finding open for 21 days since 2026-11-01 (fix within 15)"
}

test_soc2_cc7_1_01_fail_high_open_too_long if {
	count(deny) == 1 with input as system({"vuln_scan": {"last_scan": "2026-11-21", "findings": [{"id": "CVE-2026-8", "severity": "high", "opened": "2026-10-01"}]}})
}

test_soc2_cc7_1_01_fail_fix_date_in_future if {
	count(deny) == 1 with input as system({"vuln_scan": {"last_scan": "2026-11-21", "findings": [{"id": "CVE-2026-7", "severity": "critical", "opened": "2026-10-01", "fixed": "2026-12-01"}]}})
}
