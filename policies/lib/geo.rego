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

# a region name as the reference data spells it: lower case, no spaces ("West Europe" ->
# "westeurope", Terraform's "EUROPE-WEST4" -> "europe-west4")
normalize(region) := lower(replace(region, " ", "")) if is_string(region)

# the country under the exact name: the given provider first, then any provider
lookup(provider, region) := c if {
	c := object.get(object.get(ref.regions, provider, {}), region, null)
	c != null
}

lookup(provider, region) := c if {
	object.get(object.get(ref.regions, provider, {}), region, null) == null
	some p in providers
	c := object.get(object.get(ref.regions, p, {}), region, null)
	c != null
}

# country of a cloud region; `provider` may be "" when only the region name is known
country(provider, region) := lookup(provider, region)

country(provider, region) := c if {
	not lookup(provider, region)
	c := lookup(provider, normalize(region))
}

# a Google Cloud multi- or dual-region expands to its members (the name in any letter case)
members(provider, region) := exact_members(region) if provider in {"gcp", ""}

members(provider, region) := ms if {
	provider in {"gcp", ""}
	not exact_members(region)
	some k
	ms := ref.regions.gcp_multi[k]
	is_array(ms)
	lower(k) == normalize(region)
}

# the members under the exact name; undefined as a whole otherwise, so `not exact_members(r)` holds
# for a name that is not there (`not is_array(ref.regions.gcp_multi[r])` would be undefined on OPA)
exact_members(region) := ms if {
	ms := ref.regions.gcp_multi[region]
	is_array(ms)
}

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

adequate(c) if object.get(ref.adequacy.countries, c, null) != null

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

# country of a SaaS endpoint: the longest of the host's dot-suffixes (the host itself first) that the
# reference list names; one lookup per label, not a scan of the list
saas_country(endpoint) := c if {
	labels := split(host(endpoint), ".")
	n := count(labels)
	known := [s | some i in numbers.range(0, n - 1); s := concat(".", array.slice(labels, i, n)); ref.saas_endpoints.hosts[s]]
	count(known) > 0
	c := ref.saas_endpoints.hosts[known[0]]
}

# the cloud an AI provider's service runs on, whose region names resolve it ("" for any other
# service: its regions are looked up under every cloud)
provider_cloud(p) := "azure" if p.service == "azure_openai"

provider_cloud(p) := "aws" if p.service == "bedrock"

provider_cloud(p) := "gcp" if p.service == "vertex_ai"

provider_cloud(p) := "" if not object.get(p, "service", null) in {"azure_openai", "bedrock", "vertex_ai"}
