# METADATA
# title: Each purpose is linked to a RoPA entry that lists recipients and transfers
# description: >-
#   GDPR Art 30(1): the record of processing names each purpose, its recipients and its transfers to
#   third countries. Every service, data store and log sink that handles personal data (unless it says
#   it does not) must name a RoPA entry (ropa_ref -> ropa[].id): a missing or dangling reference is a
#   deny. Advisory: an LLM vendor (ai_providers[].vendor, else its name) that no RoPA entry lists as a
#   recipient, a log vendor missing from its sink's entry, and a processing location outside the EEA
#   (regions, replicas, backups, SaaS endpoints, AI destinations, support access, vendor countries) that
#   is missing from the transfers of the entry it belongs to (of any entry, for AI providers and
#   vendors). Recipient names match case-insensitively, as a substring of the listed recipient.
# custom:
#   id: GDPR-30-01
#   severity: high
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     gdpr: [Art.30(1)]
#   remediation: >-
#     Export the RoPA entries of this system into ropa[] (id, purpose, recipients, transfers) and set
#     ropa_ref on every service, data store and log sink handling personal data. List every LLM and
#     observability vendor among the recipients and every non-EEA country data reaches (ISO codes)
#     among the transfers.
package cxgov.gdpr.gdpr_30_01

import rego.v1

import data.cxgov.lib.geo
import data.cxgov.lib.personal_data
import data.cxgov.lib.result
import data.cxgov.lib.subject

d := subject.descriptor

sections := {"services": "service", "data_stores": "data store", "log_sinks": "log sink"}

items contains {"path": concat(".", [section, format_int(i, 10)]), "what": concat(" ", [label, x.name]), "item": x} if {
	some section, label in sections
	some i, x in object.get(d, section, [])
	personal_data.holds(x)
}

entry(x) := personal_data.ropa_entries(x.ropa_ref)[0] if is_string(x.ropa_ref)

deny contains result.at(msg, it.what, subject.loc(it.path)) if {
	is_object(input.descriptor)
	some it in items
	not is_string(object.get(it, ["item", "ropa_ref"], null))
	msg := concat("", [it.what, ": no ropa_ref (no record of processing names the purpose it serves)"])
}

deny contains result.at(msg, it.what, subject.field_loc(it.path, "ropa_ref")) if {
	is_object(input.descriptor)
	some it in items
	is_string(it.item.ropa_ref)
	count(personal_data.ropa_entries(it.item.ropa_ref)) == 0
	msg := concat("", [it.what, ": ropa_ref ", it.item.ropa_ref, " names no entry of ropa[]"])
}

# ---------------------------------------------------------------- recipients

all_recipients := {lower(r) | some e in object.get(d, "ropa", []); some r in object.get(e, "recipients", [])}

listed(name, recipients) if {
	some r in recipients
	contains(r, lower(name))
}

provider_vendor(p) := p.vendor if is_string(p.vendor)

provider_vendor(p) := p.name if not is_string(object.get(p, "vendor", null))

warn contains result.at(msg, concat(" ", ["AI provider", p.name]), subject.loc(sprintf("ai_providers.%d.vendor", [i]))) if {
	is_object(input.descriptor)
	some i, p in d.ai_providers
	v := provider_vendor(p)
	not listed(v, all_recipients)
	msg := concat("", ["AI provider ", p.name, ": LLM vendor ", v, " is not among the recipients of any RoPA entry"])
}

warn contains result.at(msg, concat(" ", ["log sink", s.name]), subject.field_loc(path, "vendor")) if {
	is_object(input.descriptor)
	some i, s in d.log_sinks
	personal_data.holds(s)
	v := s.vendor
	is_string(v)
	e := entry(s)
	not listed(v, {lower(r) | some r in object.get(e, "recipients", [])})
	path := sprintf("log_sinks.%d", [i])
	msg := concat("", ["log sink ", s.name, ": log vendor ", v, " is not among the recipients of RoPA entry ", e.id])
}

# ---------------------------------------------------------------- transfers

# where each item's data goes: {country, where}
places(x) := {p |
	some r in array.concat(array.concat([object.get(x, "region", null)], object.get(x, "replica_regions", [])), object.get(object.get(x, "backup", {}), "regions", []))
	is_string(r)
	some c in geo.countries(object.get(x, "provider", ""), r)
	p := {"country": c, "where": concat(" ", ["region", r])}
} | {p |
	is_string(x.endpoint)
	c := geo.saas_country(x.endpoint)
	p := {"country": c, "where": concat(" ", ["endpoint", x.endpoint])}
}

outside_eea(c) if not geo.eea(c)

transfers_of(e) := {upper(t) | some t in object.get(e, "transfers", [])}

all_transfers := {upper(t) | some e in object.get(d, "ropa", []); some t in object.get(e, "transfers", [])}

warn contains result.at(msg, it.what, subject.field_loc(it.path, "ropa_ref")) if {
	is_object(input.descriptor)
	some it in items
	e := entry(it.item)
	some p in places(it.item)
	outside_eea(p.country)
	ts := transfers_of(e)
	not object.get(p, "country", null) in ts
	msg := concat("", [it.what, ": ", p.where, " is in ", p.country, ", a third country not among the transfers of RoPA entry ", e.id])
}

# AI providers and vendors name no RoPA entry: their countries must be among some entry's transfers
outside contains {"path": region_path(i, p, r), "what": concat(" ", ["AI provider", p.name]), "country": c, "where": concat(" ", ["region", r])} if {
	some i, p in d.ai_providers
	some r in array.concat([object.get(p, "region", null)], object.get(p, "destination_regions", []))
	is_string(r)
	some c in geo.countries(geo.provider_cloud(p), r)
}

# the provider's region field, else the destination_regions entry that names the region
region_path(i, p, r) := sprintf("ai_providers.%d.region", [i]) if p.region == r

region_path(i, p, r) := sprintf("ai_providers.%d.destination_regions.%d", [i, ks[0]]) if {
	not p.region == r
	ks := [k | some k, x in p.destination_regions; x == r]
	count(ks) > 0
}

outside contains {"path": sprintf("ai_providers.%d.support_access_countries", [i]), "what": concat(" ", ["AI provider", p.name]), "country": upper(c), "where": "support access"} if {
	some i, p in d.ai_providers
	some c in object.get(p, "support_access_countries", [])
}

outside contains {"path": sprintf("vendors.%d.country", [i]), "what": concat(" ", ["vendor", v.name]), "country": upper(v.country), "where": "country"} if {
	some i, v in d.vendors
	is_string(v.country)
}

outside contains {"path": sprintf("vendors.%d.support_access_countries", [i]), "what": concat(" ", ["vendor", v.name]), "country": upper(c), "where": "support access"} if {
	some i, v in d.vendors
	some c in object.get(v, "support_access_countries", [])
}

warn contains result.at(msg, o.what, subject.loc(o.path)) if {
	is_object(input.descriptor)
	some o in outside
	outside_eea(o.country)
	not object.get(o, "country", null) in all_transfers
	msg := concat("", [o.what, ": ", o.where, " is in ", o.country, ", a third country not among the transfers of any RoPA entry"])
}
