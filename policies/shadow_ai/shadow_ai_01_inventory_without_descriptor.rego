# METADATA
# title: AI services in use are listed even without a descriptor
# description: >-
#   Without a cxgov descriptor nothing says which AI services are approved, so every AI service a
#   manifest, plan, dependency manifest or .env file uses (detected by structure from
#   data.cxgov.ref.ai_catalog: URL hosts, API-key variable names, key shapes, AI server images,
#   Terraform resource types and providers, SDK packages) is listed as a warning: the inventory a
#   first run starts from. Unapproved software (SOC 2 CC6.8) and unmanaged vendors (CC9.2) begin
#   here, and each external AI provider is a recipient the record of processing (GDPR Art. 30)
#   must name. With a descriptor, SHADOW-AI-02 judges the same usages against its ai_providers.
# custom:
#   id: SHADOW-AI-01
#   severity: medium
#   gate: warn
#   applies_to: [kubernetes, terraform-plan, dependencies, dotenv]
#   frameworks:
#     soc2: [CC6.8, CC9.2]
#     gdpr: [Art.30]
#   remediation: >-
#     Add a cxgov descriptor (cxgov init drafts its ai_providers from the same detection) and
#     declare each AI provider, model server and SDK the system uses, with its region, role and DPA;
#     remove what nobody approved.
package cxgov.shadow_ai.shadow_ai_01

import rego.v1

import data.cxgov.shadow_ai.detect

warn contains result if {
	not data.cxgov.run.has_descriptor == true
	some u in detect.input_usages
	msg := sprintf("%s uses %s (%s); no descriptor declares which AI services are approved", [u.evidence, detect.provider_label(u.provider), u.kind])
	result := object.union(
		object.union(detect.record(u), {"msg": msg, "resource": sprintf("%s %s", [u.provider, u.evidence]), "declared": false}),
		where(u),
	)
}

where(u) := {"_path": u.path} if u.path != ""

where(u) := {"_loc": {"line": u.line}} if u.path == ""
