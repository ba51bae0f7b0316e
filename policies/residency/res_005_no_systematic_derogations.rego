# METADATA
# title: Art 49 derogations are not used for systematic transfers
# description: >-
#   An AI provider or vendor whose transfer_mechanism is art49 relies on a derogation meant for
#   occasional, non-repetitive transfers (EDPB Guidelines 2/2018). Always raised: a warning when
#   the recipient declares continuous: false, a deny when the traffic is continuous or its
#   continuity is not declared (fail closed). Under profile mechanisms_allowed, the places such a
#   recipient covers are reported here rather than by RES-004.
# custom:
#   id: RES-005
#   severity: high
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     gdpr: [Art.49]
#   remediation: >-
#     Replace the derogation with an Art 46 safeguard (SCCs or BCRs with a TIA) or keep the data in
#     the EEA; keep art49 only for genuinely occasional transfers and record continuous: false.
package cxgov.residency.res_005

import rego.v1

import data.cxgov.lib.residency
import data.cxgov.lib.result
import data.cxgov.lib.subject

d := subject.descriptor

art49 contains {"path": sprintf("%s.%d", [sec, i]), "resource": residency.resource_label(sec, x), "recipient": x} if {
	some sec in {"ai_providers", "vendors"}
	some i, x in d[sec]
	x.transfer_mechanism == "art49"
}

deny contains result.at(msg, a.resource, subject.field_loc(a.path, "transfer_mechanism")) if {
	some a in art49
	a.recipient.continuous == true
	msg := sprintf("%s: relies on an Art 49 derogation for continuous transfers; derogations cover only occasional, non-repetitive ones", [a.resource])
}

deny contains result.at(msg, a.resource, subject.field_loc(a.path, "transfer_mechanism")) if {
	some a in art49
	not is_boolean(object.get(a, ["recipient", "continuous"], null))
	msg := sprintf("%s: relies on an Art 49 derogation and does not declare whether the transfers are continuous (continuous)", [a.resource])
}

warn contains result.at(msg, a.resource, subject.field_loc(a.path, "transfer_mechanism")) if {
	some a in art49
	a.recipient.continuous == false
	msg := sprintf("%s: relies on an Art 49 derogation; it covers only occasional, non-repetitive transfers, never systematic ones", [a.resource])
}
