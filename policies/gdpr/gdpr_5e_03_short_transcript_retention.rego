# METADATA
# title: Conversation transcripts are kept only for a short period
# description: >-
#   GDPR Art 5(1)(e) sets no number, so cxgov uses an organisational default
#   (config thresholds.transcript_max_days, 90) and asks for a documented justification beyond it
#   (EVID: the reference exists, matches its hash, is approved, and the approval is within
#   thresholds.evidence_max_days). Covers data stores with data_kind transcript and log sinks whose
#   data_kinds include transcript.
# custom:
#   id: GDPR-5E-03
#   severity: medium
#   gate: warn
#   applies_to: [system]
#   frameworks:
#     gdpr: [Art.5(1)(e)]
#   remediation: >-
#     Shorten the retention of transcripts to at most thresholds.transcript_max_days, or record why the
#     longer period is necessary (sector law, dispute handling) in an approved document and reference it
#     as the store's justification_ref.
package cxgov.gdpr.gdpr_5e_03

import rego.v1

import data.cxgov.lib.evidence
import data.cxgov.lib.messages
import data.cxgov.lib.personal_data
import data.cxgov.lib.result
import data.cxgov.lib.subject

d := subject.descriptor

thresholds := data.cxgov.config.thresholds

max_days := thresholds.transcript_max_days

transcripts contains {"path": sprintf("data_stores.%d", [i]), "what": concat(" ", ["data store", s.name]), "item": s} if {
	some i, s in d.data_stores
	s.data_kind == "transcript"
}

transcripts contains {"path": sprintf("log_sinks.%d", [i]), "what": concat(" ", ["log sink", s.name]), "item": s} if {
	some i, s in d.log_sinks
	"transcript" in object.get(s, "data_kinds", [])
}

# retention beyond the maximum, in words; undefined when within it
too_long(x) := concat("", ["retention ", messages.num(x.retention_days), " days exceeds ", messages.num(max_days)]) if {
	is_number(x.retention_days)
	x.retention_days > max_days
}

too_long(x) := concat("", ["no retention period (kept forever) exceeds ", messages.num(max_days)]) if {
	not personal_data.finite_retention(x)
}

justification(x) := "no justification_ref" if not is_object(object.get(x, "justification_ref", null))

justification(x) := concat("", ["justification_ref ", evidence.problem(x.justification_ref, thresholds.evidence_max_days)]) if {
	is_object(x.justification_ref)
	evidence.problem(x.justification_ref, thresholds.evidence_max_days)
}

warn contains result.at(msg, t.what, subject.field_loc(t.path, "retention_days")) if {
	is_object(input.descriptor)
	some t in transcripts
	long := too_long(t.item)
	why := justification(t.item)
	msg := concat("", [t.what, ": transcript ", long, " days (thresholds.transcript_max_days) and there is ", why])
}
