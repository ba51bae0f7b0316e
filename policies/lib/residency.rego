# METADATA
# title: Processing locations (PL) of the system view
# description: >-
#   Every place personal data may be handled, from the descriptor (services, stores with their
#   replicas and backups, log sinks, AI providers' destinations and support access) and from the
#   system's Terraform plans and Kubernetes manifests. Each location names where it was declared
#   (path, for the finding's line) and whether personal data goes there. The same package holds
#   the Terraform and Kubernetes locations (residency_iac.rego), the transfer chain's places
#   (residency_places.rego) and its verdict, which says for one country and its recipient which of
#   RES-002..RES-005 owns the outcome (residency_verdict.rego).
package cxgov.lib.residency

import rego.v1

import data.cxgov.lib.geo
import data.cxgov.lib.personal_data
import data.cxgov.lib.subject

d := subject.descriptor

config := data.cxgov.config

ref := data.cxgov.ref

# residency-specific reference data (policies/data/residency_transfers.json)
transfers := ref.residency_transfers

# total functions: an undefined value inside a location object would drop the whole location.
# Here an entry holds personal data only when it says so (personal_data.declared), or for a store
# or sink when its data kinds name a personal one.
personal(x) := true if personal_data.declared(x)

personal(x) := false if not personal_data.declared(x)

store_personal(s) := true if personal_data.declared(s)

store_personal(s) := true if object.get(s, "data_kind", "") in personal_data.kinds

store_personal(s) := false if {
	not personal_data.declared(s)
	not object.get(s, "data_kind", "") in personal_data.kinds
}

locations contains {"path": sprintf("services.%d", [i]), "resource": sprintf("service %s", [s.name]), "provider": object.get(s, "provider", ""), "region": s.region, "personal": personal(s)} if {
	some i, s in d.services
	is_string(s.region)
}

locations contains {"path": sprintf("data_stores.%d", [i]), "resource": sprintf("data store %s", [s.name]), "provider": object.get(s, "provider", ""), "region": r, "personal": store_personal(s)} if {
	some i, s in d.data_stores
	some r in array.concat(array.concat([s.region], object.get(s, "replica_regions", [])), object.get(object.get(s, "backup", {}), "regions", []))
	is_string(r)
}

locations contains {"path": sprintf("log_sinks.%d", [i]), "resource": sprintf("log sink %s", [s.name]), "provider": object.get(s, "provider", ""), "region": s.region, "personal": sink_personal(s)} if {
	some i, s in d.log_sinks
	is_string(s.region)
}

locations contains {"path": sprintf("ai_providers.%d", [i]), "resource": sprintf("AI provider %s", [p.name]), "provider": geo.provider_cloud(p), "region": r, "personal": true} if {
	some i, p in d.ai_providers
	some r in array.concat([object.get(p, "region", null)], object.get(p, "destination_regions", []))
	is_string(r)
}

# Terraform and Kubernetes locations of the system's other documents
# (`doc_path`: the field inside that document, for the finding's line)
locations contains {"path": "", "resource": sprintf("%s (%s)", [loc.address, doc.file]), "provider": loc.provider, "region": loc.region, "personal": true, "file": doc.file, "line": doc.line, "doc_path": loc.path} if {
	some doc in subject.documents("terraform-plan")
	some loc in tf_locations(doc.document)
}

locations contains {"path": "", "resource": sprintf("%s (%s)", [doc.id, doc.file]), "provider": "", "region": p.region, "personal": true, "file": doc.file, "line": doc.line, "doc_path": p.path} if {
	some doc in subject.documents("kubernetes")
	some p in k8s_placements(doc.document)
}

sink_personal(s) := true if personal_data.declared(s)

sink_personal(s) := true if personal_data.carries_personal_kind(s)

sink_personal(s) := false if {
	not personal_data.declared(s)
	not personal_data.carries_personal_kind(s)
}

# where a location's finding points: the descriptor field, or the other document
loc(l) := {"file": l.file, "line": l.line, "path": l.doc_path} if l.file

loc(l) := subject.loc(l.path) if not l.file
