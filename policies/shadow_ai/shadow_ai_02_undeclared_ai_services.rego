# METADATA
# title: Every AI service the system uses is declared
# description: >-
#   Compares what the deployment really uses with what the descriptor declares. An AI provider
#   endpoint, API key, model server image, AI cloud resource or SDK package found in the system's
#   manifests, plans, dependency manifests or .env files (by structure, from
#   data.cxgov.ref.ai_catalog) must match an ai_providers entry of the same service, in the same
#   region when the usage shows one (its region or destination_regions), and for per-resource
#   services (Azure OpenAI, Azure AI) the same resource host when both name one. A
#   provider-neutral framework (LangChain, LlamaIndex, Semantic Kernel) needs at least one
#   declared provider. Undeclared AI software is unauthorised software (SOC 2 CC6.8) and an
#   unmanaged vendor (CC9.2); a provider processing personal data without a declared entry has no
#   DPA on record (GDPR Art. 28) and is a recipient missing from the record of processing (Art.
#   30); for a high-risk system the deployer must use the system as its instructions say, with
#   the providers it was assessed with (EU AI Act Art. 26), so the finding also names Art. 26. A
#   literal key is SOC2-CC6.1-04's finding, not this rule's: this rule reports the undeclared use.
# custom:
#   id: SHADOW-AI-02
#   severity: high
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     soc2: [CC6.8, CC9.2]
#     gdpr: [Art.28, Art.30]
#   remediation: >-
#     Declare the provider in the descriptor's ai_providers (service, endpoint, region, role,
#     dpa_ref) after its approval and DPA, and add it to the record of processing; or remove the
#     endpoint, key, image, resource or package. When the descriptor declares it with another
#     region or resource, correct whichever is wrong.
package cxgov.shadow_ai.shadow_ai_02

import rego.v1

import data.cxgov.lib.geo
import data.cxgov.lib.subject
import data.cxgov.shadow_ai.detect

providers := object.get(subject.descriptor, "ai_providers", [])

deny contains result if {
	some x in detect.system_usages
	u := x.usage
	not covered(u)
	doc := input.documents[x.index]
	msg := sprintf("%s: %s uses %s (%s): %s", [doc.file, u.evidence, detect.provider_label(u.provider), u.kind, why(u)])
	result := object.union(
		object.union(detect.record(u), {"msg": msg, "resource": sprintf("%s %s", [u.provider, u.evidence]), "_loc": detect.location(doc, u), "declared": false}),
		ai_act_controls,
	)
}

# The inventory: every usage, declared or not, as a record with the same fields. Only a run that asks
# for it (data.cxgov.inventory.records, set by `cxgov inventory` and `cxgov init`) has any, so
# `cxgov check` and `cxgov audit` print nothing for declared usage; the gate is SHADOW-AI-02's deny.
warn_inventory contains result if {
	data.cxgov.inventory.records == true
	some x in detect.system_usages
	u := x.usage
	doc := input.documents[x.index]
	result := object.union(detect.record(u), {
		"msg": sprintf("%s: %s uses %s (%s)", [doc.file, u.evidence, detect.provider_label(u.provider), u.kind]),
		"resource": sprintf("%s %s", [u.provider, u.evidence]), "_loc": detect.location(doc, u),
		"declared": declared(u), "inventory": true,
	})
}

declared(u) := true if covered(u) else := false

ai_act_controls := {"_controls": {"eu-ai-act": ["Art.26"]}} if subject.high_risk

ai_act_controls := {} if not subject.high_risk

framework(u) if detect.catalog.providers[u.provider].framework == true

covered(u) if {
	framework(u)
	count(providers) > 0
}

covered(u) if {
	not framework(u)
	some e in providers
	same_service(e, u)
	region_fits(e, u)
	host_fits(e, u)
}

same_service(e, u) if lower(e.service) in detect.catalog.providers[u.provider].services

region_fits(_, u) if u.region == null

region_fits(e, _) if not is_string(object.get(e, "region", null))

region_fits(e, u) if geo.normalize(e.region) == u.region

region_fits(e, u) if {
	some r in object.get(e, "destination_regions", [])
	geo.normalize(r) == u.region
}

host_fits(_, u) if not per_resource(u)

per_resource(u) if detect.catalog.providers[u.provider].per_resource == true

host_fits(_, u) if u.host == null

host_fits(e, _) if not is_string(object.get(e, "endpoint", null))

host_fits(e, u) if endpoint_host(e.endpoint) == u.host

endpoint_host(x) := detect.url_host(x) if contains(x, "://")

endpoint_host(x) := lower(split(x, "/")[0]) if not contains(x, "://")

# why the usage is not covered, in words
why(u) := "no ai_providers entry is declared for this provider-neutral framework" if {
	framework(u)
} else := sprintf("ai_providers declares %s only in other regions, not %s", [u.provider, u.region]) if {
	some e in providers
	same_service(e, u)
	host_fits(e, u)
} else := sprintf("ai_providers declares other %s resources, not %s", [u.provider, u.host]) if {
	some e in providers
	same_service(e, u)
} else := sprintf("the host %s is declared as service %s, but it is %s's", [u.host, declared_service(u), u.provider]) if {
	declared_service(u)
} else := sprintf("no ai_providers entry declares %s", [u.provider])

declared_service(u) := e.service if {
	is_string(u.host)
	some e in providers
	is_string(e.endpoint)
	endpoint_host(e.endpoint) == u.host
}
