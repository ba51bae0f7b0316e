# METADATA
# title: LLM routing cannot take personal data outside the allowed regions
# description: >-
#   An AI provider's routing can move prompts beyond its endpoint region. Denied: Azure OpenAI
#   Global* deployment types (ref.llm_routing.global_routing_modes), Amazon Bedrock global.*
#   inference profiles (also inside an ARN), and Vertex AI's global endpoint or region. Bedrock
#   geo profiles (eu., us., apac.) expand to their destination regions
#   (ref.llm_routing.geo_profiles.bedrock), and every destination must pass the residency chain
#   (RES-002..004) for that provider. Azure DataZone deployments stay in the resource's data zone
#   (EU resources: EU member states), which the chain judges through the provider's region.
#   The same global routing is caught where the infrastructure sets it rather than the descriptor:
#   an azurerm_cognitive_deployment whose SKU or scale type is Global*, a Terraform model or
#   inference-profile attribute naming a global. profile, and a container environment variable
#   naming a global. model or profile (…MODEL…, …PROFILE…) or a global Vertex location (…LOCATION).
# custom:
#   id: RES-006
#   severity: critical
#   gate: deny
#   applies_to: [system, terraform-plan, kubernetes]
#   frameworks:
#     gdpr: [Art.44]
#   remediation: >-
#     Use a regional or data-zone deployment (Azure Standard/DataZoneStandard in an EU resource),
#     an in-region Bedrock model id or an eu. inference profile, and a regional Vertex AI endpoint
#     (e.g. europe-west4-aiplatform.googleapis.com) in an allowed region.
package cxgov.residency.res_006

import rego.v1

import data.cxgov.lib.geo
import data.cxgov.lib.kubernetes
import data.cxgov.lib.residency
import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.lib.terraform

d := subject.descriptor

routing := data.cxgov.ref.llm_routing

markers := data.cxgov.ref.residency_transfers

finding(i, p, field, what) := result.at(sprintf("AI provider %s: %s", [p.name, what]), sprintf("AI provider %s", [p.name]), subject.field_loc(sprintf("ai_providers.%d", [i]), field))

deny contains f if {
	some i, p in d.ai_providers
	global_mode(p.routing_mode)
	f := finding(i, p, "routing_mode", sprintf("routing_mode %s is a global deployment that can process requests in any region", [p.routing_mode]))
}

deny contains f if {
	some i, p in d.ai_providers
	id := model_base(p.model_id)
	some prefix in routing.global_model_prefixes
	startswith(id, prefix)
	f := finding(i, p, "model_id", sprintf("model_id %s is a global cross-region inference profile that can route to any commercial region", [p.model_id]))
}

deny contains f if {
	some i, p in d.ai_providers
	is_string(p.region)
	lower(p.region) in markers.global_region_names
	f := finding(i, p, "region", sprintf("region %s is a global endpoint with no residency guarantee", [p.region]))
}

deny contains f if {
	some i, p in d.ai_providers
	global_endpoint(p.endpoint)
	f := finding(i, p, "endpoint", sprintf("endpoint %s is a global endpoint with no residency guarantee", [p.endpoint]))
}

# a geo inference profile routes to each of its destinations: each must be allowed for this provider
routes contains [i, dest] if {
	some i, p in d.ai_providers
	id := model_base(p.model_id)
	some prefix, destinations in routing.geo_profiles.bedrock
	startswith(id, prefix)
	some dest in destinations
}

deny contains f if {
	some [i, dest] in routes
	p := d.ai_providers[i]
	count(residency.geo_countries("aws", dest)) == 0
	f := finding(i, p, "model_id", sprintf("model_id %s routes to %s, which does not resolve to a country", [p.model_id, dest]))
}

deny contains f if {
	some [i, dest] in routes
	p := d.ai_providers[i]
	some c in residency.geo_countries("aws", dest)
	v := residency.country_verdict(c, p, p.name)
	not residency.allowed(v)
	f := finding(i, p, "model_id", sprintf("model_id %s routes to %s (%s): %s", [p.model_id, dest, c, v.why]))
}

global_mode(m) if {
	is_string(m)
	lower(m) in {lower(x) | some x in routing.global_routing_modes}
}

global_mode(m) if {
	is_string(m)
	some prefix in markers.global_routing_mode_prefixes
	startswith(lower(m), prefix)
}

# the model or inference profile id, also when given as an ARN (.../inference-profile/<id>)
model_base(m) := parts[count(parts) - 1] if {
	is_string(m)
	parts := split(m, "/")
}

global_endpoint(e) if {
	is_string(e)
	geo.host(e) in markers.vertex_global_hosts
}

global_endpoint(e) if {
	is_string(e)
	contains(lower(e), "/locations/global/")
}

# ------------------------------------------------ where the infrastructure sets the routing itself

model_attributes := {"foundation_model", "model_id", "model_arn", "inference_profile_arn", "model"}

deny contains result.at_path(msg, r.address, terraform.doc_path(r, [block, j, key])) if {
	is_array(input.resource_changes)
	some r in terraform.of_type("azurerm_cognitive_deployment")
	some block in ["sku", "scale"]
	some j, settings in object.get(r.values, block, [])
	some key in {"name", "type"}
	global_mode(settings[key])
	msg := sprintf("%s: deployment type %s routes prompts to any Azure region", [r.address, settings[key]])
}

deny contains result.at_path(msg, r.address, terraform.doc_path(r, [attr])) if {
	is_array(input.resource_changes)
	some r in terraform.resources
	some attr in model_attributes
	startswith(model_base(r.values[attr]), "global.")
	msg := sprintf("%s: %s %s is a global inference profile (any commercial region)", [r.address, attr, r.values[attr]])
}

deny contains result.at_path(msg, concat("", ["container ", c.name]), sprintf("%s.env.%d.value", [entry.path, j])) if {
	is_string(input.kind)
	some entry in kubernetes.container_entries
	c := entry.container
	some j, e in object.get(c, "env", [])
	is_string(e.value)
	routing_variable(e.name)
	startswith(model_base(e.value), "global.")
	msg := sprintf("%s container %s: %s=%s is a global inference profile (any commercial region)", [kubernetes.label, c.name, e.name, e.value])
}

deny contains result.at_path(msg, concat("", ["container ", c.name]), sprintf("%s.env.%d.value", [entry.path, j])) if {
	is_string(input.kind)
	some entry in kubernetes.container_entries
	c := entry.container
	some j, e in object.get(c, "env", [])
	endswith(upper(e.name), "LOCATION")
	e.value == "global"
	msg := sprintf("%s container %s: %s=global uses Vertex AI's global endpoint (no residency guarantee)", [kubernetes.label, c.name, e.name])
}

routing_variable(name) if contains(upper(name), "MODEL")

routing_variable(name) if contains(upper(name), "PROFILE")
