# METADATA
# title: Vendors' risk is managed
# description: >-
#   Every processor the system relies on (vendors and AI providers) has a data processing
#   agreement, and every vendor has a current SOC 2 (or equivalent) report, no older than
#   thresholds.vendor_report_max_days unless a bridge letter covers the gap, and a review within
#   thresholds.vendor_review_max_days. The control is advisory (gate warn).
# custom:
#   id: SOC2-CC9.2-01
#   severity: medium
#   gate: warn
#   applies_to: [system]
#   frameworks:
#     soc2: [CC9.2]
#     gdpr: [Art.28]
#   remediation: >-
#     Sign a DPA with each processor and reference it (dpa_ref); collect each vendor's latest SOC 2
#     Type II report (soc2_period_end) or a bridge letter (bridge_letter: true) for the gap, and
#     review the vendor at least yearly (last_review).
package cxgov.soc2.soc2_cc9_2_01

import rego.v1

import data.cxgov.lib.dates
import data.cxgov.lib.result
import data.cxgov.lib.subject

th := data.cxgov.config.thresholds

d := subject.descriptor

# [path, label, entry] of every party that needs a DPA (controllers do not)
processors contains [concat("", ["vendors.", format_int(i, 10)]), concat("", ["vendor ", v.name]), v] if {
	some i, v in object.get(d, "vendors", [])
}

processors contains [concat("", ["ai_providers.", format_int(i, 10)]), concat("", ["AI provider ", p.name]), p] if {
	some i, p in object.get(d, "ai_providers", [])
}

warn contains result.at(msg, p[1], subject.loc(concat(".", [p[0], "dpa_ref"]))) if {
	some p in processors
	party := p[2]
	not party.role == "controller"
	not is_object(object.get(party, "dpa_ref", null))
	msg := concat("", [p[1], ": no data processing agreement (dpa_ref)"])
}

warn contains result.at(msg, res, subject.loc(path)) if {
	some i, v in object.get(d, "vendors", [])
	not reported(v)
	res := concat("", ["vendor ", v.name])
	path := concat("", ["vendors.", format_int(i, 10), ".soc2_period_end"])
	msg := concat("", [res, ": no assurance report on record (soc2_period_end)"])
}

warn contains result.at(msg, res, subject.loc(path)) if {
	some i, v in object.get(d, "vendors", [])
	age := dates.age_days(v.soc2_period_end)
	age > th.vendor_report_max_days
	not v.bridge_letter == true
	res := concat("", ["vendor ", v.name])
	path := concat("", ["vendors.", format_int(i, 10), ".soc2_period_end"])
	msg := concat("", [res, ": SOC 2 report period ended ", v.soc2_period_end, " (", sprintf("%v", [age]), " days ago, more than ", sprintf("%d", [th.vendor_report_max_days]), ") and no bridge letter"])
}

warn contains result.at(msg, res, subject.loc(path)) if {
	some i, v in object.get(d, "vendors", [])
	not reviewed(v)
	res := concat("", ["vendor ", v.name])
	path := concat("", ["vendors.", format_int(i, 10), ".last_review"])
	msg := concat("", [res, ": never reviewed (no last_review)"])
}

warn contains result.at(msg, res, subject.loc(path)) if {
	some i, v in object.get(d, "vendors", [])
	age := dates.age_days(v.last_review)
	age > th.vendor_review_max_days
	res := concat("", ["vendor ", v.name])
	path := concat("", ["vendors.", format_int(i, 10), ".last_review"])
	msg := concat("", [res, ": last reviewed ", v.last_review, " (", sprintf("%v", [age]), " days ago, more than ", sprintf("%d", [th.vendor_review_max_days]), ")"])
}

# a dated SOC 2 report / review on record (each undefined as a whole when its date is missing)
reported(v) if dates.age_days(v.soc2_period_end)

reviewed(v) if dates.age_days(v.last_review)
