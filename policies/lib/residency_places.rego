# METADATA
# title: The places of the transfer chain
# description: >-
#   Part of cxgov.lib.residency (same package): the descriptor's personal-data places, each with
#   the countries it resolves to and the recipients whose transfer fields cover it, which the
#   verdict (residency_verdict.rego) judges.
package cxgov.lib.residency

import rego.v1

import data.cxgov.lib.geo

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
	pl := place(sprintf("vendors.%d", [i]), "no country declared", true, set())
}

places contains pl if {
	some i, s in d.services
	personal(s)
	not is_string(object.get(s, "region", null))
	pl := place(sprintf("services.%d", [i]), "no region declared", true, set())
}

places contains pl if {
	some i, s in d.data_stores
	store_personal(s)
	not is_string(object.get(s, "region", null))
	pl := place(sprintf("data_stores.%d", [i]), "no region declared", true, set())
}

places contains pl if {
	some i, s in d.log_sinks
	sink_personal(s)
	not is_string(object.get(s, "region", null))
	not geo.saas_country(object.get(s, "endpoint", ""))
	pl := place(sprintf("log_sinks.%d", [i]), "no region declared and no known endpoint host", true, set())
}

places contains pl if {
	some i, p in d.ai_providers
	not is_string(object.get(p, "region", null))
	count([r | some r in object.get(p, "destination_regions", []); is_string(r)]) == 0
	pl := place(sprintf("ai_providers.%d", [i]), "no region or destination_regions declared", true, set())
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
country_codes(c) := {upper(c)} if {
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
