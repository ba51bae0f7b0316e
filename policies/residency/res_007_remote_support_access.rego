# METADATA
# title: Remote support access from a third country is a transfer
# description: >-
#   Access to personal data from another country is a transfer (EDPB Guidelines 05/2021). Each of
#   an AI provider's or vendor's support_access_countries (ISO country codes) goes through the
#   residency chain (RES-002..004) with that provider or vendor as recipient; a country the chain
#   does not allow is reported here, naming the failed requirement. With no
#   support_access_countries declared, the sub-processor list must be evidenced instead
#   (EVID subprocessor_ref within thresholds.vendor_review_max_days).
# custom:
#   id: RES-007
#   severity: high
#   gate: warn
#   applies_to: [system]
#   frameworks:
#     gdpr: [Art.44]
#   remediation: >-
#     Restrict support access to EEA or adequate countries, or cover it like any transfer (DPF
#     certification for the US; SCCs/BCRs with a TIA under mechanisms_allowed); list the countries
#     in support_access_countries, or attach a reviewed sub-processor list (subprocessor_ref).
package cxgov.residency.res_007

import rego.v1

import data.cxgov.lib.evidence
import data.cxgov.lib.residency
import data.cxgov.lib.result
import data.cxgov.lib.subject

d := subject.descriptor

recipients contains {"path": sprintf("%s.%d", [sec, i]), "resource": residency.resource_label(sec, x), "recipient": x} if {
	some sec in {"ai_providers", "vendors"}
	some i, x in d[sec]
}

warn contains result.at(msg, r.resource, subject.field_loc(r.path, "support_access_countries")) if {
	some r in recipients
	some s in object.get(r.recipient, "support_access_countries", [])
	count(residency.country_codes(s)) == 0
	msg := sprintf("%s: support access country %v is not an ISO 3166 alpha-2 code, so it cannot be judged", [r.resource, s])
}

warn contains result.at(msg, r.resource, subject.field_loc(r.path, "support_access_countries")) if {
	some r in recipients
	some s in object.get(r.recipient, "support_access_countries", [])
	some c in residency.country_codes(s)
	v := residency.country_verdict(c, r.recipient, r.recipient.name)
	not residency.allowed(v)
	msg := sprintf("%s: support access from %s is a transfer that fails %s: %s", [r.resource, c, v.rule, v.why])
}

warn contains result.at(msg, r.resource, subject.field_loc(r.path, "subprocessor_ref")) if {
	some r in recipients
	count(object.get(r.recipient, "support_access_countries", [])) == 0
	pr := evidence.problem(object.get(r.recipient, "subprocessor_ref", null), data.cxgov.config.thresholds.vendor_review_max_days)
	msg := sprintf("%s: no support_access_countries declared, and the sub-processor list (subprocessor_ref) that would show them is %s", [r.resource, pr])
}
