# METADATA
# title: The privacy notice covers AI processing and its recipients
# description: >-
#   Evidence check (EVID): the privacy notice that tells customers about the AI processing and
#   its recipients (LLM vendors, log processors) exists, is intact and was approved within
#   thresholds.evidence_max_days. Whether its content is complete needs a person.
# custom:
#   id: SOC2-P-01
#   severity: medium
#   gate: warn
#   applies_to: [system]
#   frameworks:
#     soc2: [P1.1, P6.1]
#     gdpr: [Art.13]
#   remediation: >-
#     Update the privacy notice to describe the AI assistant, what it processes, the LLM and
#     logging vendors that receive the data and any third-country transfers; reference it as
#     evidence.privacy_notice_ref with its sha256, approver and approval date.
package cxgov.soc2.soc2_p_01

import rego.v1

import data.cxgov.lib.evidence
import data.cxgov.lib.result
import data.cxgov.lib.subject

max_days := data.cxgov.config.thresholds.evidence_max_days

d := subject.descriptor

warn contains result.at(msg, "privacy notice", subject.loc("evidence.privacy_notice_ref")) if {
	is_object(d)
	ref := object.get(object.get(d, "evidence", {}), "privacy_notice_ref", null)
	problem := evidence.problem(ref, max_days)
	msg := concat("", ["evidence.privacy_notice_ref: ", problem])
}
