# METADATA
# title: Infrastructure as code stays in the regions the descriptor declares
# description: >-
#   The descriptor is what the residency rules judge, so every location the system's Terraform
#   plans and Kubernetes manifests name must be declared in it (a region of services, data_stores
#   with replica_regions and backup.regions, log_sinks or ai_providers with destination_regions).
#   Covered: resource region/location/zone, provider blocks, S3 replication destinations (when the
#   destination bucket is in the plan; S3 ARNs carry no region), AWS Backup copy_action vaults,
#   GCS custom_placement_config data_locations, the Azure GRS secondary (ref.regions.azure_pairs,
#   fail closed when unknown) and Kubernetes region affinity or node selectors.
# custom:
#   id: RES-008
#   severity: high
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     gdpr: [Art.44]
#   remediation: >-
#     Declare the region in the descriptor on the service, data store (replica_regions,
#     backup.regions) or sink that uses it, so RES-001..004 judge it, or change the Terraform or
#     Kubernetes configuration to the declared regions.
package cxgov.residency.res_008

import rego.v1

import data.cxgov.lib.geo
import data.cxgov.lib.residency
import data.cxgov.lib.result
import data.cxgov.lib.subject

# every region the descriptor declares, as the reference data spells it
declared contains geo.normalize(l.region) if {
	some l in residency.locations
	not l.file
}

declared_region(r) if geo.normalize(r) in declared

# a multi- or dual-region whose members are all declared
declared_region(r) if {
	ms := geo.members("gcp", r)
	count(ms) > 0
	every m in ms {
		geo.normalize(m) in declared
	}
}

# a member of a declared multi- or dual-region
declared_region(r) if {
	some dm in declared
	some m in geo.members("gcp", dm)
	geo.normalize(m) == geo.normalize(r)
}

deny contains result.at(msg, loc.address, {"file": doc.file, "line": doc.line, "path": loc.path}) if {
	some doc in subject.documents("terraform-plan")
	some loc in residency.tf_locations(doc.document)
	r := loc.region
	not declared_region(r)
	msg := sprintf("%s: %s (%s) is in %s, which the descriptor does not declare", [doc.file, loc.address, loc.attribute, r])
}

deny contains result.at(msg, u.address, {"file": doc.file, "line": doc.line, "path": u.path}) if {
	some doc in subject.documents("terraform-plan")
	some u in residency.tf_unresolved(doc.document)
	msg := sprintf("%s: %s: %s, so it cannot be declared or judged", [doc.file, u.address, u.what])
}

deny contains result.at(msg, workload, {"file": doc.file, "line": doc.line, "path": p.path}) if {
	some doc in subject.documents("kubernetes")
	some p in residency.k8s_placements(doc.document)
	r := p.region
	not declared_region(r)
	workload := workload_of(doc)
	msg := sprintf("%s: %s is scheduled in region %s, which the descriptor does not declare", [doc.file, workload, r])
}

workload_of(doc) := sprintf("%s/%s", [doc.document.kind, doc.document.metadata.name]) if named(doc)

workload_of(doc) := doc.id if not named(doc)

named(doc) if {
	is_string(doc.document.kind)
	is_string(doc.document.metadata.name)
}
