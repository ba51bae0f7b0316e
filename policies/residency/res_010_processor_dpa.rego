# METADATA
# title: Each processor has a data processing agreement and a reviewed sub-processor list
# description: >-
#   GDPR Art 28(3)-(4) requires a contract with every processor and control over its
#   sub-processors. Every vendor and AI provider (AI providers are processors) whose role is not
#   controller needs an intact, approved DPA (EVID dpa_ref; CONTROLS sets no age, so
#   ref.residency_transfers.dpa_max_days) and a sub-processor list reviewed within
#   thresholds.vendor_review_max_days (EVID subprocessor_ref, 365 days by default).
# custom:
#   id: RES-010
#   severity: high
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     gdpr: [Art.28(3), Art.28(4)]
#   remediation: >-
#     Store the signed DPA and the vendor's current sub-processor list with the evidence, record
#     their sha256, approver and approval date in dpa_ref and subprocessor_ref, and review the
#     sub-processor list at least yearly.
package cxgov.residency.res_010

import rego.v1

import data.cxgov.lib.evidence
import data.cxgov.lib.residency
import data.cxgov.lib.result
import data.cxgov.lib.subject

d := subject.descriptor

processors contains {"path": sprintf("%s.%d", [sec, i]), "resource": residency.resource_label(sec, x), "processor": x} if {
	some sec in {"ai_providers", "vendors"}
	some i, x in d[sec]
	not x.role == "controller"
}

deny contains result.at(msg, p.resource, subject.field_loc(p.path, "dpa_ref")) if {
	some p in processors
	pr := evidence.problem(object.get(p.processor, "dpa_ref", null), data.cxgov.ref.residency_transfers.dpa_max_days)
	msg := sprintf("%s: data processing agreement (dpa_ref) is %s", [p.resource, pr])
}

deny contains result.at(msg, p.resource, subject.field_loc(p.path, "subprocessor_ref")) if {
	some p in processors
	pr := evidence.problem(object.get(p.processor, "subprocessor_ref", null), data.cxgov.config.thresholds.vendor_review_max_days)
	msg := sprintf("%s: sub-processor list (subprocessor_ref) is %s", [p.resource, pr])
}
