# METADATA
# title: Where a region is, and whether personal data may go there
# description: >-
#   Regions resolve to ISO countries through data.cxgov.ref.regions; an unknown region resolves to
#   nothing, and rules treat that as a failure (RES-001), never as a pass.
package cxgov.lib.geo

import rego.v1

ref := data.cxgov.ref

config := data.cxgov.config

providers := {"aws", "gcp", "azure"}

# country of a cloud region; `provider` may be "" when only the region name is known
country(provider, region) := c if {
	c := ref.regions[provider][region]
}

country(provider, region) := c if {
	not ref.regions[provider][region]
	some p in providers
	c := ref.regions[p][region]
}

# a Google Cloud multi- or dual-region expands to its members
members(provider, region) := ref.regions.gcp_multi[region] if provider in {"gcp", ""}

countries(provider, region) := cs if {
	ms := members(provider, region)
	cs := {c | some m in ms; c := country("gcp", m)}
}

countries(provider, region) := {c} if {
	not members(provider, region)
	c := country(provider, region)
}

known(provider, region) if count(countries(provider, region)) > 0

eea(c) if c in ref.eea.eu

eea(c) if c in ref.eea.efta

adequate(c) if ref.adequacy.countries[c]

# a country personal data may go to under the residency profile, with no further mechanism
allowed_country(c) if eea(c)

allowed_country(c) if {
	config.residency_profile != "eea_only"
	adequate(c)
	not ref.adequacy.countries[c].requires_dpf
}

allowed_region(provider, region) if {
	cs := countries(provider, region)
	count(cs) > 0
	every c in cs {
		allowed_country(c)
	}
}

# host name of an endpoint URL or bare host
host(endpoint) := h if {
	rest := regex.replace(endpoint, "^[a-zA-Z][a-zA-Z0-9+.-]*://", "")
	h := lower(split(split(split(rest, "/")[0], "@")[count(split(split(rest, "/")[0], "@")) - 1], ":")[0])
}

# country of a SaaS endpoint (longest matching suffix in the reference list)
saas_country(endpoint) := c if {
	h := host(endpoint)
	matches := [s | ref.saas_endpoints.hosts[s]; endswith(concat("", [".", h]), concat("", [".", s]))]
	count(matches) > 0
	longest := max([count(s) | some s in matches])
	some s in matches
	count(s) == longest
	c := ref.saas_endpoints.hosts[s]
}
