# METADATA
# title: Without a descriptor, data-holding resources stay in the default residency profile
# description: >-
#   Most first runs have no cxgov descriptor, so no system profile says where data may go. Until
#   one does, each data-holding resource of a plan or `.tf` source (ref.terraform_residency:
#   buckets, databases, caches, search domains, queues and streams, log groups, backups, AI
#   endpoints) must be in a region the default residency profile allows (data.cxgov.config
#   residency_profile, the same check as geo.allowed_region): wherever its region comes from, its
#   own region or location, its provider alias's or default provider's region, a replica, a backup
#   copy or an S3 replication destination. A region that resolves to no country (a global
#   setting, a typo) fails too. Global routing of AI deployments and inference profiles is
#   RES-006's, which applies with or without a descriptor. A region known only at apply is
#   TF-001's. With a descriptor, RES-001..RES-008 judge the system's own profile instead.
# custom:
#   id: RES-020
#   severity: critical
#   gate: deny
#   applies_to: [terraform-plan]
#   frameworks:
#     gdpr: [Art.44]
#   remediation: >-
#     Add a cxgov descriptor that declares the system's regions and transfer safeguards (cxgov init
#     drafts one from the repository), or move the resource, its provider alias or its replica to
#     an EEA region (or, under eea_or_adequacy, a region of an adequate country).
package cxgov.residency.res_020

import rego.v1

import data.cxgov.lib.result
import data.cxgov.lib.tf_residency

deny contains result.at_path(msg, l.address, l.path) if {
	not data.cxgov.run.has_descriptor == true
	some l in tf_residency.locations
	l.data == true
	not tf_residency.allowed(l)
	msg := sprintf("%s holds data in %s, from %s: outside the default residency profile (%s); %s", [l.address, tf_residency.place(l), l.from, tf_residency.profile, tf_residency.advice])
}
