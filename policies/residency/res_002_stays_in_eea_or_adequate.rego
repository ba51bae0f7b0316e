# METADATA
# title: Personal data stays in the EEA or an adequate country within the decision's scope
# description: >-
#   Every descriptor place holding personal data (service, data store with replicas and backups,
#   log sink, AI provider region and destination_regions, vendor country) must resolve to the EEA,
#   or, unless the residency profile is eea_only, to a country with an adequacy decision whose
#   scope covers it (recipient's adequacy_scope, excluded data kinds, expiry). RES-002 reports
#   non-EEA places under eea_only, places outside an adequacy decision's scope, and places that
#   do not resolve at all (no region, or a region cxgov cannot map: never a pass); US places
#   without DPF go to RES-003 and countries without adequacy to RES-004.
# custom:
#   id: RES-002
#   severity: critical
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     gdpr: [Art.44, Art.45]
#   remediation: >-
#     Move the data to an EEA region, or (unless the profile is eea_only) to an adequate country;
#     for a decision with a limited scope (CA, JP), record the recipient's scope in adequacy_scope.
#     Declare a region for every service, data store, log sink and AI provider holding personal data.
package cxgov.residency.res_002

import rego.v1

import data.cxgov.lib.residency
import data.cxgov.lib.result
import data.cxgov.lib.subject

deny contains result.at(msg, p.resource, subject.loc(p.path)) if {
	some p in residency.places
	count(p.countries) == 0
	p.missing
	msg := sprintf("%s: %s for personal data, so it cannot be shown to stay in the EEA or an adequate country", [p.resource, p.where])
}

deny contains result.at(msg, p.resource, subject.loc(p.path)) if {
	some p in residency.places
	count(p.countries) == 0
	not p.missing
	msg := sprintf("%s: %s does not resolve to a country, so it cannot be shown to stay in the EEA or an adequate country", [p.resource, p.where])
}

deny contains result.at(msg, p.resource, subject.loc(p.path)) if {
	some p in residency.places
	some c in p.countries
	v := residency.verdict(p, c)
	v.rule == "RES-002"
	msg := sprintf("%s: %s: %s", [p.resource, residency.at(p, c), v.why])
}
