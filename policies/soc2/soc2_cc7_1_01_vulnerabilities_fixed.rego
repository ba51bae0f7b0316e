# METADATA
# title: Vulnerabilities are detected and fixed in time
# description: >-
#   The system was scanned for vulnerabilities within thresholds.vuln_scan_max_age_days of the
#   evaluation date, and no critical (high) finding has been open longer than
#   thresholds.vuln_critical_max_days (vuln_high_max_days). No recorded scan fails.
# custom:
#   id: SOC2-CC7.1-01
#   severity: high
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     soc2: [CC7.1]
#   remediation: >-
#     Scan images and dependencies on every build and at least weekly, record the date in
#     vuln_scan.last_scan with the open findings, and fix (or upgrade past) critical findings
#     within 15 days and high findings within 30 days; record the fix date in findings[].fixed.
package cxgov.soc2.soc2_cc7_1_01

import rego.v1

import data.cxgov.lib.dates
import data.cxgov.lib.result
import data.cxgov.lib.subject

th := data.cxgov.config.thresholds

d := subject.descriptor

scan := object.get(d, "vuln_scan", {})

max_open_days := {"critical": th.vuln_critical_max_days, "high": th.vuln_high_max_days}

deny contains result.at("vuln_scan: no last_scan recorded (the system has no vulnerability scan on record)", "vuln_scan", subject.loc("vuln_scan.last_scan")) if {
	is_object(d)
	not scanned
}

# a scan with a date on record (undefined as a whole when vuln_scan.last_scan is missing)
scanned if dates.age_days(scan.last_scan)

deny contains result.at(msg, "vuln_scan", subject.loc("vuln_scan.last_scan")) if {
	age := dates.age_days(scan.last_scan)
	age > th.vuln_scan_max_age_days
	msg := concat("", ["vuln_scan: last scan ", scan.last_scan, " is ", sprintf("%v", [age]), " days old (at most ", sprintf("%d", [th.vuln_scan_max_age_days]), ")"])
}

deny contains result.at(msg, res, subject.loc(sprintf("vuln_scan.findings.%d", [i]))) if {
	some i, f in object.get(scan, "findings", [])
	limit := max_open_days[f.severity]
	not fixed(f)
	age := dates.age_days(f.opened)
	age > limit
	res := concat("", ["vulnerability ", f.id])
	msg := concat("", [res, ": ", f.severity, " finding open for ", sprintf("%v", [age]), " days since ", f.opened, " (fix within ", sprintf("%d", [limit]), ")"])
}

fixed(f) if {
	is_string(f.fixed)
	dates.days_between(f.fixed, input.evaluation_date) >= 0
}
