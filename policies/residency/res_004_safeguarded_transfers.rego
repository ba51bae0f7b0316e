# METADATA
# title: Other transfers have an Art 46 safeguard and a transfer impact assessment
# description: >-
#   Personal data in a country without adequacy (or in the US when the DPF does not cover it and
#   the profile allows mechanisms) passes only under profile mechanisms_allowed, with
#   transfer_mechanism scc or bcr, a fresh approved TIA (EVID tia_ref, thresholds.tia_max_days)
#   and, for SCCs, the module that fits the recipient's role. Assumption: the system owner is the
#   controller, so a processor recipient needs module 2, a subprocessor module 3, a controller
#   module 1. Art 49 derogations are RES-005's.
# custom:
#   id: RES-004
#   severity: critical
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     gdpr: [Art.46]
#   remediation: >-
#     Keep the data in the EEA or an adequate country, or (with residency_profile
#     mechanisms_allowed) sign SCCs of the module that fits the recipient's role or rely on BCRs,
#     record transfer_mechanism, scc_module and role, and attach an approved TIA (tia_ref)
#     reviewed within 365 days.
package cxgov.residency.res_004

import rego.v1

import data.cxgov.lib.residency
import data.cxgov.lib.result
import data.cxgov.lib.subject

deny contains result.at(msg, p.resource, subject.loc(p.path)) if {
	some p in residency.places
	some c in p.countries
	v := residency.verdict(p, c)
	v.rule == "RES-004"
	msg := sprintf("%s: %s: %s", [p.resource, residency.at(p, c), v.why])
}
