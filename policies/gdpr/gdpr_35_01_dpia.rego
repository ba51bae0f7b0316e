# METADATA
# title: A DPIA is screened for, and done when required
# description: >-
#   GDPR Art 35: a data protection impact assessment is required where processing is likely to result
#   in a high risk. Every system needs an approved DPIA screening (EVID on evidence.dpia_screening_ref,
#   within thresholds.evidence_max_days). A DPIA (EVID on evidence.dpia_ref, same age) is then required
#   when the screening says so (evidence.dpia_required true), when Art 35(3) makes it mandatory
#   (special-category data: voice biometrics or a special_category store; automated decisions with
#   significant effects), when the system is high-risk under the AI Act (Art 26(9)), and, as a
#   heuristic, when an LLM provider serves customer channels and the screening has not concluded
#   otherwise (an AI chatbot is innovative technology used at scale: two of the EDPB WP248 criteria).
#   A screening that says no DPIA is needed for such a chatbot is accepted, with an advisory finding.
# custom:
#   id: GDPR-35-01
#   severity: high
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     gdpr: [Art.35]
#   remediation: >-
#     Screen the system against the EDPB criteria and your authority's DPIA list, store the approved
#     screening as evidence.dpia_screening_ref and record its outcome in evidence.dpia_required; when a
#     DPIA is required, carry it out with the DPO, and reference the approved report (reviewed at least
#     yearly) as evidence.dpia_ref.
package cxgov.gdpr.gdpr_35_01

import rego.v1

import data.cxgov.lib.evidence
import data.cxgov.lib.result
import data.cxgov.lib.subject

d := subject.descriptor

max_days := data.cxgov.config.thresholds.evidence_max_days

ev := object.get(d, "evidence", {})

screening := object.get(ev, "dpia_screening_ref", null)

dpia := object.get(ev, "dpia_ref", null)

deny contains result.at(msg, "evidence.dpia_screening_ref", subject.field_loc("evidence", "dpia_screening_ref")) if {
	is_object(input.descriptor)
	why := evidence.problem(screening, max_days)
	msg := concat("", ["DPIA screening (evidence.dpia_screening_ref): ", why])
}

# why a DPIA is required
mandatory contains "the screening concluded a DPIA is required (evidence.dpia_required)" if ev.dpia_required == true

mandatory contains "voice biometrics process special-category data (Art 35(3)(b))" if d.voice_biometrics.enabled == true

mandatory contains concat("", ["data store ", s.name, " holds special-category data (Art 35(3)(b))"]) if {
	some s in d.data_stores
	s.special_category == true
}

mandatory contains concat("", ["automated decision ", a.name, " has significant effects (Art 35(3)(a))"]) if {
	some a in d.system.automated_decisions
	a.significant_effect == true
}

mandatory contains "the system is high-risk under the AI Act (Art 26(9))" if subject.high_risk

chatbot if {
	count(object.get(d, "ai_providers", [])) > 0
	count(object.get(d, "channels", [])) > 0
}

chatbot_reason := "an LLM provider serves customer channels (innovative technology at scale)"

reasons := mandatory | {chatbot_reason | chatbot; not ev.dpia_required == false}

deny contains result.at(msg, "evidence.dpia_ref", subject.field_loc("evidence", "dpia_ref")) if {
	is_object(input.descriptor)
	count(reasons) > 0
	why := evidence.problem(dpia, max_days)
	msg := concat("", ["DPIA (evidence.dpia_ref): ", why, "; a DPIA is required because ", concat("; ", sort([r | some r in reasons]))])
}

warn contains result.at(msg, "evidence.dpia_required", subject.field_loc("evidence", "dpia_required")) if {
	is_object(input.descriptor)
	count(mandatory) == 0
	chatbot
	ev.dpia_required == false
	evidence.problem(dpia, max_days)
	msg := concat("", ["the DPIA screening concluded no DPIA is required, although ", chatbot_reason, ": check the screening against the EDPB criteria"])
}
