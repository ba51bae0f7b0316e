# METADATA
# title: Security is tested regularly
# description: >-
#   GDPR Art 32(1)(d) asks for a process to regularly test and evaluate the security measures. cxgov
#   cannot judge a penetration test; it checks the evidence (EVID): evidence.pentest_ref exists as a
#   local file, matches its recorded sha256, names an approver, and was approved within
#   thresholds.evidence_max_days (365).
# custom:
#   id: GDPR-32-05
#   severity: medium
#   gate: warn
#   applies_to: [system]
#   frameworks:
#     gdpr: [Art.32(1)(d)]
#   remediation: >-
#     Run a penetration test (including the AI-specific surface: prompt injection, data exfiltration
#     through the model) at least yearly, store the report beside the descriptor, and reference it as
#     evidence.pentest_ref with its sha256, approved_by and approved_at.
package cxgov.gdpr.gdpr_32_05

import rego.v1

import data.cxgov.lib.evidence
import data.cxgov.lib.result
import data.cxgov.lib.subject

max_days := data.cxgov.config.thresholds.evidence_max_days

ref := object.get(object.get(subject.descriptor, "evidence", {}), "pentest_ref", null)

warn contains result.at(msg, "evidence.pentest_ref", subject.field_loc("evidence", "pentest_ref")) if {
	is_object(input.descriptor)
	why := evidence.problem(ref, max_days)
	msg := concat("", ["security test evidence (evidence.pentest_ref): ", why])
}
