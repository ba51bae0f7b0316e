# METADATA
# title: Without a descriptor, other resources are flagged outside the default residency profile
# description: >-
#   The companion of RES-020 for resources that hold no data themselves (compute, networking,
#   keys, functions): one outside the regions the default residency profile allows
#   (data.cxgov.config residency_profile) may still process personal data there, so it warns until
#   a descriptor declares the system's regions. Global services (IAM, DNS, CDN, organisation:
#   ref.terraform_residency.regionless_type_prefixes), a bucket's settings resources (judged with
#   the bucket by RES-020) and resources of other providers are left out.
# custom:
#   id: RES-021
#   severity: medium
#   gate: warn
#   applies_to: [terraform-plan]
#   frameworks:
#     gdpr: [Art.44]
#   remediation: >-
#     Add a cxgov descriptor that declares the system's regions (cxgov init drafts one), or run the
#     resource in an EEA region (or, under eea_or_adequacy, a region of an adequate country).
package cxgov.residency.res_021

import rego.v1

import data.cxgov.lib.result
import data.cxgov.lib.tf_residency

warn contains result.at_path(msg, l.address, l.path) if {
	not data.cxgov.run.has_descriptor == true
	some l in tf_residency.locations
	l.data == false
	not tf_residency.allowed(l)
	msg := sprintf("%s is in %s, from %s: outside the default residency profile (%s); %s", [l.address, tf_residency.place(l), l.from, tf_residency.profile, tf_residency.advice])
}
