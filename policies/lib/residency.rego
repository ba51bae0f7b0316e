# METADATA
# title: Processing locations (PL) of the system view
# description: >-
#   Every place personal data may be handled, from the descriptor (services, stores with their
#   replicas and backups, log sinks, AI providers' destinations and support access) and from the
#   system's Terraform plans and Kubernetes manifests. Each location names where it was declared
#   (path, for the finding's line) and whether personal data goes there. The transfer chain
#   (verdict, residency_verdict.rego) says, for one country and its recipient, which of
#   RES-002..RES-005 owns the outcome; the Terraform and Kubernetes locations are read in
#   residency_iac.rego (the same package).
package cxgov.lib.residency

import rego.v1

import data.cxgov.lib.geo
import data.cxgov.lib.subject

d := subject.descriptor

config := data.cxgov.config

ref := data.cxgov.ref

# residency-specific reference data (policies/data/residency_transfers.json)
transfers := ref.residency_transfers

# total functions: an undefined value inside a location object would drop the whole location
personal(x) := true if x.contains_personal_data == true

personal(x) := true if x.special_category == true

personal(x) := false if {
	not x.contains_personal_data == true
	not x.special_category == true
}

# a data store holds personal data when it says so or when its data kind is a personal one
store_personal(s) := true if personal(s)

store_personal(s) := true if object.get(s, "data_kind", "") in personal_kinds

store_personal(s) := false if {
	not personal(s)
	not object.get(s, "data_kind", "") in personal_kinds
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

locations contains {"path": sprintf("ai_providers.%d", [i]), "resource": sprintf("AI provider %s", [p.name]), "provider": provider_cloud(p), "region": r, "personal": true} if {
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

provider_cloud(p) := "" if not object.get(p, "service", null) in {"azure_openai", "bedrock", "vertex_ai"}

# the line of a field of a descriptor entry ("ai_providers.0", "model_id"), else of the entry
field_loc(path, field) := subject.loc(concat(".", [path, field]))

# where a location's finding points: the descriptor field, or the other document
loc(l) := {"file": l.file, "line": l.line, "path": l.doc_path} if l.file

loc(l) := subject.loc(l.path) if not l.file

# ---------------------------------------------------------------------------------------------
# The transfer chain (RES-002 .. RES-005) over the descriptor's personal-data places.
#
# A place is {path, resource, where, missing, countries, kinds, recipients, party}: a descriptor
# location holding personal data (a region, or a vendor's country), the countries it resolves to
# (empty when it does not resolve or was not declared: `missing`), the data kinds it holds, and
# the recipients whose transfer fields (transfer_mechanism, dpf_*, scc_module, tia_ref, role)
# cover it: an AI provider or vendor itself; for a service, data store or log sink, the vendors[]
# entry named by its `vendor` (log sinks) or `provider`, or listing its name under `services`.
# Terraform and Kubernetes locations are not places: RES-008 requires each to be declared in the
# descriptor, and the declaration is what the chain judges.
# ---------------------------------------------------------------------------------------------

# The embedded engine's tests cannot replace data (`with data.x as`), so unit tests set the
# residency profile and the DPF switch through input.test_overrides; cxgov builds the system
# view itself and never sets that key, so in a real run the values come from data.
overrides := object.get(input, "test_overrides", {})

profile := object.get(overrides, "residency_profile", object.get(config, "residency_profile", "eea_or_adequacy"))

mechanisms := {"scc", "bcr"}

places contains pl if {
	some l in locations
	not l.file
	l.personal == true
	pl := place(l.path, sprintf("region %s", [l.region]), false, geo_countries(l.provider, l.region))
}

places contains pl if {
	some i, v in d.vendors
	is_string(v.country)
	pl := place(sprintf("vendors.%d", [i]), sprintf("country %s", [v.country]), false, country_codes(v.country))
}

# personal data with no location at all: fail closed
places contains pl if {
	some i, v in d.vendors
	not is_string(object.get(v, "country", null))
	pl := place(sprintf("vendors.%d", [i]), clean("no country declared"), true, set())
}

places contains pl if {
	some i, s in d.services
	personal(s)
	not is_string(object.get(s, "region", null))
	pl := place(sprintf("services.%d", [i]), clean("no region declared"), true, set())
}

places contains pl if {
	some i, s in d.data_stores
	store_personal(s)
	not is_string(object.get(s, "region", null))
	pl := place(sprintf("data_stores.%d", [i]), clean("no region declared"), true, set())
}

places contains pl if {
	some i, s in d.log_sinks
	sink_personal(s)
	not is_string(object.get(s, "region", null))
	not geo.saas_country(object.get(s, "endpoint", ""))
	pl := place(sprintf("log_sinks.%d", [i]), clean("no region declared and no known endpoint host"), true, set())
}

places contains pl if {
	some i, p in d.ai_providers
	not is_string(object.get(p, "region", null))
	count([r | some r in object.get(p, "destination_regions", []); is_string(r)]) == 0
	pl := place(sprintf("ai_providers.%d", [i]), clean("no region or destination_regions declared"), true, set())
}

place(path, where, missing, countries) := {
	"path": path,
	"resource": resource_label(section(path), entry(path)),
	"where": where,
	"missing": missing,
	"countries": countries,
	"kinds": kinds(section(path), entry(path)),
	"recipients": recipients(section(path), entry(path)),
	"party": party_name(section(path), entry(path)),
}

section(path) := split(path, ".")[0]

entry(path) := d[section(path)][to_number(split(path, ".")[1])]

resource_label("services", x) := sprintf("service %s", [x.name])

resource_label("data_stores", x) := sprintf("data store %s", [x.name])

resource_label("log_sinks", x) := sprintf("log sink %s", [x.name])

resource_label("ai_providers", x) := sprintf("AI provider %s", [x.name])

resource_label("vendors", x) := sprintf("vendor %s", [x.name])

geo_countries(provider, region) := cs if cs := geo.countries(provider, region)

geo_countries(provider, region) := set() if not geo.countries(provider, region)

# an ISO 3166 alpha-2 code in any letter case ("NO" is Norway, not a YAML false)
country_codes(c) := {clean(upper(c))} if {
	is_string(c)
	regex.match(`^[A-Za-z]{2}$`, c)
}

country_codes(c) := set() if not is_string(c)

country_codes(c) := set() if {
	is_string(c)
	not regex.match(`^[A-Za-z]{2}$`, c)
}

kinds("data_stores", x) := [x.data_kind] if is_string(x.data_kind)

kinds("data_stores", x) := [] if not is_string(object.get(x, "data_kind", null))

kinds("log_sinks", x) := object.get(x, "data_kinds", [])

kinds(sec, _) := [] if not sec in {"data_stores", "log_sinks"}

# the parties whose transfer fields cover a descriptor entry
recipients(sec, x) := [x] if sec in {"ai_providers", "vendors"}

recipients(sec, x) := [v | some v in object.get(d, "vendors", []); serves(v, x)] if {
	not sec in {"ai_providers", "vendors"}
}

serves(v, x) if lower(v.name) == lower(party(x))

serves(v, x) if x.name in object.get(v, "services", [])

# who runs a service, store or sink: a log sink's vendor, else the hosting provider
party(x) := x.vendor if is_string(x.vendor)

party(x) := x.provider if {
	not is_string(object.get(x, "vendor", null))
	is_string(x.provider)
}

party_name(sec, x) := x.name if sec in {"ai_providers", "vendors"}

party_name(sec, x) := p if {
	not sec in {"ai_providers", "vendors"}
	p := party(x)
}

party_name(sec, x) := "" if {
	not sec in {"ai_providers", "vendors"}
	not party(x)
}

# how a finding names a place and one of its countries
at(p, c) := p.where if startswith(p.where, "country ")

at(p, c) := sprintf("%s (%s)", [p.where, c]) if not startswith(object.get(p, "where", ""), "country ")

# the recipient objects of log sink i (for rules judging a sink's endpoint)
sink_recipients(s) := recipients("log_sinks", s)
