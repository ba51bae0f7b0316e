# METADATA
# title: Observability SaaS endpoints are in allowed countries
# description: >-
#   Logs and traces leave through the observability vendor's site. A log sink carrying personal
#   data (transcript, ai_event, pii, customer_record kinds, or contains_personal_data) whose
#   endpoint host resolves through ref.saas_endpoints (e.g. datadoghq.com = US) must pass the
#   residency chain for that country with the sink's vendor as recipient (so a DPF-certified or,
#   under mechanisms_allowed, SCC-covered vendor passes). In Kubernetes manifests, telemetry
#   environment variables (ref.saas_endpoints.env_vars: DD_SITE, SENTRY_DSN, ...) must point to a
#   country the residency profile allows outright (geo.allowed_country): a manifest cannot show
#   DPF certification or SCCs.
# custom:
#   id: RES-009
#   severity: high
#   gate: deny
#   applies_to: [system, kubernetes]
#   frameworks:
#     gdpr: [Art.44]
#   remediation: >-
#     Use the vendor's EU site (e.g. datadoghq.eu, ingest.de.sentry.io, eu01.nr-data.net) for
#     sinks and agents that carry transcripts or AI events, or redact personal data before export;
#     for a US site, record the vendor's DPF certification in vendors[].
package cxgov.residency.res_009

import rego.v1

import data.cxgov.lib.geo
import data.cxgov.lib.kubernetes
import data.cxgov.lib.residency
import data.cxgov.lib.result
import data.cxgov.lib.subject

d := subject.descriptor

# the system view: log sinks' endpoints
deny contains result.at(msg, sprintf("log sink %s", [s.name]), subject.field_loc(sprintf("log_sinks.%d", [i]), "endpoint")) if {
	some i, s in d.log_sinks
	residency.sink_personal(s)
	is_string(s.endpoint)
	c := geo.saas_country(s.endpoint)
	p := {"recipients": residency.sink_recipients(s), "kinds": object.get(s, "data_kinds", []), "party": residency.party_name("log_sinks", s)}
	v := residency.verdict(p, c)
	not residency.allowed(v)
	msg := sprintf("log sink %s: endpoint %s sends personal data to %s: %s", [s.name, s.endpoint, c, v.why])
}

# Kubernetes workloads: telemetry settings in container environments
deny contains result.at_path(msg, concat("", ["container ", c.name]), sprintf("%s.env.%d.value", [entry.path, j])) if {
	some entry in kubernetes.container_entries
	c := entry.container
	some j, e in object.get(c, "env", [])
	e.name in data.cxgov.ref.saas_endpoints.env_vars
	is_string(e.value)
	country := geo.saas_country(e.value)
	not geo.allowed_country(country)
	msg := sprintf("%s container %s: %s=%s sends telemetry to %s, outside the countries the residency profile allows", [kubernetes.label, c.name, e.name, e.value, country])
}
