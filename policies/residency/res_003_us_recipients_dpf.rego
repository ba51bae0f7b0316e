# METADATA
# title: US recipients are certified under the EU-US Data Privacy Framework
# description: >-
#   A place holding personal data in the US (a provider's, sink's, store's or service's region, or
#   a vendor's country) is adequate only when its recipient (the AI provider or vendor itself, or
#   the vendors[] entry named by the sink's vendor or the store's provider) is dpf_certified with
#   "non-HR" in dpf_scope, and dpf_checked_at is within thresholds.dpf_check_max_days. RES-003
#   reports US places failing that; when ref.adequacy.dpf_valid is off, or the profile is
#   mechanisms_allowed and the recipient declares scc/bcr/art49, RES-004/RES-005 judge instead.
# custom:
#   id: RES-003
#   severity: critical
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     gdpr: [Art.45]
#   remediation: >-
#     Check the recipient on the DPF List (dataprivacyframework.gov) and record dpf_certified: true,
#     dpf_scope: [non-HR] and the check date in dpf_checked_at (at most 30 days old); declare the
#     vendor in vendors[] under the name the sink or store uses. Otherwise use an EEA region.
package cxgov.residency.res_003

import rego.v1

import data.cxgov.lib.residency
import data.cxgov.lib.result
import data.cxgov.lib.subject

deny contains result.at(msg, p.resource, subject.loc(p.path)) if {
	some p in residency.places
	some c in p.countries
	v := residency.verdict(p, c)
	v.rule == "RES-003"
	msg := sprintf("%s: %s: %s", [p.resource, residency.at(p, c), v.why])
}
