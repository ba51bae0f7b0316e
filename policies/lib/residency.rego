# METADATA
# title: Processing locations (PL) of the system view
# description: >-
#   Every place personal data may be handled, from the descriptor (services, stores with their
#   replicas and backups, log sinks, AI providers' destinations and support access) and from the
#   system's Terraform plans and Kubernetes manifests. Each location names where it was declared
#   (path, for the finding's line) and whether personal data goes there.
package cxgov.lib.residency

import rego.v1

import data.cxgov.lib.geo
import data.cxgov.lib.subject

d := subject.descriptor

# total functions: an undefined value inside a location object would drop the whole location
personal(x) := true if x.contains_personal_data == true

personal(x) := true if x.special_category == true

personal(x) := false if {
	not x.contains_personal_data == true
	not x.special_category == true
}

locations contains {"path": sprintf("services.%d", [i]), "resource": sprintf("service %s", [s.name]), "provider": object.get(s, "provider", ""), "region": s.region, "personal": personal(s)} if {
	some i, s in d.services
	is_string(s.region)
}

locations contains {"path": sprintf("data_stores.%d", [i]), "resource": sprintf("data store %s", [s.name]), "provider": object.get(s, "provider", ""), "region": r, "personal": personal(s)} if {
	some i, s in d.data_stores
	some r in array.concat(array.concat([s.region], object.get(s, "replica_regions", [])), object.get(object.get(s, "backup", {}), "regions", []))
	is_string(r)
}

locations contains {"path": sprintf("log_sinks.%d", [i]), "resource": sprintf("log sink %s", [s.name]), "provider": object.get(s, "provider", ""), "region": s.region, "personal": sink_personal(s)} if {
	some i, s in d.log_sinks
	is_string(s.region)
}

locations contains {"path": sprintf("ai_providers.%d", [i]), "resource": sprintf("AI provider %s", [p.name]), "provider": provider_cloud(p), "region": r, "personal": true} if {
	some i, p in d.ai_providers
	some r in array.concat([object.get(p, "region", null)], object.get(p, "destination_regions", []))
	is_string(r)
}

# Terraform and Kubernetes locations of the system's other documents
locations contains {"path": "", "resource": sprintf("%s (%s)", [loc.address, doc.file]), "provider": loc.provider, "region": loc.region, "personal": true, "file": doc.file, "line": doc.line} if {
	some doc in subject.documents("terraform-plan")
	some loc in tf_locations(doc.document)
}

locations contains {"path": "", "resource": sprintf("%s (%s)", [doc.id, doc.file]), "provider": "", "region": r, "personal": true, "file": doc.file, "line": doc.line} if {
	some doc in subject.documents("kubernetes")
	some r in k8s_regions(doc.document)
}

sink_personal(s) := true if personal(s)

sink_personal(s) := true if carries_personal_kind(s)

sink_personal(s) := false if {
	not personal(s)
	not carries_personal_kind(s)
}

carries_personal_kind(s) if {
	some k in object.get(s, "data_kinds", [])
	k in personal_kinds
}

personal_kinds := {"transcript", "ai_event", "pii", "customer_record"}

provider_cloud(p) := "azure" if p.service == "azure_openai"

provider_cloud(p) := "aws" if p.service == "bedrock"

provider_cloud(p) := "gcp" if p.service == "vertex_ai"

provider_cloud(p) := "" if not p.service in {"azure_openai", "bedrock", "vertex_ai"}

# the locations a plan held in the view names (resource region/location and provider blocks)
tf_locations(plan) := resource_locs | provider_locs if {
	resource_locs := {loc |
		some rc in plan.resource_changes
		not "delete" in rc.change.actions
		some attr in {"region", "location"}
		is_string(rc.change.after[attr])
		rc.change.after[attr] != ""
		loc := {"provider": provider_of(rc.type), "region": rc.change.after[attr], "address": rc.address}
	}
	provider_locs := {loc |
		some name
		cfg := plan.configuration.provider_config[name]
		is_string(cfg.expressions.region.constant_value)
		loc := {"provider": provider_of(name), "region": cfg.expressions.region.constant_value, "address": sprintf("provider.%s", [name])}
	}
}

provider_of(name) := "aws" if startswith(name, "aws")

provider_of(name) := "gcp" if startswith(name, "google")

provider_of(name) := "azure" if startswith(name, "azurerm")

provider_of(name) := "" if {
	not startswith(name, "aws")
	not startswith(name, "google")
	not startswith(name, "azurerm")
}

k8s_regions(doc) := affinity | selector if {
	affinity := {r |
		some term in doc.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms
		some expr in term.matchExpressions
		expr.key == "topology.kubernetes.io/region"
		expr.operator == "In"
		some r in expr.values
	}
	selector := {r | r := doc.spec.template.spec.nodeSelector["topology.kubernetes.io/region"]}
}

# where a location's finding points: the descriptor field, or the other document
loc(l) := {"file": l.file, "line": l.line} if l.file

loc(l) := subject.loc(l.path) if not l.file
