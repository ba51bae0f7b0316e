# METADATA
# title: Declared AI providers are in use
# description: >-
#   An ai_providers entry of a service cxgov can detect (data.cxgov.ref.ai_catalog) that no
#   manifest, plan, dependency manifest or .env file of the run uses may be stale: the record of
#   processing (GDPR Art. 30) and the vendor list (SOC 2 CC9.2) then name a recipient that no longer
#   receives data, or the run did not include the files that use it. Informational; only judged
#   when the run includes such files.
# custom:
#   id: SHADOW-AI-03
#   severity: info
#   gate: warn
#   applies_to: [system]
#   frameworks:
#     soc2: [CC9.2]
#     gdpr: [Art.30]
#   remediation: >-
#     Remove the entry (and its record-of-processing line) when the provider is no longer used, or
#     include the manifests, plans and dependency manifests that use it in the run.
package cxgov.shadow_ai.shadow_ai_03

import rego.v1

import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.shadow_ai.detect

deployment_kinds := {"kubernetes", "terraform-plan", "dependencies", "dotenv"}

warn contains result.at(msg, e.name, subject.loc(sprintf("ai_providers.%d", [i]))) if {
	deployment_files
	some i, e in object.get(subject.descriptor, "ai_providers", [])
	detectable(e.service)
	not used(lower(object.get(e, "service", "")))
	msg := sprintf("ai_providers entry %s (service %s) is declared, but no manifest, plan or dependency of this run uses it", [e.name, e.service])
}

deployment_files if {
	some doc in input.documents
	doc.kind in deployment_kinds
}

detectable(service) if {
	some p in detect.catalog.providers
	lower(service) in p.services
}

used(service) if {
	some x in detect.system_usages
	service in detect.catalog.providers[x.usage.provider].services
}
